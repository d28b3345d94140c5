"""Pages of a query's results, and what asking past the end gives."""

from __future__ import annotations

from bot import Library, page_at


def test_a_page_past_the_end_is_the_last_page(seed_library: Library) -> None:
    """Asking for position 50 of 3 matches gives the last one, marked as moved back."""
    page = page_at(seed_library, "layoffs", 50)
    last = seed_library.search("layoffs", limit=3).hits[-1]
    assert page.moved_back and page.index == page.total - 1 == 2
    assert page.hit.key == last.key and not page.has_next and page.has_previous


def test_a_longer_page_past_the_end_holds_the_last_hits(seed_library: Library) -> None:
    """With a page size of two, past the end shows the last two matches."""
    page = page_at(seed_library, "layoffs", 9, limit=2)
    assert page.moved_back and page.index == 1 and len(page.hits) == 2


def test_a_query_with_no_match_is_an_empty_page_not_moved(seed_library: Library) -> None:
    """No match at all is an empty first page, never a page moved back."""
    page = page_at(seed_library, "kubernetes", 4)
    assert not page.found and not page.moved_back and page.total == 0
