"""Re-ranking the best matches: phrase, nearness and section-title boosts, short passages
penalised, and the character spans of the matched words for highlighting.

bm25 knows how often the words occur; these boosts know how a person reads a quote: the
words standing together as typed, close to each other, under a section about them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from .analysis import Terms
from .plan import Clause

SECTION_BOOST = 1.3
PHRASE_BOOST = 1.5
NEAR_BOOST = 1.2
NEAR_DISTANCE = 6
SHORT_PASSAGE_WORDS = 8
SHORT_PASSAGE_PENALTY = 0.6
# A passage that repeats ECHO_RUN words in a row of a passage another speaker said up to
# ECHO_DISTANCE passages before (a host quoting the guest back) ranks just below the original.
ECHO_RUN = 6
ECHO_DISTANCE = 10
ECHO_MARGIN = 0.999
STOP_WORDS = frozenset(
    "a an and are as at be but by do for from had has have he her his i if in is it its me my "
    "no not of on or our she so than that the their them then there they this to was we were "
    "what when which who will with you your".split()
)

Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Wanted:
    """What the re-ranking looks for: the typed words' clauses (in order), the content ones
    among them, and the phrases."""

    words: tuple[Clause, ...]
    content: tuple[Clause, ...]
    phrases: tuple[Clause, ...]

    @cached_property
    def word_terms(self) -> frozenset[str]:
        return frozenset(t for c in self.words for t in c.terms)


class Reranker:
    """Applies the boosts to (passage id, bm25 score) pairs, given each passage's row."""

    def __init__(self, terms: Terms) -> None:
        self.terms = terms
        self._section_terms: dict[str, tuple[str, ...]] = {}

    def rerank(
        self, ranked: Sequence[tuple[int, float]], rows: dict[int, tuple], wanted: Wanted
    ) -> tuple[list[tuple[int, float]], dict[int, Spans]]:
        """Boosted scores, best first (ties by episode and position, so the same query always
        gives the same order), and each passage's highlight spans."""
        phrase_length = sum(len(c.terms) for c in wanted.words)
        content = wanted.content or wanted.words
        targets = content + wanted.phrases
        spans: dict[int, Spans] = {}
        boosted = []
        runs: dict[int, set[tuple[str, ...]]] = {}
        for pid, score in ranked:
            row = rows[pid]
            tokens = self.terms.tokens(row[6])
            runs[pid] = _runs([t for t in tokens.terms if t])
            marks = _marks(tokens.terms, wanted)
            spans[pid] = _spans(tokens.spans, marks)
            matched = [t if m else None for t, m in zip(tokens.terms, marks, strict=True)]
            if len(wanted.words) > 1 and _has_run(matched, phrase_length):
                score *= PHRASE_BOOST
            if len(content) > 1 and _window(matched, len(content)) <= len(content) + NEAR_DISTANCE:
                score *= NEAR_BOOST
            if self._in_section(row[3], targets):
                score *= SECTION_BOOST
            if len(row[6].split()) < SHORT_PASSAGE_WORDS:
                score *= SHORT_PASSAGE_PENALTY
            boosted.append((pid, score, row[1], row[2]))
        boosted = _echoes_after_originals(boosted, rows, runs)
        boosted.sort(key=lambda item: (-round(item[1], 9), item[2], item[3]))
        return [(pid, score) for pid, score, _, _ in boosted], spans

    def spans(self, text: str, wanted: Wanted) -> Spans:
        tokens = self.terms.tokens(text)
        return _spans(tokens.spans, _marks(tokens.terms, wanted))

    def _in_section(self, section: str, targets: Sequence[Clause]) -> bool:
        """Whether the section title holds one of the words or phrases."""
        if not section:
            return False
        terms = self._section_terms.get(section)
        if terms is None:
            terms = tuple(self.terms.of(section))
            if len(self._section_terms) > 100_000:
                self._section_terms.clear()
            self._section_terms[section] = terms
        return any(_occurs(terms, c.terms) for c in targets)


def _runs(terms: Sequence[str]) -> set[tuple[str, ...]]:
    return {tuple(terms[i : i + ECHO_RUN]) for i in range(len(terms) - ECHO_RUN + 1)}


def _echoes_after_originals(
    boosted: list[tuple[int, float, str, int]],
    rows: dict[int, tuple],
    runs: dict[int, set[tuple[str, ...]]],
) -> list[tuple[int, float, str, int]]:
    """Give a passage that quotes back an earlier one (another speaker, same episode, close
    by) a score just under the original's, so that whoever said it first is quoted first."""
    scores = {pid: score for pid, score, _, _ in boosted}
    by_position = sorted(boosted, key=lambda item: (item[2], item[3]))
    for later_index, (later, _, episode, ordinal) in enumerate(by_position):
        for earlier, _, other_episode, other_ordinal in by_position[:later_index]:
            if (
                other_episode == episode
                and 0 < ordinal - other_ordinal <= ECHO_DISTANCE
                and rows[earlier][4] != rows[later][4]
                and runs[earlier] & runs[later]
            ):
                scores[later] = min(scores[later], scores[earlier] * ECHO_MARGIN)
    return [(pid, scores[pid], episode, ordinal) for pid, _, episode, ordinal in boosted]


def _occurs(terms: Sequence[str], wanted: Sequence[str]) -> bool:
    size = len(wanted)
    if size == 1:
        return wanted[0] in terms
    return any(tuple(terms[i : i + size]) == tuple(wanted) for i in range(len(terms) - size + 1))


def _marks(terms: Sequence[str], wanted: Wanted) -> list[int]:
    """Per token: 0 unmatched, 1 a matched word, 2 the start of a phrase, 3 inside one."""
    word_terms = wanted.word_terms
    marks = [1 if term in word_terms else 0 for term in terms]
    for phrase in wanted.phrases:
        size = len(phrase.terms)
        for i in range(len(terms) - size + 1):
            if terms[i] == phrase.terms[0] and tuple(terms[i : i + size]) == phrase.terms:
                marks[i] = max(marks[i], 2) if marks[i] != 3 else 3
                for j in range(i + 1, i + size):
                    marks[j] = 3
    return marks


def _spans(token_spans: Sequence[tuple[int, int]], marks: Sequence[int]) -> Spans:
    """Character spans of the matched words; a phrase is one span."""
    spans: list[tuple[int, int]] = []
    for (start, end), mark in zip(token_spans, marks, strict=True):
        if mark == 3 and spans:
            spans[-1] = (spans[-1][0], end)
        elif mark:
            spans.append((start, end))
    return tuple(spans)


def _has_run(matched: Sequence[str | None], length: int) -> bool:
    """Whether `length` matched tokens stand side by side (the words typed as a phrase)."""
    run = 0
    for term in matched:
        run = run + 1 if term is not None else 0
        if run >= length:
            return True
    return False


def _window(matched: Sequence[str | None], distinct: int) -> int:
    """The fewest tokens spanning `distinct` different matched terms (a large number if none):
    one pass with a sliding window over the matched positions."""
    best = 1 << 30
    positions = [(i, t) for i, t in enumerate(matched) if t is not None]
    inside: dict[str, int] = {}
    left = 0
    for index, term in positions:
        inside[term] = inside.get(term, 0) + 1
        while len(inside) >= distinct:
            start, first = positions[left]
            best = min(best, index - start + 1)
            inside[first] -= 1
            if not inside[first]:
                del inside[first]
            left += 1
    return best
