"""Listings at 100,000 cases: the stored next deadline on the case, inbox columns and indexes on the
task projection, an index for the involved-staff rule, and the workflow stored zlib-compressed.

Existing rows are converted in place: every open case gets its `next_due` and every task its
jurisdiction, requester and search text from the rows already stored (no workflow is run).

Revision ID: 0004
Revises: 0003
"""

import zlib
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from engine.store import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BATCH = 500


def upgrade():
    # Plain ALTER TABLE on both databases: SQLite's batch mode would copy and drop ra_case, and with
    # foreign keys on, dropping it cascades to every task, timer and event row.
    op.add_column("ra_case", sa.Column("next_due", UTCDateTime, nullable=True))
    _add_not_null(op.get_bind(), "workflow_z", sa.LargeBinary)
    op.add_column("task", sa.Column("jurisdiction", sa.String(64), nullable=True))
    op.add_column("task", sa.Column("requester", sa.String(128), nullable=True))
    op.add_column("task", sa.Column("search", sa.Text, nullable=True))
    conn = op.get_bind()
    _compress_workflows(conn)
    _fill_tasks(conn)
    _fill_next_due(conn)
    _swap(conn, "workflow", "workflow_z", sa.LargeBinary)
    op.create_index("ix_case_jurisdiction_status_next_due", "ra_case", ["jurisdiction", "status", "next_due"])
    op.create_index("ix_task_assignee_due", "task", ["assignee", "due_at", "created_at", "id"])
    op.create_index("ix_task_queue_due", "task", ["jurisdiction", "role", "due_at", "created_at", "id"],
                    sqlite_where=sa.text("assignee IS NULL"), postgresql_where=sa.text("assignee IS NULL"))
    op.create_index("ix_task_requester_due", "task", ["requester", "due_at", "created_at", "id"],
                    sqlite_where=sa.text("assignee IS NULL"), postgresql_where=sa.text("assignee IS NULL"))
    op.create_index("ix_task_case_role", "task", ["case_id", "role"])
    op.create_index("ix_event_case_actor", "event", ["case_id", "actor"])


def _add_not_null(conn, name: str, type_):
    """SQLite adds a NOT NULL column only with a default (an empty value, replaced before anyone reads)."""
    sqlite = conn.dialect.name == "sqlite"
    op.add_column("ra_case", sa.Column(name, type_, nullable=not sqlite,
                                       server_default=sa.text("x''" if type_ is sa.LargeBinary else "''")
                                       if sqlite else None))


def _swap(conn, old: str, new: str, type_):
    """Drop column `old` of ra_case and rename `new` to it (SQLite >= 3.35 does both natively)."""
    op.execute(f"ALTER TABLE ra_case DROP COLUMN {old}")
    op.execute(f"ALTER TABLE ra_case RENAME COLUMN {new} TO {old}")
    if conn.dialect.name != "sqlite":  # SQLite cannot add NOT NULL to an existing column
        op.alter_column("ra_case", old, nullable=False, existing_type=type_)


def _compress_workflows(conn):
    case = sa.table("ra_case", sa.column("id", sa.Integer), sa.column("workflow", sa.Text),
                    sa.column("workflow_z", sa.LargeBinary))
    last = 0
    while True:
        rows = conn.execute(sa.select(case.c.id, case.c.workflow).where(case.c.id > last)
                            .order_by(case.c.id).limit(BATCH)).all()
        if not rows:
            return
        conn.execute(case.update().where(case.c.id == sa.bindparam("b_id")).values(workflow_z=sa.bindparam("b_z")),
                     [{"b_id": r.id, "b_z": zlib.compress(r.workflow.encode("utf-8"), 6)} for r in rows])
        last = rows[-1].id


