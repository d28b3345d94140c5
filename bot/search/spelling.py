"""Typo tolerance: a query word the library has never heard is read as its nearest known word."""

from __future__ import annotations

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ..text import fold


def allowed_edits(word: str) -> int:
    """Short words are too easy to turn into other words, so they get fewer edits."""
    if len(word) <= 3:
        return 0
    if len(word) <= 7:
        return 1
    return 2


class Speller:
    """Finds the closest vocabulary word by edit distance, preferring the more frequent."""

    def __init__(self, vocabulary: dict[str, int]) -> None:
        self.counts = vocabulary
        self.words = list(vocabulary)

    def correct(self, word: str) -> str | None:
        """The nearest known word within the allowed edits, or None."""
        folded = fold(word)
        edits = allowed_edits(folded)
        if not edits or not folded.isalpha():
            return None
        matches = process.extract(
            folded,
            self.words,
            scorer=Levenshtein.distance,
            score_cutoff=edits,
            limit=20,
        )
        if not matches:
            return None
        # Nearest first; among equals the word the podcast says most; then alphabetical.
        best = min(matches, key=lambda m: (m[1], -self.counts.get(m[0], 0), m[0]))
        return best[0] if best[0] != folded else None
