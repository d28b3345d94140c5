"""One page of a query's results, and what asking past the end gives."""

from __future__ import annotations

from dataclasses import dataclass

from ..library import Library
from ..models import Hit, SearchResult


@dataclass(frozen=True)
class Page:
    """The hits of `query` from position `index` (0-based). `moved_back`: the position asked
    for was past the end (the library changed since the buttons were made, or a CLI offset
    too far), so this is the last page instead."""

    query: str
    index: int
    result: SearchResult
    moved_back: bool = False

    @property
    def hits(self) -> tuple[Hit, ...]:
        return tuple(self.result.hits)

    @property
    def hit(self) -> Hit:
        """The first hit shown; IndexError on a page with none (check `found` first)."""
        return self.result.hits[0]

    @property
    def found(self) -> bool:
        return bool(self.result.hits)

    @property
    def total(self) -> int:
        return self.result.total

    @property
    def total_label(self) -> str:
        return self.result.total_label

    @property
    def has_previous(self) -> bool:
        return self.index > 0

    @property
    def has_next(self) -> bool:
        return self.index + len(self.result.hits) < self.result.total


def page_at(
    library: Library,
    query: str,
    index: int = 0,
    *,
    limit: int = 1,
    source: str = "cli",
    speaker: str | None = None,
    section: str | None = None,
    episode: str | None = None,
) -> Page:
    """The page of `limit` hits at `index`; past the end, the last page (never an empty page
    for a query that has matches). QueryError for a query the core refuses."""
    filters = {"speaker": speaker, "section": section, "episode": episode}
    index = max(0, index)
    result = library.search(query, limit=limit, offset=index, source=source, **filters)
    if result.hits or index == 0 or not result.total:
        return Page(query, index, result)
    index = max(0, result.total - limit)
    result = library.search(query, limit=limit, offset=index, source=source, **filters)
    return Page(query, index, result, moved_back=True)
