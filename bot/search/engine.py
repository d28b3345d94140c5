"""Turning a parsed query into ranked hits: matching, typo correction, boosts and highlights."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import QueryError
from ..models import Correction, Hit, ParsedQuery, Passage, SearchResult
from ..text import fold
from .index import COUNT_CAP, SearchIndex
from .query_parser import fts_phrase, fts_term
from .spelling import Speller

# Ranking: bm25 over passage text (the section title counts only where the text matches
# nothing), multiplied by boosts computed on the best CANDIDATES matches: the words standing as
# a phrase, near each other, or in the section title; a penalty for passages too short to quote.
SECTION_WEIGHT = 1.0
SECTION_BOOST = 1.3
PHRASE_BOOST = 1.5
NEAR_BOOST = 1.2
NEAR_DISTANCE = 6
SHORT_PASSAGE_WORDS = 8
SHORT_PASSAGE_PENALTY = 0.6
CANDIDATES = 100
POST_FILTER_SHARE = 0.5
STOP_WORDS = frozenset(
    "a an and are as at be but by do for from had has have he her his i if in is it its me my "
    "no not of on or our she so than that the their them then there they this to was we were "
    "what when which who will with you your".split()
)


@dataclass(frozen=True)
class Filters:
    """Resolved filters: an FTS5 column-filter expression that narrows the match cheaply, and
    the same filters as exact SQL over the passages table (alias `p`)."""

    where: str = ""
    params: tuple[object, ...] = ()
    fts: str = ""
    # Roughly what share of all passages pass the filters (1.0: no filter).
    share: float = 1.0

    def narrow(self, expression: str) -> str:
        return f"({expression}) AND {self.fts}" if self.fts else expression


class LruCache:
    """A small thread-safe least-recently-used map; size 0 turns it off."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        if not self.size:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class SearchEngine:
    """Runs queries against a SearchIndex; knows nothing about chat or files."""

    def __init__(
        self,
        index: SearchIndex,
        load_passages: Callable[[Sequence[int]], dict[int, Passage]],
        cache_size: int = 256,
    ) -> None:
        self.index = index
        self.load_passages = load_passages
        self._speller: Speller | None = None
        # Paging through a chat answer (Next, Previous) asks the same ranking again.
        self._cache = LruCache(cache_size)

    @property
    def speller(self) -> Speller:
        # Built on first need: most queries are spelled right and a cold start should not pay.
        if self._speller is None:
            self._speller = Speller(self.index.vocabulary())
        return self._speller

    def search(self, query: ParsedQuery, filters: Filters, limit: int, offset: int) -> SearchResult:
        if not query.has_terms:
            if not query.has_filters:
                raise QueryError(
                    'Type some words to search for, e.g. `layoffs` or `"write better"`.'
                )
            return self._filters_only(query, filters, limit, offset)
        words, corrections, ignored = self._correct(query.words)
        all_terms = [fts_term(w) for w in words] + [fts_phrase(p) for p in query.phrases]
        if not all_terms:
            return SearchResult(query, (), 0, offset, tuple(corrections), False, tuple(ignored))
        content = [fts_term(w) for w in words if w.casefold() not in STOP_WORDS]
        content += [fts_phrase(p) for p in query.phrases]
        attempts = [(" AND ".join(all_terms), not ignored)]
        if len(all_terms) > 1 and content:
            # Fall back to any word, leaving out the little words that match everything.
            attempts.append((" OR ".join(content), False))
        expression, matched_all, total = "", False, 0
        for terms, complete in attempts:
            # Spoken text first; a match in a section title alone is the last resort.
            for column in ("{text}", "{text section}"):
                candidate = filters.narrow(f"{column} : ({terms})")
                total = self.index.count(candidate, filters.where, filters.params, COUNT_CAP)
                if total:
                    expression, matched_all = candidate, complete
                    break
            if total:
                break
        if total == 0:
            return SearchResult(query, (), 0, offset, tuple(corrections), False, tuple(ignored))
        pool = max(CANDIDATES, offset + limit)
        key = (expression, filters, pool, tuple(words), tuple(content or all_terms))
        ranking = self._cache.get(key)
        if ranking is None:
            ranked = self._ranked(expression, filters, pool, total)
            ranking = self._boosted(expression, ranked, words, content or all_terms)
            self._cache.put(key, ranking)
        scores, spans = ranking
        page = scores[offset : offset + limit]
        passages = self.load_passages([pid for pid, _ in page])
        hits = tuple(Hit(passages[pid], score, spans.get(pid, ())) for pid, score in page)
        return SearchResult(
            query,
            hits,
            total,
            offset,
            tuple(corrections),
            matched_all,
            tuple(ignored),
            total_capped=total >= COUNT_CAP,
        )

    def _ranked(
        self, expression: str, filters: Filters, pool: int, total: int
    ) -> list[tuple[int, float]]:
        """The best `pool` matches that pass the filters, by bm25."""
        if filters.where and filters.share >= POST_FILTER_SHARE:
            # A broad filter (most passages pass): ranking without the join and dropping the
            # few that fail is cheaper than joining every match, and gives the same order.
            wide = int(pool / filters.share * 1.25) + 10
            ranked = self.index.ranked(expression, wide, section_weight=SECTION_WEIGHT)
            passing = self.index.passing([pid for pid, _ in ranked], filters.where, filters.params)
            kept = [row for row in ranked if row[0] in passing][:pool]
            if len(kept) >= min(pool, total):
                return kept
        return self.index.ranked(
            expression, pool, filters.where, filters.params, section_weight=SECTION_WEIGHT
        )

    def _correct(self, words: tuple[str, ...]) -> tuple[list[str], list[Correction], list[str]]:
        kept: list[str] = []
        corrections: list[Correction] = []
        ignored: list[str] = []
        for word in words:
            if self.index.matches_any(f"{{text section}} : {fts_term(word)}"):
                kept.append(word)
                continue
            replacement = self.speller.correct(word)
            if replacement and self.index.matches_any(f"{{text}} : {fts_term(replacement)}"):
                kept.append(replacement)
                corrections.append(Correction(word, replacement))
            else:
                # Matches nothing and resembles nothing: left out, and reported as such.
                ignored.append(word)
        return kept, corrections, ignored

    def _boosted(
        self, expression: str, ranked: list[tuple[int, float]], words: list[str], terms: list[str]
    ) -> tuple[list[tuple[int, float]], dict[int, tuple[tuple[int, int], ...]]]:
        """Re-rank the best matches; also return each one's highlight spans."""
        ids = [pid for pid, _ in ranked]
        marked = self.index.highlighted(expression, ids)
        rows = self.index.passage_rows(ids)
        titles = self.index.matching_sections(" OR ".join(terms))
        content = [w for w in words if w.casefold() not in STOP_WORDS] or words
        phrase_length = sum(len(WORD_TOKEN.findall(w)) for w in words)
        spans: dict[int, tuple[tuple[int, int], ...]] = {}
        boosted = []
        for pid, score in ranked:
            tokens, spans[pid] = _matched_tokens(marked.get(pid, ""))
            if len(words) > 1 and _has_run(tokens, phrase_length):
                score *= PHRASE_BOOST
            if len(content) > 1 and _window(tokens, len(content)) <= len(content) + NEAR_DISTANCE:
                score *= NEAR_BOOST
            if rows[pid][3] in titles:
                score *= SECTION_BOOST
            if len(rows[pid][6].split()) < SHORT_PASSAGE_WORDS:
                score *= SHORT_PASSAGE_PENALTY
            boosted.append((pid, score, rows[pid][1], rows[pid][2]))
        # Ties broken by episode and position, so the same query always gives the same order.
        boosted.sort(key=lambda item: (-round(item[1], 9), item[2], item[3]))
        return [(pid, score) for pid, score, _, _ in boosted], spans

    def _filters_only(
        self, query: ParsedQuery, filters: Filters, limit: int, offset: int
    ) -> SearchResult:
        total = self.index.count_filtered(filters.where, filters.params)
        ids = self.index.filtered(filters.where, filters.params, limit, offset)
        passages = self.load_passages(ids)
        hits = tuple(Hit(passages[pid], 0.0) for pid in ids)
        return SearchResult(query, hits, total, offset)


