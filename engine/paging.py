"""One page of a listing and the total it was cut from: what the pages, the JSON API's
X-Pagination header and the CLI show. Pages are numbered from 1."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_PAGE = 10**9  # far past any listing's end, and its offset still fits the databases' 64-bit integers


@dataclass
class Page:
    rows: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    counts: dict | None = None  # a listing's tab counts, when it computed them anyway (the inbox)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size)) if self.page_size else 1

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


def bounded(page: int | None, page_size: int | None) -> tuple[int, int]:
    """Page number and size clamped to what a listing serves (the API refuses out-of-range values first)."""
    size = min(max(int(page_size or DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE)
    return min(max(int(page or 1), 1), MAX_PAGE), size
