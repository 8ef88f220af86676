"""The inbox's text filter, served by a trigram index on each database (migration 0010).

`task.search` holds the casefolded case title, step title and requester name (engine.projections);
the filter is a substring match on it. A plain `LIKE '%...%'` reads every task: 1.4 s at 100,000
cases. Both indexes keep the substring meaning (a part of a name or number still matches):
- SQLite: an FTS5 table with the trigram tokenizer over task.search (external content: it stores only
  the index), kept by triggers on task, so it changes in the same transaction as the projection rows.
- PostgreSQL: a pg_trgm GIN index on task.search, which `LIKE '%...%'` uses directly.
Needles shorter than three characters have no trigram: they fall back to the plain LIKE.

A trigram index answers a long needle by reading every one of its trigrams' lists, and in case
titles, step titles and names most trigrams are common ("requester 00042": ten of its twelve
trigrams are in every Navy task). A short piece of the needle (its last or first five characters)
is often rare on its own, so it is looked up first: when at most COUNT_CAP tasks contain the piece,
those are all the candidates, and the whole needle is checked on them only (at 100,000 cases:
1 ms instead of 15 ms on SQLite).
"""

from __future__ import annotations

import json

from sqlalchemy import ARRAY, String, any_, bindparam, func, literal_column, select, text

from .database import dialect_of
from .paging import COUNT_CAP
from .tables import task

FTS_TABLE = "task_search"
_HITS = text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :needle LIMIT :cap")
# The tasks whose text holds the piece, each with whether it holds the whole needle (task.search is
# casefolded like the needle, so instr is the exact substring test).
_PIECE_HITS = text(f"SELECT task.rowid AS id, instr(task.search, :needle) > 0 AS hit FROM {FTS_TABLE} "
                   f"JOIN task ON task.rowid = {FTS_TABLE}.rowid WHERE {FTS_TABLE} MATCH :piece LIMIT :cap")
PIECE = 5  # characters: three trigrams, a phrase the index answers from short lists when it is rare


def is_index_object(name: str | None, type_: str, _parent=None) -> bool:
    """The search index's own tables and index, which the models do not describe (for Alembic's
    `include_name`: True for everything else)."""
    return not (name or "").startswith((FTS_TABLE, "ix_task_search_trgm"))


def _like(needle: str):
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return task.c.search.like(f"%{escaped}%", escape="\\")


def matches(session, needle: str) -> tuple:
    """(a condition on Task: its search text contains `needle`, already casefolded; whether the condition
    is a short list of row ids that the query should start from).

    The trigram index is asked once, for a rare piece of the needle if there is one (_by_piece), else
    for the whole needle (a listing runs several statements: counts, then each stream's page, and on
    PostgreSQL each would repeat the index scan); its row ids, at most COUNT_CAP, go to those statements
    as one parameter (SQLite: a JSON array of FTS row ids; PostgreSQL: an array of task ids).
    More matches than that is a needle most tasks contain: then the plain LIKE, tested while walking the
    due-order index, finds a page sooner than any index would."""
    dialect = dialect_of(session)
    if len(needle) < 3 or dialect not in ("sqlite", "postgresql"):
        return _like(needle), False
    ids = _by_piece(session, dialect, needle)
    if ids is None and dialect == "postgresql":
        ids = session.execute(trigram_hits(needle)).scalars().all()
    elif ids is None:
        ids = session.execute(_HITS, {"needle": _phrase(needle), "cap": COUNT_CAP + 1}).scalars().all()
    if len(ids) > COUNT_CAP:
        return _like(needle), False
    if dialect == "postgresql":
        return task.c.id == any_(bindparam("search_ids", ids, type_=ARRAY(String))), True
    return literal_column("task.rowid").in_(select(literal_column("value")).select_from(
        func.json_each(json.dumps(ids)))), True


def _phrase(needle: str) -> str:
    return '"' + needle.replace('"', '""') + '"'  # an FTS5 phrase: the trigrams in this order, a substring


def _by_piece(session, dialect: str, needle: str) -> list | None:
    """The ids of the tasks holding `needle`, found through a rare piece of it (its last, then its first
    PIECE characters); None when the needle is short or both pieces are in more than COUNT_CAP tasks."""
    if len(needle) <= PIECE:
        return None
    for piece in dict.fromkeys((needle[-PIECE:], needle[:PIECE])):
        if dialect == "postgresql":
            query = (select(task.c.id.label("id"), (func.strpos(task.c.search, needle) > 0).label("hit"))
                     .where(_like(piece)).limit(COUNT_CAP + 1))
            rows = session.execute(query).all()
        else:
            rows = session.execute(_PIECE_HITS, {"piece": _phrase(piece), "needle": needle,
                                                 "cap": COUNT_CAP + 1}).all()
        if len(rows) <= COUNT_CAP:
            return [r.id for r in rows if r.hit]
    return None


def trigram_hits(needle: str):
    """PostgreSQL: the ids of the tasks whose search text contains `needle` (pg_trgm's GIN index
    answers the LIKE), one more than COUNT_CAP."""
    return select(task.c.id).where(_like(needle)).limit(COUNT_CAP + 1)


def plain(column):
    """`column` as an expression no index serves (SQLite's planner then starts from the search's row ids
    instead of walking a whole queue's index and testing each row; without statistics it guesses wrong)."""
    return column.concat("")
