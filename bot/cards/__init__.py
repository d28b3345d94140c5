"""Quote cards: a passage as a 1200×630 PNG to share, with the fonts it needs shipped inside."""

from .glyphs import missing_glyphs
from .render import HEIGHT, WIDTH, draw_card, render_card
from .style import CardStyle

__all__ = [
    "HEIGHT",
    "WIDTH",
    "CardStyle",
    "draw_card",
    "missing_glyphs",
    "render_card",
]
