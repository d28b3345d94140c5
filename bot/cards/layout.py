"""Fitting a quote into the card's text box: wrapping, choosing a size, shortening.

The quote is drawn as large as it fits; a quote too long even at the smallest size is cut after
its last whole sentence that fits (or, for one long sentence, after a word) and ends in `…`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..text import split_sentences
from .glyphs import font, runs

ELLIPSIS = "…"
LINE_SPACING = 1.28
# Scripts written without spaces: a line may break between any two of their characters.
_CJK = "\u2e80-\u2fff\u3000-\u30ff\u3100-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_TOKEN = re.compile(rf"[{_CJK}][、。，．！？」』）]?|[^\s{_CJK}]+|\s+")


@dataclass(frozen=True)
class Block:
    """Wrapped text at one size: its lines and the height they take."""

    lines: tuple[str, ...]
    size: int
    line_height: int
    shortened: bool = False

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)


@lru_cache(maxsize=20_000)
def text_width(text: str, face: str, size: int) -> float:
    """Width in pixels of `text` drawn in `face` at `size`, each run in its own font."""
    return sum(font(name, size).getlength(piece) for name, piece in runs(text, face))


def wrap(text: str, face: str, size: int, width: int) -> list[str]:
    """Lines of `text` no wider than `width` (a word wider than a line is broken by letters)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _TOKEN.findall(paragraph):
            if token.isspace():
                line += token if line else ""
                continue
            candidate = line + token
            if text_width(candidate, face, size) <= width:
                line = candidate
                continue
            if line.strip():
                lines.append(line.rstrip())
            pieces = _break_word(token, face, size, width)
            lines.extend(pieces[:-1])
            line = pieces[-1]
        lines.append(line.rstrip())
    return [line for line in lines if line] or [""]


def _break_word(word: str, face: str, size: int, width: int) -> list[str]:
    pieces, piece = [], ""
    for character in word:
        if piece and text_width(piece + character, face, size) > width:
            pieces.append(piece)
            piece = ""
        piece += character
    return [*pieces, piece]


def fit(text: str, face: str, width: int, height: int, sizes: Sequence[int]) -> Block:
    """`text` at the largest of `sizes` (descending) whose wrapped lines fit the box; shortened
    at a sentence, with an ellipsis, when it fits at none."""
    text = " ".join(text.split())
    block = _largest(text, face, width, height, sizes)
    if block is not None:
        return block
    smallest = sizes[-1]
    sentences = split_sentences(text)
    for count in range(len(sentences) - 1, 0, -1):
        shortened = " ".join(sentences[:count]) + " " + ELLIPSIS
        block = _largest(shortened, face, width, height, sizes)
        if block is not None:
            return Block(block.lines, block.size, block.line_height, shortened=True)
    # One sentence too long for the card: as many words as fit, then the ellipsis.
    words = text.split(" ")
    low, high = 1, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        candidate = " ".join(words[:middle]) + " " + ELLIPSIS
        if _fits(candidate, face, width, height, smallest) is not None:
            low = middle
        else:
            high = middle - 1
    candidate = " ".join(words[:low]).rstrip(",;:—-") + " " + ELLIPSIS
    lines = wrap(candidate, face, smallest, width)
    line_height = round(smallest * LINE_SPACING)
    kept = max(1, height // line_height)
    return Block(tuple(lines[:kept]), smallest, line_height, shortened=True)


def _largest(text: str, face: str, width: int, height: int, sizes: Sequence[int]) -> Block | None:
    for size in sizes:
        block = _fits(text, face, width, height, size)
        if block is not None:
            return block
    return None


def _fits(text: str, face: str, width: int, height: int, size: int) -> Block | None:
    line_height = round(size * LINE_SPACING)
    lines = wrap(text, face, size, width)
    if len(lines) * line_height > height:
        return None
    return Block(tuple(lines), size, line_height)


def ellipsize(text: str, face: str, size: int, width: int) -> str:
    """`text` on one line no wider than `width`, cut with `…` when it is too long."""
    text = " ".join(text.split())
    if text_width(text, face, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if text_width(text[:middle].rstrip() + ELLIPSIS, face, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS
