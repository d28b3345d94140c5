"""The full-text index: tantivy, in a folder beside the SQLite file that holds the passages.

Why tantivy rather than SQLite FTS5: FTS5 computes bm25 for every match before `LIMIT` can
cut, so a common word costs time in proportion to the catalogue; tantivy keeps per-block score
bounds (block-max WAND) and skips what cannot reach the top. It ships as a wheel: no server,
no compiler. Only terms are kept here (no stored text); a hit is a passage id, read back from
SQLite.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import tantivy
from tantivy import Occur, Order, Query

from .analysis import ANALYZER_NAME, Terms, pair_terms

# How the passages' fields are indexed. `text` keeps positions (phrases of three or more words
# are checked on them); `pairs` holds adjacent-term pairs for phrases; the raw fields are exact
# values for the speaker:, section: and episode: filters.
TEXT, SECTION, PAIRS = "text", "section", "pairs"
SPEAKER_VALUE, SECTION_VALUE, EPISODE_VALUE = "speaker_value", "section_value", "episode_value"
PASSAGE_ID = "id"
# The same three values as 64-bit digests in columns (fast fields), so that a page of hits can
# be checked against a filter without a query; see value_code().
CODE_FIELDS = {
    SPEAKER_VALUE: "speaker_code",
    SECTION_VALUE: "section_code",
    EPISODE_VALUE: "episode_code",
}
# A bigger heap means fewer, larger segments written and less merging during a build.
WRITER_HEAP = 256_000_000


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field(PASSAGE_ID, fast=True)
    builder.add_text_field(TEXT, tokenizer_name=ANALYZER_NAME, index_option="position")
    builder.add_text_field(SECTION, tokenizer_name=ANALYZER_NAME, index_option="position")
    builder.add_text_field(PAIRS, tokenizer_name="whitespace", index_option="freq")
    for name in (SPEAKER_VALUE, SECTION_VALUE, EPISODE_VALUE):
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
        builder.add_unsigned_field(CODE_FIELDS[name], fast=True)
    return builder.build()


def value_code(value: str) -> int:
    """A filter value as a 64-bit number (two values sharing one is a 1-in-2^64 chance)."""
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "big")


@dataclass(frozen=True)
class PassageDoc:
    """What the full-text index holds about one passage."""

    id: int
    episode_id: str
    section: str
    speaker: str
    text: str
    # The word-pair terms, space-separated, when already computed (by a reader process).
    pairs: str | None = None


class FullTextIndex:
    """Opening, writing and asking the tantivy index."""

    def __init__(self, folder: Path, terms: Terms) -> None:
        self.folder = folder
        self.terms = terms
        self.index = self._open()
        self._writer: tantivy.IndexWriter | None = None
        self._codes: dict[str, int] = {}

    def _open(self) -> tantivy.Index:
        schema = build_schema()
        if self.folder.is_dir() and tantivy.Index.exists(str(self.folder)):
            try:
                index = tantivy.Index.open(str(self.folder))
                if index.schema == schema:
                    self._register(index)
                    return index
            except ValueError:
                pass
            # Unreadable or from another schema: start empty; the caller refills it.
            shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(schema, str(self.folder), reuse=False)
        self._register(index)
        return index

    def _register(self, index: tantivy.Index) -> None:
        # Tokenizers are not stored with the index: every opener registers the same one.
        index.register_tokenizer(ANALYZER_NAME, self.terms.analyzer)
        # A process serves the index as it opened it (its episode list is read once); its own
        # sync reloads explicitly, another process's on the next start.
        index.config_reader(reload_policy="manual")

    @property
    def schema(self) -> tantivy.Schema:
        return self.index.schema

    def searcher(self) -> tantivy.Searcher:
        return self.index.searcher()

    def reload(self) -> None:
        """Serve what another writer (a refresh through a second SearchIndex) committed."""
        self.index.reload()

    def doc_count(self) -> int:
        return self.index.searcher().num_docs

    # -- writing ------------------------------------------------------------------------------

    def begin(self) -> None:
        """Take the writer (callers hold the SQLite write lock, so writers never race)."""
        if self._writer is None:
            self._writer = self.index.writer(heap_size=WRITER_HEAP)

    def add(self, docs: Iterable[PassageDoc]) -> None:
        if self._writer is None:
            raise RuntimeError("begin() first: no write is open")
        for doc in docs:
            document = tantivy.Document()
            document.add_unsigned(PASSAGE_ID, doc.id)
            document.add_text(TEXT, doc.text)
            document.add_text(SECTION, doc.section)
            pairs = doc.pairs
            if pairs is None:
                pairs = " ".join(pair_terms(self.terms.of(doc.text)))
            document.add_text(PAIRS, pairs)
            for field, value in (
                (SPEAKER_VALUE, doc.speaker),
                (SECTION_VALUE, doc.section),
                (EPISODE_VALUE, doc.episode_id),
            ):
                document.add_text(field, value)
                document.add_unsigned(CODE_FIELDS[field], self._code(value))
            self._writer.add_document(document)

    def _code(self, value: str) -> int:
        code = self._codes.get(value)
        if code is None:
            code = self._codes[value] = value_code(value)
        return code

    def remove_episode(self, episode_id: str) -> None:
        if self._writer is None:
            raise RuntimeError("begin() first: no write is open")
        self._writer.delete_documents_by_term(EPISODE_VALUE, episode_id)

    def clear(self) -> None:
        if self._writer is None:
            raise RuntimeError("begin() first: no write is open")
        self._writer.delete_all_documents()

    def commit(self) -> None:
        """Make the writes visible to every reader, wait for merges, let the writer go."""
        if self._writer is None:
            return
        writer, self._writer = self._writer, None
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()

    def abandon(self) -> None:
        if self._writer is None:
            return
        writer, self._writer = self._writer, None
        with contextlib.suppress(Exception):
            writer.rollback()
        del writer

    # -- queries ------------------------------------------------------------------------------

    def term(self, field: str, term: str) -> Query:
        return Query.term_query(self.schema, field, term)

    def phrase(self, field: str, terms: Sequence[str]) -> Query:
        return Query.phrase_query(self.schema, field, list(terms))

    def value_filter(self, field: str, values: Sequence[str]) -> Query:
        """Passages whose raw `field` is one of `values`; scores nothing."""
        # One value (the usual case) as a plain term: it is intersected by skipping through
        # its postings, where a term set would first collect every passage it matches.
        if len(values) == 1:
            query = Query.term_query(self.schema, field, values[0])
        else:
            query = Query.term_set_query(self.schema, field, list(values))
        return Query.const_score_query(query, 0.0)

    @staticmethod
    def all_of(queries: Sequence[Query]) -> Query:
        if len(queries) == 1:
            return queries[0]
        return Query.boolean_query([(Occur.Must, q) for q in queries])

    @staticmethod
    def any_of(queries: Sequence[Query]) -> Query:
        if len(queries) == 1:
            return queries[0]
        return Query.boolean_query([(Occur.Should, q) for q in queries])

    def doc_freq(self, field: str, term: str) -> int:
        """How many passages hold `term` in `field` (deleted ones included until a merge)."""
        return self.searcher().doc_freq(field, term)

    def in_order(self, query: Query, limit: int, offset: int) -> tuple[list[int], int]:
        """Passage ids matching `query` in the order they were indexed (reading order within
        an episode), a page of them, and how many match."""
        searcher = self.searcher()
        result = searcher.search(
            query, limit, count=True, order_by_field=PASSAGE_ID, offset=offset, order=Order.Asc
        )
        addresses = [address for _, address in result.hits]
        ids = searcher.fast_field_values(PASSAGE_ID, addresses) if addresses else []
        return [_number(pid) for pid in ids], _count(result)

    def top(
        self, query: Query, limit: int, count: bool, columns: Sequence[str] = ()
    ) -> tuple[list[tuple[int, float]], int, dict[str, list[int]]]:
        """(passage id, score) of the best `limit` matches; how many match when `count`
        (counting visits every match, so callers ask only when no cheaper bound will do); and
        the values of the asked code `columns` for those matches, in the same order."""
        searcher = self.searcher()
        result = searcher.search(query, limit, count=count)
        addresses = [address for _, address in result.hits]
        ids = searcher.fast_field_values(PASSAGE_ID, addresses) if addresses else []
        hits = [
            (_number(pid), float(score)) for (score, _), pid in zip(result.hits, ids, strict=True)
        ]
        values = {
            column: [_number(v) for v in searcher.fast_field_values(column, addresses)]
            for column in columns
            if addresses
        }
        return hits, (_count(result) if count else -1), values


def _number(value: object) -> int:
    """An unsigned fast-field value (the stub types them loosely)."""
    return value if isinstance(value, int) else 0


def _count(result: tantivy.SearchResult) -> int:
    # The result carries the count when one was asked for; the type stub leaves it out.
    return int(result.count)  # type: ignore[attr-defined]
