"""One page of a listing and the total it was cut from: what the pages, the JSON API's
X-Pagination header and the CLI show. Pages are numbered from 1.

Totals are counted up to COUNT_CAP and no further: counting a queue of 66,000 tasks costs more than
showing its first page, while "1,000+" tells a person what they need (a queue that long is filtered
or sorted, not read page by page). A capped total is a `Tally` that shows as "1,000+"; paging goes on
past it, one page at a time, while rows follow."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_PAGE = 10_000_000  # past any real listing; keeps OFFSET inside a 64-bit integer (SQLite, PostgreSQL)
COUNT_CAP = 1_000


class Tally(int):
    """A count that may have stopped at COUNT_CAP: `capped` says the true number is larger. Shows as
    "66" or "1,000+" (thousands separated) wherever it is printed."""

    capped: bool

    def __new__(cls, value: int, capped: bool = False):
        made = super().__new__(cls, value)
        made.capped = capped
        return made

    def __str__(self) -> str:
        return f"{int(self):,}+" if self.capped else f"{int(self):,}"

    __repr__ = __str__

    def __add__(self, other):
        return Tally(int(self) + int(other), self.capped or getattr(other, "capped", False))

    __radd__ = __add__

    def __sub__(self, other):
        """Only for a part of a tally (e.g. due soon = overdue or due soon, less overdue): a capped whole
        leaves the part unknown but at least the difference."""
        return Tally(max(int(self) - int(other), 0), self.capped)


def capped_count(session, query) -> Tally:
    """How many rows `query` (a select of any one column) gives, reading at most COUNT_CAP + 1 of them."""
    from sqlalchemy import func, select

    found = session.execute(select(func.count()).select_from(query.limit(COUNT_CAP + 1).subquery())).scalar() or 0
    return Tally(min(found, COUNT_CAP), found > COUNT_CAP)


@dataclass
class Page:
    rows: list = field(default_factory=list)
    total: int = 0  # a Tally when it may be capped (COUNT_CAP)
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    counts: dict | None = None  # a listing's tab counts, when it computed them anyway (the inbox)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size)) if self.page_size else 1

    @property
    def capped(self) -> bool:
        """The total is a lower bound: more rows exist than were counted."""
        return bool(getattr(self.total, "capped", False))

    @property
    def total_text(self) -> str:
        """The total as a person reads it: "66,698", or "1,000+" when capped."""
        return str(self.total) if self.capped else f"{self.total:,}"

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    @property
    def first_item(self) -> int:
        return self.offset + 1 if self.rows else 0

    @property
    def last_item(self) -> int:
        return self.offset + len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


def past_cap(total, page: int, size: int, got: int):
    """A capped total stays a lower bound that reaches past the rows read (`got`: rows from this page's
    start, read with one more than a page): paging goes on, "Next" after "Next", while rows follow."""
    if not getattr(total, "capped", False):
        return total
    return Tally(max(int(total), (page - 1) * size + min(got, size + 1)), True)


def bounded(page: int | None, page_size: int | None) -> tuple[int, int]:
    """Page number and size clamped to what a listing serves (the API refuses out-of-range values first)."""
    size = min(max(int(page_size or DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE)
    return min(max(int(page or 1), 1), MAX_PAGE), size
