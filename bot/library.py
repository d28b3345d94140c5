"""The public face of the core: a loaded transcript library that answers quote lookups."""

from __future__ import annotations

import functools
import hashlib
import itertools
import logging
import os
import random
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from .errors import (
    LibraryUnavailable,
    MissingFilterValue,
    QueryError,
    TranscriptError,
    TranscriptWarning,
    UnknownFilterValue,
)
from .messages import LIBRARY_EMPTY, QUOTE_GONE
from .models import (
    UNKNOWN_SPEAKER,
    Context,
    Episode,
    Hit,
    ParsedQuery,
    Passage,
    QueryExamples,
    SearchResult,
    SectionInfo,
    SpeakerInfo,
)
from .query_examples import build_examples
from .search.catalog import EpisodeCatalog
from .search.engine import Filters, SearchEngine
from .search.filters import Choices
from .search.hooks import EpisodeListener
from .search.index import SearchIndex, SyncReport
from .search.query_parser import parse_query
from .search.records import passage_from_row
from .settings import Settings
from .text import fold
from .transcripts.corpus import default_corpus
from .transcripts.reading import unreadable_reason

log = logging.getLogger(__name__)

INDEX_ENV = "QUOTEBOT_INDEX"
MAX_LIMIT = 50
# Autocomplete starts at two characters and reads at most this much of what was typed.
MIN_SUGGEST_CHARS = 2
MAX_QUERY_CHARS = 500
# Random quotes should be worth quoting: skip the "Yeah." turns.
RANDOM_MIN_WORDS = 12
# Passages read to build help examples: enough for a few speakers and sections.
EXAMPLE_SAMPLE = 400


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


