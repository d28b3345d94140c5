"""The public face of the core: a loaded transcript library that answers quote lookups."""

from __future__ import annotations

import hashlib
import logging
import os
import random
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from .errors import QueryError, TranscriptError, UnknownFilterValue
from .messages import LIBRARY_EMPTY, QUOTE_GONE
from .models import (
    UNKNOWN_SPEAKER,
    Context,
    Episode,
    Hit,
    ParsedQuery,
    Passage,
    SearchResult,
    SectionInfo,
    SpeakerInfo,
)
from .search.engine import WORD_TOKEN, Filters, SearchEngine
from .search.filters import Choices
from .search.index import SearchIndex, SyncReport, passage_from_row
from .search.query_parser import fts_phrase, parse_query
from .settings import Settings
from .transcripts.corpus import default_corpus

log = logging.getLogger(__name__)

INDEX_ENV = "QUOTEBOT_INDEX"
MAX_LIMIT = 50
FILTER_COLUMNS = {"speaker": "speaker", "section": "section", "episode": "episode_id"}
NARROWING_SHARE = 0.2
# Random quotes should be worth quoting: skip the "Yeah." turns.
RANDOM_MIN_WORDS = 12


def default_index_path(corpus: Path) -> Path:
    """`QUOTEBOT_INDEX`, else a per-corpus file in the user's cache folder."""
    configured = os.environ.get(INDEX_ENV)
    if configured:
        return Path(configured).expanduser()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "quotebot"
    digest = hashlib.sha1(str(corpus.resolve()).encode()).hexdigest()[:12]
    path = base / f"index-{digest}.sqlite3"
    try:
        base.mkdir(parents=True, exist_ok=True)
        if os.access(base, os.W_OK):
            return path
    except OSError:
        pass
    return Path(tempfile.gettempdir()) / "quotebot" / path.name


# (source, seconds, hits or None when the search failed): what metrics count per search.
SearchObserver = Callable[[str, float, int | None], None]


