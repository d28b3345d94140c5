"""Turning a parsed query into ranked hits: matching, typo correction, boosts and highlights."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .errors import QueryError
from .models import Correction, Hit, ParsedQuery, Passage, SearchResult
from .query_parser import fts_phrase, fts_term
from .search_index import SearchIndex
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
STOP_WORDS = frozenset(
    "a an and are as at be but by do for from had has have he her his i if in is it its me my "
    "no not of on or our she so than that the their them then there they this to was we were "
    "what when which who will with you your".split()
)


@dataclass(frozen=True)
class Filters:
    """Resolved filters as SQL over the passages table (alias `p`)."""

    where: str = ""
    params: tuple[object, ...] = ()


class SearchEngine:
    """Runs queries against a SearchIndex; knows nothing about chat or files."""

    def __init__(
        self,
        index: SearchIndex,
        load_passages: Callable[[Sequence[int]], dict[int, Passage]],
    ) -> None:
        self.index = index
        self.load_passages = load_passages
        self._speller: Speller | None = None

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
            for candidate in (f"{{text}} : ({terms})", terms):
                total = self.index.count(candidate, filters.where, filters.params)
                if total:
                    expression, matched_all = candidate, complete
                    break
            if total:
                break
        if total == 0:
            return SearchResult(query, (), 0, offset, tuple(corrections), False, tuple(ignored))
        pool = max(CANDIDATES, offset + limit)
        ranked = self.index.ranked(
            expression, pool, filters.where, filters.params, section_weight=SECTION_WEIGHT
        )
        scores = self._boosted(ranked, words, content or all_terms)
        page = scores[offset : offset + limit]
        passages = self.load_passages([pid for pid, _ in page])
        hits = tuple(
            Hit(passages[pid], score, self._highlights(expression, pid)) for pid, score in page
        )
        return SearchResult(
            query, hits, total, offset, tuple(corrections), matched_all, tuple(ignored)
        )

    def _correct(self, words: tuple[str, ...]) -> tuple[list[str], list[Correction], list[str]]:
        kept: list[str] = []
        corrections: list[Correction] = []
        ignored: list[str] = []
        for word in words:
            if self.index.matches_any(fts_term(word)):
                kept.append(word)
                continue
            replacement = self.speller.correct(word)
            if replacement and self.index.matches_any(fts_term(replacement)):
                kept.append(replacement)
                corrections.append(Correction(word, replacement))
            else:
                # Matches nothing and resembles nothing: left out, and reported as such.
                ignored.append(word)
        return kept, corrections, ignored

    def _boosted(
        self,
        ranked: list[tuple[int, float]],
        words: list[str],
        terms: list[str],
    ) -> list[tuple[int, float]]:
        ids = [pid for pid, _ in ranked]
        content = [w for w in words if w.casefold() not in STOP_WORDS] or words
        phrase_ids: set[int] = set()
        near_ids: set[int] = set()
        if len(words) > 1:
            phrase_ids = self.index.subset_matching(f"{{text}} : {fts_phrase(words)}", ids)
        if len(content) > 1:
            near = f"NEAR({' '.join(fts_term(w) for w in content)}, {NEAR_DISTANCE})"
            near_ids = self.index.subset_matching(f"{{text}} : {near}", ids)
        section_ids = self.index.subset_matching(f"{{section}} : ({' OR '.join(terms)})", ids)
        rows = self.index.passage_rows(ids)
        boosted = []
        for pid, score in ranked:
            if pid in section_ids:
                score *= SECTION_BOOST
            if pid in phrase_ids:
                score *= PHRASE_BOOST
            if pid in near_ids:
                score *= NEAR_BOOST
            if len(rows[pid][6].split()) < SHORT_PASSAGE_WORDS:
                score *= SHORT_PASSAGE_PENALTY
            boosted.append((pid, score, rows[pid][1], rows[pid][2]))
        # Ties broken by episode and position, so the same query always gives the same order.
        boosted.sort(key=lambda item: (-round(item[1], 9), item[2], item[3]))
        return [(pid, score) for pid, score, _, _ in boosted]

    def _highlights(self, expression: str, passage_id: int) -> tuple[tuple[int, int], ...]:
        marked = self.index.highlighted(expression, passage_id)
        if not marked:
            return ()
        spans: list[tuple[int, int]] = []
        plain_length = 0
        start = 0
        for char in marked:
            if char == "\x01":
                start = plain_length
            elif char == "\x02":
                spans.append((start, plain_length))
            else:
                plain_length += 1
        return tuple(spans)

    def _filters_only(
        self, query: ParsedQuery, filters: Filters, limit: int, offset: int
    ) -> SearchResult:
        total = self.index.count_filtered(filters.where, filters.params)
        ids = self.index.filtered(filters.where, filters.params, limit, offset)
        passages = self.load_passages(ids)
        hits = tuple(Hit(passages[pid], 0.0) for pid in ids)
        return SearchResult(query, hits, total, offset)
