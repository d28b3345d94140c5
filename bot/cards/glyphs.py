"""The fonts shipped for quote cards, which characters each covers, and runs of text per font.

Pillow draws a string with one font and shows a box (tofu) for any character that font lacks.
A card's text is therefore cut into runs, each drawn with the first shipped font that has all
of its characters: DejaVu Sans for Latin, Greek, Cyrillic and symbols, Droid Sans Fallback for
Chinese and Japanese. The cmaps are read once per process (fontTools), never per card.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import ImageFont

REGULAR = "DejaVuSans.ttf"
BOLD = "DejaVuSans-Bold.ttf"
CJK = "DroidSansFallbackFull.ttf"
# Which fonts are tried, in order, for a run of text in the regular or the bold face.
FALLBACKS = {REGULAR: (REGULAR, CJK), BOLD: (BOLD, CJK)}


def font_path(name: str) -> Path:
    """The path of a shipped font file."""
    return Path(str(resources.files("bot.cards") / "fonts" / name))


@cache
def coverage(name: str) -> frozenset[int]:
    """The code points a shipped font has glyphs for."""
    with TTFont(font_path(name), lazy=True) as font:
        return frozenset(font.getBestCmap())


@lru_cache(maxsize=64)
def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    """A shipped font at a pixel size (cached: loading a face costs more than drawing text)."""
    return ImageFont.truetype(str(font_path(name)), size)


def _invisible(character: str) -> bool:
    # Spaces, joiners and variation selectors draw nothing, so no font needs a glyph for them.
    return (
        character.isspace()
        or character in "\u200b\u200c\u200d\u2060\ufeff"
        or ("\ufe00" <= character <= "\ufe0f")
    )


def font_for(character: str, face: str = REGULAR) -> str:
    """The first font of `face`'s fallbacks that has `character` (the face itself if none)."""
    if _invisible(character):
        return face
    point = ord(character)
    for name in FALLBACKS[face]:
        if point in coverage(name):
            return name
    return face


def runs(text: str, face: str = REGULAR) -> list[tuple[str, str]]:
    """`text` as (font name, piece) runs, each piece drawable by its font."""
    out: list[tuple[str, str]] = []
    for character in text:
        name = font_for(character, face)
        if _invisible(character) and out:
            name = out[-1][0]
        if out and out[-1][0] == name:
            out[-1] = (name, out[-1][1] + character)
        else:
            out.append((name, character))
    return out


def missing_glyphs(text: str) -> list[str]:
    """The distinct characters of `text` that no shipped font can draw (shown as boxes)."""
    seen: dict[str, None] = {}
    for character in text:
        if _invisible(character) or not character.isprintable():
            continue
        if not any(ord(character) in coverage(name) for name in FALLBACKS[REGULAR]):
            seen.setdefault(character, None)
    return list(seen)