class Library:
    """Transcripts of one corpus, indexed and searchable. Safe to share between threads."""

    def __init__(
        self,
        corpus: Path,
        index: SearchIndex,
        report: SyncReport,
        cache_size: int = 256,
        search_observer: SearchObserver | None = None,
    ) -> None:
        """`search_observer` is called as (source, seconds, hits or None on error) after every
        search; see metrics.py."""
        self.corpus = corpus
        self.index = index
        self.report = report
        self._episodes = {episode.id: episode for episode in index.episodes()}
        self._speakers = self._speaker_infos()
        section_counts = index.section_counts()
        self._sections = [
            SectionInfo(title, episode_id, count)
            for episode_id, title, count in section_counts
            if title
        ]
        self._choices = self._filter_choices(section_counts)
        self.search_observer = search_observer
        self.engine = SearchEngine(index, self._passages_by_id, cache_size)

    @classmethod
    def load(
        cls,
        corpus: Path | str | None = None,
        index_path: Path | str | None = None,
        cache_size: int = 256,
        search_observer: SearchObserver | None = None,
    ) -> Library:
        """Open (or build) the index for a corpus folder, re-reading only changed transcripts."""
        corpus_path = Path(corpus).expanduser() if corpus else default_corpus()
        if not corpus_path.exists():
            raise FileNotFoundError(f"corpus not found: {corpus_path}")
        path = index_path if index_path is not None else default_index_path(corpus_path)
        index = SearchIndex(path)
        # Skipped transcripts are in `report.errors`; each front end says so its own way.
        report = index.sync(corpus_path)
        return cls(corpus_path, index, report, cache_size, search_observer)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        corpus: Path | str | None = None,
        index: Path | str | None = None,
        search_observer: SearchObserver | None = None,
    ) -> Library:
        """Load the configured corpus (command-line values win), logging skipped transcripts."""
        library = cls.load(
            corpus or settings.corpus, index or settings.index, search_observer=search_observer
        )
        for error in library.errors:
            log.warning("skipped %s", error)
        return library

    def close(self) -> None:
        self.index.close()

    def refresh(self) -> SyncReport:
        """Bring the index up to date with the corpus while searches go on, and serve the
        new state from the next call: new, changed and removed transcripts (a feed poll, a file
        dropped in by hand, another replica's fetch on a shared volume).

        The sync writes through a connection of its own: SQLite's write-ahead log lets the
        searches on `self.index` keep reading the last committed state meanwhile. Only when
        something changed are the listings (episodes, speakers, sections) rebuilt and swapped in.
        """
        writer = SearchIndex(self.index.path)
        try:
            report = writer.sync(self.corpus)
        finally:
            writer.close()
        if report.parsed or report.removed:
            fresh = Library(self.corpus, self.index, report, search_observer=self.search_observer)
            # Each attribute is replaced whole; a search running meanwhile sees old or new.
            self.__dict__.update(fresh.__dict__)
        else:
            self.report = report
        return report

    @property
    def errors(self) -> tuple[TranscriptError, ...]:
        """Transcripts that could not be served, each naming its file and line."""
        return self.report.errors

    # -- lookups -------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        limit: int = 5,
        offset: int = 0,
        speaker: str | None = None,
        section: str | None = None,
        episode: str | None = None,
        source: str = "cli",
    ) -> SearchResult:
        """The best passages for a chat-style query; raises QueryError with a friendly message.

        `source` names the front end asking (cli, slack, discord) for the search metrics.
        """
        started = time.perf_counter()
        hits: int | None = None
        try:
            parsed = parse_query(query, speaker=speaker, section=section, episode=episode)
            limit = max(1, min(int(limit), MAX_LIMIT))
            offset = max(0, int(offset))
            result = self.engine.search(parsed, self._filters(parsed), limit, offset)
            hits = len(result.hits)
            return result
        finally:
            if self.search_observer is not None:
                self.search_observer(source, time.perf_counter() - started, hits)

    def context(self, hit: Hit | Passage | str, before: int = 1, after: int = 1) -> Context:
        """The passage widened with its neighbours in the same episode (across turns)."""
        if isinstance(hit, str):
            passage = self.passage(hit)
        elif isinstance(hit, Hit):
            passage = hit.passage
        else:
            passage = hit
        rows = self.index.neighbour_rows(
            passage.episode.id, passage.ordinal - max(0, before), passage.ordinal + max(0, after)
        )
        passages = [passage_from_row(row, self._episodes) for row in rows]
        return Context(
            passage,
            tuple(p for p in passages if p.ordinal < passage.ordinal),
            tuple(p for p in passages if p.ordinal > passage.ordinal),
        )

    def passage(self, key: str) -> Passage:
        """A passage by its stable key (`episode-id:ordinal`), as buttons carry it."""
        episode_id, _, ordinal = key.rpartition(":")
        row = None
        if episode_id in self._episodes and ordinal.isdigit():
            row = self.index.passage_row_at(episode_id, int(ordinal))
        if row is None:
            raise QueryError(QUOTE_GONE)
        return passage_from_row(row, self._episodes)

    def random(self, rng: random.Random | None = None) -> Hit:
        """A random passage long enough to stand on its own."""
        rng = rng or random.Random()
        count = self.index.passage_count()
        if not count:
            raise QueryError(LIBRARY_EMPTY)
        for _ in range(20):
            row = self.index.passage_row_by_rank(rng.randrange(count))
            if row and len(row[6].split()) >= RANDOM_MIN_WORDS:
                break
        if row is None:  # the index changed under us; an empty answer beats a crash
            raise QueryError(LIBRARY_EMPTY)
        return Hit(passage_from_row(row, self._episodes), 0.0)

    def passages(self) -> Iterator[Passage]:
        """Every passage in reading order (for advice selection and exports)."""
        for row in self.index.all_passage_rows():
            yield passage_from_row(row, self._episodes)

    def episodes(self) -> list[Episode]:
        return list(self._episodes.values())

    def episode(self, episode_id: str) -> Episode:
        return self._episodes[episode_id]

    def speakers(self) -> list[SpeakerInfo]:
        return list(self._speakers)

    def sections(self) -> list[SectionInfo]:
        """Section titles in reading order, episode by episode."""
        order = {
            (episode.id, title): position
            for episode in self._episodes.values()
            for position, title in enumerate(episode.sections)
        }
        episode_order = {episode_id: n for n, episode_id in enumerate(self._episodes)}
        return sorted(
            self._sections,
            key=lambda s: (
                episode_order.get(s.episode_id, 0),
                order.get((s.episode_id, s.title), 0),
            ),
        )

    # -- helpers -------------------------------------------------------------------------------

    def _speaker_infos(self) -> list[SpeakerInfo]:
        infos = []
        for name, count in self.index.speaker_counts():
            parts = name.split()
            # "Unknown speaker" is nobody: no first-name alias for `speaker:` to match.
            aliases = (parts[0],) if len(parts) > 1 and name != UNKNOWN_SPEAKER else ()
            infos.append(SpeakerInfo(name, aliases, count))
        return infos

    def _passages_by_id(self, ids: Sequence[int]) -> dict[int, Passage]:
        rows = self.index.passage_rows(ids)
        return {pid: passage_from_row(row, self._episodes) for pid, row in rows.items()}

    def _filter_choices(self, section_counts: list[tuple[str, str, int]]) -> dict[str, Choices]:
        section_sizes: dict[str, int] = {}
        episode_sizes: dict[str, int] = {}
        for section in self._sections:
            section_sizes[section.title] = section_sizes.get(section.title, 0) + section.passages
        # Untitled sections count too: an episode's size is all of its passages.
        for episode_id, _, count in section_counts:
            episode_sizes[episode_id] = episode_sizes.get(episode_id, 0) + count
        episodes = list(self._episodes.values())
        return {
            "speaker": Choices(
                [s.name for s in self._speakers],
                [" ".join((s.name, *s.aliases)) for s in self._speakers],
                [s.passages for s in self._speakers],
            ),
            "section": Choices(list(section_sizes), sizes=list(section_sizes.values())),
            "episode": Choices(
                [e.id for e in episodes],
                [f"{e.id} {e.title}" for e in episodes],
                [episode_sizes.get(e.id, 0) for e in episodes],
            ),
        }

    def _filters(self, query: ParsedQuery) -> Filters:
        """Resolve the query's filters, or raise UnknownFilterValue listing the valid ones."""
        clauses: list[str] = []
        params: list[object] = []
        narrowing: list[str] = []
        total = max(1, sum(s.passages for s in self._speakers))
        share = 1.0
        for field, value in (
            ("speaker", query.speaker),
            ("section", query.section),
            ("episode", query.episode),
        ):
            if not value:
                continue
            choices = self._choices[field]
            found = choices.resolve(value)
            if not found:
                valid = (
                    [e.title for e in self._episodes.values()]
                    if field == "episode"
                    else choices.options
                )
                raise UnknownFilterValue(field, value, valid)
            column = FILTER_COLUMNS[field]
            clauses.append(f"p.{column} IN ({','.join('?' * len(found))})")
            params.extend(found)
            # Narrowing inside FTS5 pays off for a selective filter; for a broad one
            # (a host who speaks in every episode) intersecting in FTS5 costs more than it saves.
            # Filters on different fields are treated as independent for this estimate.
            share *= min(1.0, choices.size(found) / total)
            if choices.size(found) / total < NARROWING_SHARE:
                narrowing.append(_column_filter(column, found))
        return Filters(
            " AND ".join(clauses),
            tuple(params),
            " AND ".join(n for n in narrowing if n),
            share if clauses else 1.0,
        )


def _column_filter(column: str, values: Sequence[str]) -> str:
    """`{column} : ("a b" OR "c")`: the values as phrases, a superset of the exact SQL filter."""
    phrases = [fts_phrase(tuple(WORD_TOKEN.findall(value))) for value in values]
    phrases = [p for p in phrases if p != '""']
    if not phrases or len(phrases) > 50:
        return ""
    return f"({{{column}}} : ({' OR '.join(phrases)}))"