WORD_TOKEN = re.compile(r"[^\W_]+")
_MARKED = re.compile(r"\x01([^\x02]*)\x02|([^\W_]+)")


def _matched_tokens(marked: str) -> tuple[list[str | None], tuple[tuple[int, int], ...]]:
    """From FTS5's highlight() text: the token sequence (matched tokens folded, others None)
    and the character spans of the matched tokens in the plain text."""
    tokens: list[str | None] = []
    spans: list[tuple[int, int]] = []
    removed = 0  # marker characters before the current position
    for match in _MARKED.finditer(marked):
        if match.group(1) is not None:
            start = match.start() - removed
            spans.append((start, start + len(match.group(1))))
            removed += 2
            tokens.extend(fold(t)[:4] for t in WORD_TOKEN.findall(match.group(1)))
        else:
            tokens.append(None)
    return tokens, tuple(spans)


def _has_run(tokens: list[str | None], length: int) -> bool:
    """Whether `length` matched tokens stand side by side (the words typed as a phrase)."""
    run = 0
    for token in tokens:
        run = run + 1 if token is not None else 0
        if run >= length:
            return True
    return False


def _window(tokens: list[str | None], distinct: int) -> int:
    """The fewest tokens spanning `distinct` different matched words (a large number if none)."""
    best = 1 << 30
    positions = [(i, t) for i, t in enumerate(tokens) if t is not None]
    for start in range(len(positions)):
        seen: set[str] = set()
        for index, token in positions[start:]:
            seen.add(token)
            if len(seen) >= distinct:
                best = min(best, index - positions[start][0] + 1)
                break
    return best
