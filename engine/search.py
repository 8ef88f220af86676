"""The inbox's text filter, served by a trigram index on each database (migration 0010).

`task.search` holds the casefolded case title, step title and requester name (engine.projections);
the filter is a substring match on it. A plain `LIKE '%...%'` reads every task: 1.4 s at 100,000
cases. Both indexes keep the substring meaning (a part of a name or number still matches):
- SQLite: an FTS5 table with the trigram tokenizer over task.search (external content: it stores only
  the index), kept by triggers on task, so it changes in the same transaction as the projection rows.
- PostgreSQL: a pg_trgm GIN index on task.search, which `LIKE '%...%'` uses directly.
Needles shorter than three characters have no trigram: they fall back to the plain LIKE.
"""

from __future__ import annotations

import json

from sqlalchemy import ARRAY, String, any_, bindparam, func, literal_column, select, text

from .paging import COUNT_CAP
from .store import Task

FTS_TABLE = "task_search"
_HITS = text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :needle LIMIT :cap")


def is_index_object(name: str | None, type_: str, _parent=None) -> bool:
    """The search index's own tables and index, which the models do not describe (for Alembic's
    `include_name`: True for everything else)."""
    return not (name or "").startswith((FTS_TABLE, "ix_task_search_trgm"))


def _like(needle: str):
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Task.search.like(f"%{escaped}%", escape="\\")


def matches(session, needle: str) -> tuple:
    """(a condition on Task: its search text contains `needle`, already casefolded; whether the condition
    is a short list of row ids that the query should start from).

    The trigram index is asked once (a listing runs several statements: counts, then each stream's
    page, and on PostgreSQL each would repeat the index scan); its row ids, at most COUNT_CAP, go to
    those statements as one parameter (SQLite: a JSON array of FTS row ids; PostgreSQL: an array of
    task ids). More matches than that is a needle most tasks contain: then the plain LIKE, tested while
    walking the due-order index, finds a page sooner than any index would."""
    dialect = session.get_bind().dialect.name
    if len(needle) < 3 or dialect not in ("sqlite", "postgresql"):
        return _like(needle), False
    if dialect == "postgresql":
        ids = session.execute(trigram_hits(needle)).scalars().all()
        hit = Task.id == any_(bindparam("search_ids", ids, type_=ARRAY(String)))
    else:
        phrase = '"' + needle.replace('"', '""') + '"'  # an FTS5 phrase: the trigrams in this order, a substring
        ids = session.execute(_HITS, {"needle": phrase, "cap": COUNT_CAP + 1}).scalars().all()
        hit = literal_column("task.rowid").in_(select(literal_column("value")).select_from(
            func.json_each(json.dumps(ids))))
    if len(ids) > COUNT_CAP:
        return _like(needle), False
    return hit, True


def trigram_hits(needle: str):
    """PostgreSQL: the ids of the tasks whose search text contains `needle` (pg_trgm's GIN index
    answers the LIKE), one more than COUNT_CAP."""
    return select(Task.id).where(_like(needle)).limit(COUNT_CAP + 1)


def plain(column):
    """`column` as an expression no index serves (SQLite's planner then starts from the search's row ids
    instead of walking a whole queue's index and testing each row; without statistics it guesses wrong)."""
    return column.concat("")
