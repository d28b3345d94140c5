"""A parsed query as full-text index queries: words and phrases as terms, filters as values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tantivy import Query

from .analysis import Terms, pair_terms
from .fulltext import (
    CODE_FIELDS,
    EPISODE_VALUE,
    PAIRS,
    SECTION,
    SECTION_VALUE,
    SPEAKER_VALUE,
    TEXT,
    FullTextIndex,
    value_code,
)


@dataclass(frozen=True)
class Filters:
    """Resolved filters: the exact speaker names, section titles and episode ids allowed
    (empty: any). Each narrows the match inside the index, where the rarer side leads."""

    speakers: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    episodes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.speakers or self.sections or self.episodes)


@dataclass(frozen=True)
class Clause:
    """One word (one term) or one phrase (several terms in a row) of a query."""

    terms: tuple[str, ...]

    @property
    def is_phrase(self) -> bool:
        return len(self.terms) > 1


def clause_of(terms: Terms, words: Sequence[str]) -> Clause | None:
    """A word or phrase as the terms the index holds; None if it has none (`_`, emoji)."""
    found = tuple(term for word in words for term in terms.of(word))
    return Clause(found) if found else None


class Planner:
    """Builds the tantivy query for a list of clauses, and cheap bounds on its match count."""

    def __init__(self, fulltext: FullTextIndex) -> None:
        self.fulltext = fulltext

    def query(
        self, clauses: Sequence[Clause], match_all: bool, with_section: bool, filters: Filters
    ) -> Query:
        parts = [self._clause(c, with_section) for c in clauses]
        matched = self.fulltext.all_of(parts) if match_all else self.fulltext.any_of(parts)
        narrowing = self.narrowing(filters)
        return self.fulltext.all_of([matched, *narrowing]) if narrowing else matched

    def narrowing(self, filters: Filters) -> list[Query]:
        """The filters as queries that match without scoring."""
        return [
            self.fulltext.value_filter(field, values)
            for field, values in (
                (SPEAKER_VALUE, filters.speakers),
                (SECTION_VALUE, filters.sections),
                (EPISODE_VALUE, filters.episodes),
            )
            if values
        ]

    def _clause(self, clause: Clause, with_section: bool) -> Query:
        ft = self.fulltext
        if clause.is_phrase:
            # Every adjacent pair present is exact for two words; longer phrases are then
            # checked on positions, which the rarest pair keeps to a few passages.
            in_text = [ft.term(PAIRS, pair) for pair in pair_terms(clause.terms)]
            if len(clause.terms) > 2:
                in_text.append(ft.phrase(TEXT, clause.terms))
            text = ft.all_of(in_text)
            section = ft.phrase(SECTION, clause.terms)
        else:
            text = ft.term(TEXT, clause.terms[0])
            section = ft.term(SECTION, clause.terms[0])
        return ft.any_of([text, section]) if with_section else text

    def matches_any(self, clause: Clause, with_section: bool = True) -> bool:
        """Whether some passage holds the clause (for a phrase: all of its word pairs)."""
        ft = self.fulltext
        if clause.is_phrase:
            in_text = all(ft.doc_freq(PAIRS, pair) for pair in pair_terms(clause.terms))
            return in_text or (with_section and self._top_one(clause))
        term = clause.terms[0]
        return bool(ft.doc_freq(TEXT, term) or (with_section and ft.doc_freq(SECTION, term)))

    def _top_one(self, clause: Clause) -> bool:
        hits, _, _ = self.fulltext.top(self.fulltext.phrase(SECTION, clause.terms), 1, False)
        return bool(hits)

    def filter_share(self, filters: Filters) -> float:
        """Roughly what share of all passages pass the filters (fields taken as independent)."""
        total = max(1, self.fulltext.doc_count())
        share = 1.0
        for field, values in (
            (SPEAKER_VALUE, filters.speakers),
            (SECTION_VALUE, filters.sections),
            (EPISODE_VALUE, filters.episodes),
        ):
            if values:
                share *= min(1.0, sum(self.fulltext.doc_freq(field, v) for v in values) / total)
        return share

    def codes(self, filters: Filters) -> dict[str, frozenset[int]]:
        """The filters as code column -> the codes allowed (see fulltext.value_code)."""
        return {
            CODE_FIELDS[field]: frozenset(value_code(v) for v in values)
            for field, values in (
                (SPEAKER_VALUE, filters.speakers),
                (SECTION_VALUE, filters.sections),
                (EPISODE_VALUE, filters.episodes),
            )
            if values
        }

    def frequency(self, clause: Clause) -> int:
        """How many passages hold the clause in their text (a phrase: its rarest pair)."""
        if clause.is_phrase:
            return min(self.fulltext.doc_freq(PAIRS, p) for p in pair_terms(clause.terms))
        return self.fulltext.doc_freq(TEXT, clause.terms[0])

    def lower_bound(self, clauses: Sequence[Clause], match_all: bool, filters: Filters) -> int:
        """At least this many passages match (0: no cheap bound). Without filters, a single
        clause, or any of several, matches at least as often as its most frequent term."""
        if filters or (match_all and len(clauses) > 1):
            return 0
        best = 0
        for clause in clauses:
            if clause.is_phrase and len(clause.terms) == 2:
                best = max(best, self.fulltext.doc_freq(PAIRS, pair_terms(clause.terms)[0]))
            elif not clause.is_phrase:
                best = max(best, self.fulltext.doc_freq(TEXT, clause.terms[0]))
        return best
