"""What a query that found nothing suggests instead: the section titles nearest to it."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..library import Library
from ..models import SearchResult

SUGGESTIONS = 3
# rapidfuzz token-set similarity (0-100) below which a title is not worth suggesting.
SUGGESTION_CUTOFF = 60


@dataclass(frozen=True)
class NoMatch:
    """A query with no hits: the query as typed, words found nowhere, sections to try."""

    query: str
    ignored_words: tuple[str, ...]
    sections: tuple[str, ...]


def no_match(library: Library, result: SearchResult) -> NoMatch:
    """The no-match answer for a search that found nothing."""
    query = result.query.text
    return NoMatch(query, tuple(result.ignored_words), tuple(nearest_sections(library, query)))


def nearest_sections(library: Library, query: str, limit: int = SUGGESTIONS) -> list[str]:
    """Section titles that look most like the query's words (fuzzy, case-insensitive), best
    first; filters (`speaker:…`) are left out of the comparison."""
    titles = library.section_titles()
    words = " ".join(word for word in query.split() if ":" not in word).strip("\"' ")
    if not words or not titles:
        return []
    matches = process.extract(
        words,
        titles,
        scorer=fuzz.token_set_ratio,
        processor=str.casefold,
        limit=limit,
        score_cutoff=SUGGESTION_CUTOFF,
    )
    return [title for title, _score, _index in matches]
