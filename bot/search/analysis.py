"""Words to index terms: one tokenizer and stemmer for the index, the query and the highlights.

The full-text index (tantivy) tokenizes passage text itself with `ANALYZER`. Python needs the
same terms in three places: query words, the word-pair field that answers phrases, and the
highlights and boosts of the passages shown. All three go through `Terms`, which stems each
distinct folded word once with that same analyzer and remembers it.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

import tantivy

from ..text import fold

ANALYZER_NAME = "quote"
# Tokens longer than this are not words (URLs, hashes): the index drops them, like FTS5 did.
LONGEST_TOKEN = 40
# Alphanumeric runs: the split tantivy's simple tokenizer makes.
TOKEN = re.compile(r"[^\W_]+")
# Distinct words remembered with their stem; a real catalogue has tens of thousands.
STEM_CACHE_LIMIT = 500_000
PAIR_JOINER = "_"


def build_analyzer() -> tantivy.TextAnalyzer:
    """Split on non-alphanumerics, lower-case, strip accents, English (Snowball) stemming."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(LONGEST_TOKEN))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


@dataclass(frozen=True)
class Tokens:
    """The words of a text: their character spans and, in step, their terms ('' if none)."""

    spans: list[tuple[int, int]]
    terms: list[str]


class Terms:
    """Folded word -> index term, cached; thread-safe (adapters search from worker threads)."""

    def __init__(self) -> None:
        self.analyzer = build_analyzer()
        self._stems: dict[str, str] = {}
        self._lock = threading.Lock()

    def stem(self, word: str) -> str:
        """The index term of one word ('' when the index drops it)."""
        stem = self._stems.get(word)
        if stem is None:
            produced = self.analyzer.analyze(word)
            stem = produced[0] if len(produced) == 1 else ""
            with self._lock:
                if len(self._stems) >= STEM_CACHE_LIMIT:
                    self._stems.clear()
                self._stems[word] = stem
        return stem

    def of(self, text: str) -> list[str]:
        """The index terms of a text, in order."""
        return self.terms_of_words(words_of(text))

    def terms_of_words(self, words: Iterable[str]) -> list[str]:
        """The index terms of folded words, in order."""
        # Indexing calls this for every passage: the cache is read in C (map), and words not
        # seen yet (rare once a few episodes are in) take the slow path.
        words = words if isinstance(words, list) else list(words)
        cached = list(map(self._stems.get, words))
        if None in cached:
            cached = [self.stem(w) if t is None else t for w, t in zip(words, cached, strict=True)]
        found = cast(list[str], cached)
        if "" in found:
            found = [t for t in found if t]
        return found

    def tokens(self, text: str) -> Tokens:
        """Every word of a text with its character span and term."""
        # Words as written: the analyzer lower-cases and folds them itself, as it did when
        # indexing, and the text need not be folded first (a cost on every passage shown).
        matches = list(TOKEN.finditer(text))
        words = [m.group() for m in matches]
        cached = list(map(self._stems.get, words))
        if None in cached:
            cached = [self.stem(w) if t is None else t for w, t in zip(words, cached, strict=True)]
        return Tokens([m.span() for m in matches], cast(list[str], cached))


def words_of(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return TOKEN.findall(fold(text))


def vocabulary_of(counts: Counter[str]) -> dict[str, int]:
    """The words typo correction may offer, with their counts: two letters or more, no digits."""
    return {word: n for word, n in counts.items() if len(word) > 1 and word.isalpha()}


def pair_terms(terms: Iterable[str]) -> list[str]:
    """Adjacent terms joined (`you know` -> `you_know`): the word-pair field's terms.

    A phrase becomes a lookup of one or a few pair terms instead of a walk over the positions
    of two very common words.
    """
    terms = list(terms)
    return list(map(PAIR_JOINER.join, zip(terms, terms[1:], strict=False)))
