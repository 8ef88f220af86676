"""Text search served by a trigram index (engine.search): FTS5 on SQLite, pg_trgm on PostgreSQL.

SQLite: `task_search`, an FTS5 table with the trigram tokenizer and external content (task.search,
keyed by task's rowid), kept by three triggers in the writer's own transaction, then filled from the
existing rows. VACUUM may renumber task's rowids: run `INSERT INTO task_search(task_search)
VALUES ('rebuild')` after one (raflow itself never vacuums).
PostgreSQL: the pg_trgm extension (trusted: a database owner may create it) and a GIN index
`ix_task_search_trgm`. If the extension cannot be created the search still works, unindexed.
Both: drop `ix_task_role`. A handful of roles makes it unselective, and SQLite's planner walked it for
"claimed by me, in role R" (40 ms at 100,000 cases) instead of `ix_task_assignee_due`; every query
on a role has a composite index that leads with what else it filters on.
And `ix_task_assignee_due` holds claimed tasks only (partial, `assignee IS NOT NULL`): while few tasks
are claimed, a full index's statistics say "one assignee value, every row" and the planner scans.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0014"  # re-chained at the merge (was 0009): the search index comes last
branch_labels = None
depends_on = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE task_search USING fts5(search, content='task', content_rowid='rowid', "
    "tokenize='trigram')",
    "CREATE TRIGGER task_search_insert AFTER INSERT ON task BEGIN "
    "INSERT INTO task_search(rowid, search) VALUES (new.rowid, new.search); END",
    "CREATE TRIGGER task_search_delete AFTER DELETE ON task BEGIN "
    "INSERT INTO task_search(task_search, rowid, search) VALUES ('delete', old.rowid, old.search); END",
    "CREATE TRIGGER task_search_update AFTER UPDATE OF search ON task BEGIN "
    "INSERT INTO task_search(task_search, rowid, search) VALUES ('delete', old.rowid, old.search); "
    "INSERT INTO task_search(rowid, search) VALUES (new.rowid, new.search); END",
    "INSERT INTO task_search(task_search) VALUES ('rebuild')",
]


def upgrade():
    bind = op.get_bind()
    op.drop_index("ix_task_role", table_name="task")
    op.drop_index("ix_task_assignee_due", table_name="task")
    op.create_index("ix_task_assignee_due", "task", ["assignee", "due_at", "created_at", "id"],
                    sqlite_where=sa.text("assignee IS NOT NULL"), postgresql_where=sa.text("assignee IS NOT NULL"))
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        try:
            with bind.begin_nested():
                bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as err:  # noqa: BLE001 - no privilege or no contrib package: search stays unindexed
            print(f"raflow: text search stays unindexed (pg_trgm: {str(err).splitlines()[0]})")
            return
        op.execute("CREATE INDEX ix_task_search_trgm ON task USING gin (search gin_trgm_ops)")


def downgrade():
    bind = op.get_bind()
    op.create_index("ix_task_role", "task", ["role"])
    op.drop_index("ix_task_assignee_due", table_name="task")
    op.create_index("ix_task_assignee_due", "task", ["assignee", "due_at", "created_at", "id"])
    if bind.dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS task_search_{name}")
        op.execute("DROP TABLE IF EXISTS task_search")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_task_search_trgm")
