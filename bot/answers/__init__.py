"""What a user sees of a search, decided once for every front end: the excerpt and where its
highlights fall, the attribution, paging (and past the end), the no-match suggestions."""

from .attribution import Attribution, attribution_of
from .excerpts import EXCERPT_CHARS, Excerpt, excerpt_of, fitted
from .paging import Page, page_at
from .quotes import Quote, quote_of
from .suggestions import NoMatch, nearest_sections, no_match

__all__ = [
    "EXCERPT_CHARS",
    "Attribution",
    "Excerpt",
    "NoMatch",
    "Page",
    "Quote",
    "attribution_of",
    "excerpt_of",
    "fitted",
    "nearest_sections",
    "no_match",
    "page_at",
    "quote_of",
]