def corpus_problem(corpus: Path) -> str | None:
    """One line naming a corpus folder that does not exist, or None. (A folder that cannot be
    read is reported by corpus discovery, with the uid to make it readable to.)"""
    where = "set by QUOTEBOT_CORPUS or --corpus"
    if not corpus.exists():
        return f"corpus not found: {corpus} ({where})"
    return None


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
        # A start reads episode ids and a few totals; records, section lists and the folded
        # filter values are read when first asked for (see bot/search/catalog.py).
        self._episodes = EpisodeCatalog(index.store)
        self._speakers = self._speaker_infos()
        self._choices: dict[str, Choices] = {}
        self._choices_lock = threading.Lock()
        self._sections: list[SectionInfo] | None = None
        self._sections_lock = threading.Lock()
        self._section_titles: list[str] | None = None
        self.search_observer = search_observer
        self.engine = SearchEngine(index, self._passages_by_id, cache_size)

    @classmethod
    def load(
        cls,
        corpus: Path | str | None = None,
        index_path: Path | str | None = None,
        cache_size: int = 256,
        search_observer: SearchObserver | None = None,
        full_check: bool = False,
        listener: EpisodeListener | None = None,
    ) -> Library:
        """Open (or build) the index for a corpus folder, re-reading only changed transcripts.

        A start compares folder stamps only; `full_check` compares every file (see
        bot/search/freshness.py for what that trades). `listener` hears of each episode indexed
        or dropped (advice scores them there)."""
        corpus_path = Path(corpus).expanduser() if corpus else default_corpus()
        problem = corpus_problem(corpus_path)
        if problem:
            raise LibraryUnavailable(problem)
        path = index_path if index_path is not None else default_index_path(corpus_path)
        try:
            index = SearchIndex(path)
        except (sqlite3.Error, OSError) as exc:
            raise LibraryUnavailable(index_unusable(Path(path), exc)) from None
        try:
            # Skipped transcripts are in `report.errors`; each front end says so its own way.
            report = index.sync(corpus_path, full=full_check, listener=listener)
        except sqlite3.Error as exc:
            index.close()
            raise LibraryUnavailable(index_unusable(Path(path), exc)) from None
        except BaseException:
            index.close()
            raise
        return cls(corpus_path, index, report, cache_size, search_observer)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        corpus: Path | str | None = None,
        index: Path | str | None = None,
        search_observer: SearchObserver | None = None,
        listener: EpisodeListener | None = None,
    ) -> Library:
        """Load the configured corpus (command-line values win), logging skipped transcripts."""
        library = cls.load(
            corpus or settings.corpus,
            index or settings.index,
            search_observer=search_observer,
            listener=listener,
        )
        for error in library.errors:
            log.warning("skipped %s", error)
        for warning in library.warnings:
            log.warning("%s", warning)
        return library

    def close(self) -> None:
        self.index.close()

    def refresh(self, listener: EpisodeListener | None = None) -> SyncReport:
        """Bring the index up to date with the corpus while searches go on, and serve the
        new state from the next call: new, changed and removed transcripts (a feed poll, a file
        dropped in by hand, another replica's fetch on a shared volume). `listener` hears of each
        episode indexed or dropped, as in `load`.

        The sync writes through a SearchIndex of its own: SQLite's write-ahead log lets the
        searches on `self.index` keep reading the last committed state meanwhile, and tantivy's
        readers keep their searcher until reloaded. Only when something changed are the
        listings (episodes, speakers, sections) rebuilt and swapped in. Like a start, it
        compares the folders that changed, never every file of the catalogue.
        """
        writer = SearchIndex(self.index.path)
        try:
            report = writer.sync(self.corpus, listener=listener)
        finally:
            writer.close()
        if report.parsed or report.removed:
            fresh = Library(self.corpus, self.index, report, search_observer=self.search_observer)
            # Each attribute is replaced whole; a search running meanwhile sees old or new (a
            # passage whose row went is left out, see _passages_by_id).
            self.__dict__.update(fresh.__dict__)
            self.index.fulltext.reload()
        else:
            self.report = report
        return report

    @property
    def errors(self) -> tuple[TranscriptError, ...]:
        """Transcripts that could not be served, each naming its file and line."""
        return self.report.errors

    @property
    def warnings(self) -> tuple[TranscriptWarning, ...]:
        """What is served but worth a look: the same episode twice, an empty corpus, …"""
        return self.report.warnings

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
            try:
                parsed = parse_query(query, speaker=speaker, section=section, episode=episode)
            except MissingFilterValue as exc:
                raise MissingFilterValue(exc.field, self._example_value(exc.field)) from None
            limit = max(1, min(int(limit), MAX_LIMIT))
            offset = max(0, int(offset))
            result = self.engine.search(parsed, self._filters(parsed), limit, offset)
            hits = len(result.hits)
            return result
        finally:
            if self.search_observer is not None:
                self.search_observer(source, time.perf_counter() - started, hits)

    def suggest(self, typed: str, limit: int = 25, source: str = "autocomplete") -> list[Hit]:
        """The best passages for a query still being typed, for autocomplete.

        The last word may be unfinished (`layo`): unless it is a word the podcast uses, it is
        completed to the most frequent word that starts with it before searching. Input the
        core would reject gives no suggestions rather than an error.
        """
        text = " ".join((typed or "").split())[:MAX_QUERY_CHARS]
        if len(text) < MIN_SUGGEST_CHARS:
            return []
        words = text.split(" ")
        last = fold(words[-1])
        if (
            not (typed or "").endswith(" ")
            and last.isalpha()
            and len(last) >= MIN_SUGGEST_CHARS
            and not self.index.store.has_word(last)
        ):
            completed = self.index.store.completion(last)
            if completed:
                words[-1] = completed
        try:
            return list(self.search(" ".join(words), limit=limit, source=source).hits)
        except QueryError:
            return []

    def context(self, hit: Hit | Passage | str, before: int = 1, after: int = 1) -> Context:
        """The passage widened with its neighbours in the same episode (across turns)."""
        if isinstance(hit, str):
            passage = self.passage(hit)
        elif isinstance(hit, Hit):
            passage = hit.passage
        else:
            passage = hit
        rows = self.index.store.neighbour_rows(
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
            row = self.index.store.passage_row_at(episode_id, int(ordinal))
        if row is None:
            raise QueryError(QUOTE_GONE)
        return passage_from_row(row, self._episodes)

    def random(self, rng: random.Random | None = None) -> Hit:
        """A random passage long enough to stand on its own."""
        rng = rng or random.Random()
        low, high = self.index.store.id_range()
        if not high:
            raise QueryError(LIBRARY_EMPTY)
        for _ in range(20):
            # Ids have gaps where episodes were re-read; the next id up is taken.
            row = self.index.store.passage_row_from(rng.randint(low, high))
            if row and len(row[6].split()) >= RANDOM_MIN_WORDS:
                break
        if row is None:  # the index changed under us; an empty answer beats a crash
            raise QueryError(LIBRARY_EMPTY)
        return Hit(passage_from_row(row, self._episodes), 0.0)

    def passages(self) -> Iterator[Passage]:
        """Every passage in reading order (for advice selection and exports)."""
        for row in self.index.store.all_passage_rows():
            yield passage_from_row(row, self._episodes)

    def episode_passages(self, episode_id: str) -> list[Passage]:
        """One episode's passages in reading order (empty for an unknown episode)."""
        if episode_id not in self._episodes:
            return []
        rows = self.index.store.neighbour_rows(episode_id, 0, 2**62)
        return [passage_from_row(row, self._episodes) for row in rows]

    def fingerprints(self) -> dict[str, str]:
        """Each episode's index fingerprint: it changes when anything its passages depend on
        does, so derived data (advice scores) can be kept per episode and redone only then."""
        return self.index.fingerprints()

    @property
    def index_path(self) -> str:
        """Where the index lives (`:memory:` for a throwaway one): derived stores sit beside it."""
        return self.index.path

    def episodes(self) -> list[Episode]:
        return self._episodes.all()

    def episode(self, episode_id: str) -> Episode:
        return self._episodes[episode_id]

    @functools.cached_property
    def examples(self) -> QueryExamples:
        """Queries that find something in this library, for help texts (built once, from the
        first passages of the index and the speaker counts, not from the whole catalogue)."""
        sample = list(itertools.islice(self.passages(), EXAMPLE_SAMPLE))
        return build_examples(self._speakers, sample)

    def speakers(self) -> list[SpeakerInfo]:
        return list(self._speakers)

    def sections(self) -> list[SectionInfo]:
        """Section titles in reading order, episode by episode (gathered once, on first use:
        chat replies ask for them to suggest topics)."""
        with self._sections_lock:
            if self._sections is None:
                self._sections = self._gather_sections()
            return list(self._sections)

    def section_titles(self) -> list[str]:
        """Each distinct section title once, in reading order."""
        if self._section_titles is None:
            self._section_titles = list(dict.fromkeys(s.title for s in self.sections()))
        return list(self._section_titles)

    def _gather_sections(self) -> list[SectionInfo]:
        order = {
            (episode.id, title): position
            for episode in self._episodes.all()
            for position, title in enumerate(episode.sections)
        }
        episode_order = {episode_id: n for n, episode_id in enumerate(self._episodes)}
        sections = [
            SectionInfo(title, episode_id, count)
            for episode_id, title, count in self.index.store.section_counts()
            if title
        ]
        return sorted(
            sections,
            key=lambda s: (
                episode_order.get(s.episode_id, 0),
                order.get((s.episode_id, s.title), 0),
            ),
        )

    # -- helpers -------------------------------------------------------------------------------

    def _example_value(self, field: str) -> str:
        """A value of `field` that this library has, for an error message's example."""
        examples = self.examples
        value = {
            "speaker": examples.speaker_filter,
            "section": examples.section_filter,
            "episode": examples.episode_filter,
        }.get(field, "")
        return value.partition(":")[2]

    def _speaker_infos(self) -> list[SpeakerInfo]:
        infos = []
        for name, count in self.index.store.speaker_counts():
            parts = name.split()
            # "Unknown speaker" is nobody: no first-name alias for `speaker:` to match.
            aliases = (parts[0],) if len(parts) > 1 and name != UNKNOWN_SPEAKER else ()
            infos.append(SpeakerInfo(name, aliases, count))
        return infos

    def _passages_by_id(self, ids: Sequence[int]) -> dict[int, Passage]:
        rows = self.index.store.passage_rows(ids)
        # Another process may have re-read an episode since this one opened the index: its
        # passages are left out rather than shown half-known.
        return {
            pid: passage_from_row(row, self._episodes)
            for pid, row in rows.items()
            if row[1] in self._episodes
        }

    def _filter_choices(self, field: str) -> Choices:
        """The values a filter can take, folded on first use."""
        with self._choices_lock:
            if field not in self._choices:
                if field == "speaker":
                    self._choices[field] = Choices(
                        [s.name for s in self._speakers],
                        [" ".join((s.name, *s.aliases)) for s in self._speakers],
                    )
                elif field == "section":
                    sections = [name for name, _ in self.index.store.totals("section") if name]
                    self._choices[field] = Choices(sections)
                else:
                    episodes = self._episodes.titles()
                    self._choices[field] = Choices(
                        [episode_id for episode_id, _ in episodes],
                        [f"{episode_id} {title}" for episode_id, title in episodes],
                    )
            return self._choices[field]

    def _filters(self, query: ParsedQuery) -> Filters:
        """Resolve the query's filters, or raise UnknownFilterValue listing the valid ones."""
        resolved: dict[str, tuple[str, ...]] = {}
        for field, value in (
            ("speaker", query.speaker),
            ("section", query.section),
            ("episode", query.episode),
        ):
            if not value:
                continue
            choices = self._filter_choices(field)
            found = choices.resolve(value)
            if not found:
                valid = (
                    [title for _, title in self._episodes.titles()]
                    if field == "episode"
                    else choices.options
                )
                raise UnknownFilterValue(field, value, valid)
            resolved[field] = tuple(found)
        return Filters(
            speakers=resolved.get("speaker", ()),
            sections=resolved.get("section", ()),
            episodes=resolved.get("episode", ()),
        )


def index_unusable(path: Path, exc: BaseException) -> str:
    """One line saying why the index file cannot be used and which setting moves it."""
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        why = f"{folder} is a file, not a folder"
    elif str(path) != ":memory:" and folder.is_dir() and not os.access(folder, os.W_OK):
        who = f"uid {os.geteuid()}" if hasattr(os, "geteuid") else "this user"
        why = f"the folder {folder} is not writable by {who}"
    elif isinstance(exc, OSError):
        why = f"{exc.filename or folder}: {unreadable_reason(exc)}"
    else:
        why = str(exc)
    return (
        f"cannot use the search index {path}: {why}; set {INDEX_ENV} (or --index) to a file "
        "in a folder quotebot can write"
    )
