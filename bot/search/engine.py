"""Turning a parsed query into ranked hits: matching, typo correction, boosts and highlights."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import QueryError
from ..models import Correction, Hit, ParsedQuery, Passage, SearchResult
from .analysis import TOKEN as WORD_TOKEN
from .index import SearchIndex
from .plan import Clause, Filters, Planner, clause_of
from .ranking import STOP_WORDS, Reranker, Spans, Wanted
from .spelling import Speller

__all__ = ["COUNT_CAP", "WORD_TOKEN", "Filters", "LruCache", "SearchEngine"]

# The best CANDIDATES matches by bm25 are re-ranked with the boosts, one block at a time: the
# first page re-ranks the first block, paging past it the next, so pages never overlap and
# each costs the same whatever the catalogue's size.
CANDIDATES = 20
COUNT_CAP = 1000
# A term's document frequency counts deleted passages until segments merge: only a bound well
# past the cap is taken as "at least COUNT_CAP" without counting.
BOUND_SLACK = 4
# A filter that at least this share of passages pass is applied after ranking a wider pool
# without it (at most WIDEST deep), rather than inside the match: intersecting a common word
# with half the catalogue costs more than skipping through the word's best blocks.
BROAD_FILTER_SHARE = 0.05
WIDEST = 2000
# An expected match count this far past the cap (the filter and the words taken as
# independent) reads "1000+" without counting.
ESTIMATE_SLACK = 20


@dataclass(frozen=True)
class Ranking:
    """What a query ranks to, before paging: cached, so Next and Previous are cheap."""

    scores: list[tuple[int, float]]
    spans: dict[int, Spans]
    total: int
    capped: bool
    corrections: tuple[Correction, ...]
    ignored: tuple[str, ...]
    matched_all: bool


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
        self.planner = Planner(index.fulltext)
        self.reranker = Reranker(index.terms)
        self._speller: Speller | None = None
        self._speller_lock = threading.Lock()
        # Paging through a chat answer (Next, Previous) asks the same ranking again.
        self._cache = LruCache(cache_size)

    @property
    def speller(self) -> Speller:
        # Built on first need: most queries are spelled right and a cold start should not pay.
        with self._speller_lock:
            if self._speller is None:
                self._speller = Speller(self.index.store.vocabulary())
            return self._speller

    def search(self, query: ParsedQuery, filters: Filters, limit: int, offset: int) -> SearchResult:
        if not query.has_terms:
            if not query.has_filters:
                raise QueryError(
                    'Type some words to search for, e.g. `layoffs` or `"write better"`.'
                )
            return self._filters_only(query, filters, limit, offset)
        depth = CANDIDATES * -(-(offset + limit) // CANDIDATES)
        key = (query.words, query.phrases, filters, depth)
        ranking = self._cache.get(key)
        if ranking is None:
            ranking = self._rank(query, filters, depth)
            self._cache.put(key, ranking)
        page = ranking.scores[offset : offset + limit]
        passages = self.load_passages([pid for pid, _ in page])
        hits = tuple(
            Hit(passages[pid], score, ranking.spans.get(pid, ()))
            for pid, score in page
            if pid in passages
        )
        return SearchResult(
            query,
            hits,
            ranking.total,
            offset,
            ranking.corrections,
            ranking.matched_all,
            ranking.ignored,
            total_capped=ranking.capped,
        )

    def _rank(self, query: ParsedQuery, filters: Filters, depth: int) -> Ranking:
        words, corrections, ignored = self._correct(query.words)
        terms = self.index.terms
        word_clauses = [(w, c) for w in words if (c := clause_of(terms, [w])) is not None]
        phrases = tuple(c for p in query.phrases if (c := clause_of(terms, p)) is not None)
        clauses = [c for _, c in word_clauses] + list(phrases)
        if not clauses:
            return Ranking([], {}, 0, False, tuple(corrections), tuple(ignored), False)
        content = [c for w, c in word_clauses if w.casefold() not in STOP_WORDS] + list(phrases)
        attempts = [(clauses, True, not ignored)]
        if len(clauses) > 1 and content:
            # Fall back to any word, leaving out the little words that match everything.
            attempts.append((content, False, False))
        for chosen, match_all, complete in attempts:
            # Spoken text first; a match in a section title alone is the last resort.
            for with_section in (False, True):
                found = self._top(chosen, match_all, with_section, filters, depth)
                if found is None:
                    continue
                ranked, total = found
                wanted = Wanted(
                    tuple(c for _, c in word_clauses),
                    tuple(c for w, c in word_clauses if w.casefold() not in STOP_WORDS),
                    phrases,
                )
                scores, spans = self._rerank(ranked, wanted)
                return Ranking(
                    scores,
                    spans,
                    min(total, COUNT_CAP),
                    total >= COUNT_CAP,
                    tuple(corrections),
                    tuple(ignored),
                    matched_all=complete,
                )
        return Ranking([], {}, 0, False, tuple(corrections), tuple(ignored), False)

    def _top(
        self,
        clauses: list[Clause],
        match_all: bool,
        with_section: bool,
        filters: Filters,
        depth: int,
    ) -> tuple[list[tuple[int, float]], int] | None:
        """The best `depth` matches by bm25 and how many match (None when nothing does)."""
        if filters and (len(clauses) == 1 or not match_all):
            found = self._top_broadly_filtered(clauses, match_all, with_section, filters, depth)
            if found is not None:
                return found
        bound = self.planner.lower_bound(clauses, match_all, filters)
        # Counting visits every match; a bound far past the cap says "1000+" for free.
        counted = bound < COUNT_CAP * BOUND_SLACK
        query = self.planner.query(clauses, match_all, with_section, filters)
        ranked, total, _ = self.index.fulltext.top(query, depth, count=counted)
        if not ranked:
            return None
        return ranked, (total if counted else COUNT_CAP)

    def _top_broadly_filtered(
        self,
        clauses: list[Clause],
        match_all: bool,
        with_section: bool,
        filters: Filters,
        depth: int,
    ) -> tuple[list[tuple[int, float]], int] | None:
        """Rank without a broad filter, then keep the passages that pass it. The filter adds
        nothing to a score, so the order is the one ranking with it gives. None when the
        filter is narrow or too few of the wider pool pass: then it is applied in the match."""
        share = self.planner.filter_share(filters)
        if share < BROAD_FILTER_SHARE:
            return None
        wide = min(WIDEST, int(depth / share * 3) + CANDIDATES)
        unfiltered = self.planner.query(clauses, match_all, with_section, Filters())
        wanted = self.planner.codes(filters)
        ranked, _, values = self.index.fulltext.top(unfiltered, wide, False, list(wanted))
        if not ranked:
            return None
        kept = [
            hit
            for position, hit in enumerate(ranked)
            if all(values[column][position] in codes for column, codes in wanted.items())
        ]
        if len(ranked) < wide:
            # Every match was in the pool: the count is exact.
            return (kept[:depth], len(kept)) if kept else None
        if len(kept) < depth:
            return None
        frequency = max(self.planner.frequency(c) for c in clauses)
        if frequency * share >= COUNT_CAP * ESTIMATE_SLACK:
            return kept[:depth], COUNT_CAP
        query = self.planner.query(clauses, match_all, with_section, filters)
        _, total, _ = self.index.fulltext.top(query, 1, count=True)
        return kept[:depth], total

    def _rerank(
        self, ranked: list[tuple[int, float]], wanted: Wanted
    ) -> tuple[list[tuple[int, float]], dict[int, Spans]]:
        rows = self.index.store.passage_rows([pid for pid, _ in ranked])
        ranked = [(pid, score) for pid, score in ranked if pid in rows]
        scores: list[tuple[int, float]] = []
        spans: dict[int, Spans] = {}
        for start in range(0, len(ranked), CANDIDATES):
            block = [(pid, score) for pid, score in ranked[start : start + CANDIDATES]]
            block_scores, block_spans = self.reranker.rerank(block, rows, wanted)
            scores.extend(block_scores)
            spans.update(block_spans)
        return scores, spans

    def _correct(self, words: tuple[str, ...]) -> tuple[list[str], list[Correction], list[str]]:
        kept: list[str] = []
        corrections: list[Correction] = []
        ignored: list[str] = []
        terms = self.index.terms
        for word in words:
            clause = clause_of(terms, [word])
            if clause is not None and self.planner.matches_any(clause):
                kept.append(word)
                continue
            replacement = self.speller.correct(word)
            fixed = clause_of(terms, [replacement]) if replacement else None
            if (
                replacement
                and fixed is not None
                and self.planner.matches_any(fixed, with_section=False)
            ):
                kept.append(replacement)
                corrections.append(Correction(word, replacement))
            else:
                # Matches nothing and resembles nothing: left out, and reported as such.
                ignored.append(word)
        return kept, corrections, ignored

    def _filters_only(
        self, query: ParsedQuery, filters: Filters, limit: int, offset: int
    ) -> SearchResult:
        query_filters = self.index.fulltext.all_of(self.planner.narrowing(filters))
        ids, total = self.index.fulltext.in_order(query_filters, limit, offset)
        passages = self.load_passages(ids)
        hits = tuple(Hit(passages[pid], 0.0) for pid in ids if pid in passages)
        return SearchResult(query, hits, total, offset)
