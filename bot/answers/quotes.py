"""A hit as every front end shows it: the excerpt and the attribution."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Hit, Passage
from .attribution import Attribution, attribution_of
from .excerpts import EXCERPT_CHARS, Excerpt, excerpt_of


@dataclass(frozen=True)
class Quote:
    """What to show for one hit: which text, highlighted where, said by whom, where, when."""

    hit: Hit
    excerpt: Excerpt
    attribution: Attribution


def quote_of(hit: Hit | Passage, limit: int = EXCERPT_CHARS) -> Quote:
    """The quote for a hit (or a passage, shown without highlights)."""
    if isinstance(hit, Passage):
        hit = Hit(hit, 0.0)
    return Quote(hit, excerpt_of(hit.text, hit.highlights, limit), attribution_of(hit))