def _fill_tasks(conn):
    """Copy jurisdiction and requester from the case; search text as engine.inbox.search_text builds it."""
    rows = conn.execute(sa.text(
        "SELECT t.id, t.title, c.id AS case_id, c.title AS case_title, c.jurisdiction, c.requester, "
        "u.display_name FROM task t JOIN ra_case c ON c.id = t.case_id "
        "LEFT JOIN app_user u ON u.name = c.requester")).all()
    if rows:
        conn.execute(sa.text("UPDATE task SET jurisdiction = :j, requester = :r, search = :s WHERE id = :id"),
                     [{"id": r.id, "j": r.jurisdiction, "r": r.requester,
                       "s": " ".join([r.case_title, r.title, r.display_name or r.requester]).casefold()} for r in rows])


def _fill_next_due(conn):
    """Nearest deadline of each open case from its open tasks and its running clocks (as engine.deadlines)."""
    import json
    import tomllib

    zones = {}
    for v in conn.execute(sa.text("SELECT id, bundle FROM definition_version")):
        bundle = v.bundle if isinstance(v.bundle, dict) else json.loads(v.bundle)
        config = tomllib.loads((bundle.get("files") or {}).get("jurisdiction.toml", ""))
        zones[v.id] = ZoneInfo(config.get("timezone", "UTC"))
    due_of_task = {}
    for t in conn.execute(sa.select(sa.column("case_id"), sa.column("due_at", UTCDateTime))
                          .select_from(sa.table("task")).where(sa.column("due_at").is_not(None))):
        due_of_task[t.case_id] = min(t.due_at, due_of_task.get(t.case_id, t.due_at))
    updates = []
    for c in conn.execute(sa.text("SELECT id, definition_id, summary FROM ra_case WHERE status = 'open'")):
        summary = c.summary if isinstance(c.summary, dict) else json.loads(c.summary or "{}")
        found = [due_of_task[c.id]] if c.id in due_of_task else []
        for state in (summary.get("clock_state") or {}).values():
            due = _clock_due(state)
            if due is not None:
                tz = zones.get(c.definition_id, UTC)
                found.append(datetime.combine(due + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC))
        if found:
            updates.append({"b_id": c.id, "b_due": min(found)})
    if updates:
        case = sa.table("ra_case", sa.column("id", sa.Integer), sa.column("next_due", UTCDateTime))
        conn.execute(case.update().where(case.c.id == sa.bindparam("b_id")).values(next_due=sa.bindparam("b_due")),
                     updates)


def _clock_due(state: dict):
    """LegalClock.due_date() of a stored clock, or None when it is held or stopped."""
    holds = state.get("holds") or []
    if state.get("stopped") or (holds and holds[-1].get("end") is None):
        return None
    start = date.fromisoformat(state["start"])
    base = date.fromisoformat(state["expedited_due"]) if state.get("expedited_due") \
        else start + timedelta(days=state["days"])
    held = sum((date.fromisoformat(h["end"]) - date.fromisoformat(h["start"])).days for h in holds)
    return base + timedelta(days=held)


def downgrade():
    for name, table in (("ix_event_case_actor", "event"), ("ix_task_case_role", "task"),
                        ("ix_task_requester_due", "task"), ("ix_task_queue_due", "task"),
                        ("ix_task_assignee_due", "task"), ("ix_case_jurisdiction_status_next_due", "ra_case")):
        op.drop_index(name, table_name=table)
    conn = op.get_bind()
    _add_not_null(conn, "workflow_text", sa.Text)
    case = sa.table("ra_case", sa.column("id", sa.Integer), sa.column("workflow", sa.LargeBinary),
                    sa.column("workflow_text", sa.Text))
    rows = conn.execute(sa.select(case.c.id, case.c.workflow)).all()
    if rows:
        conn.execute(case.update().where(case.c.id == sa.bindparam("b_id"))
                     .values(workflow_text=sa.bindparam("b_text")),
                     [{"b_id": r.id, "b_text": zlib.decompress(r.workflow).decode("utf-8")} for r in rows])
    op.execute("ALTER TABLE ra_case DROP COLUMN next_due")
    _swap(conn, "workflow", "workflow_text", sa.Text)
    for column in ("search", "requester", "jurisdiction"):
        op.execute(f"ALTER TABLE task DROP COLUMN {column}")
