"""Advice candidates, scored once per passage when it is indexed and kept beside the index.

`CandidateStore` is a small SQLite file next to the search index (`index.sqlite3` →
`index.advice.sqlite3`), of its own so that it outlives any change of search engine. It is fed
episode by episode through the index's listener hook (`bot/search/hooks.py`) while a sync
(re)indexes transcripts, so adding one episode scores only that episode. `catch_up` covers an
index synced without the hook (an older version, another tool): it compares per-episode
fingerprints (one small row per episode, no passage read) and scores only the episodes that
differ. Start-up reads per-episode summaries, never every candidate.

A candidate is stored when it passes the heuristic for *any* speaker, with a flag saying
whether its speaker is a guest, so both `QUOTEBOT_ADVICE_SPEAKERS` modes read the same rows.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from ..errors import LibraryUnavailable
from ..library import Library, SearchObserver, default_index_path, index_unusable
from ..models import Episode, Passage
from ..transcripts.corpus import default_corpus
from .scoring import MIN_SCORE, SCORER_VERSION, candidate_score, is_guest, soundbite_of

log = logging.getLogger(__name__)

# Bump with the schema below; together with the scorer's version it decides a re-score.
SCHEMA_VERSION = "1"
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # One row per scored episode, even one without candidates: its fingerprint says it is done,
    # and its per-mode tallies are all the rotation needs to start.
    """CREATE TABLE IF NOT EXISTS episodes (
        id TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        date TEXT,
        guest_count INTEGER NOT NULL,
        any_count INTEGER NOT NULL,
        guest_speaker TEXT NOT NULL,
        any_speaker TEXT NOT NULL,
        scored_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS candidates (
        episode_id TEXT NOT NULL,
        ordinal INTEGER NOT NULL,
        score REAL NOT NULL,
        guest INTEGER NOT NULL,
        speaker TEXT NOT NULL,
        reasons TEXT NOT NULL,
        PRIMARY KEY (episode_id, ordinal)
    ) WITHOUT ROWID""",
)
COMMIT_EVERY = 200
SPEAKER_MODES = ("guests", "any")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class EpisodeSummary:
    """What the rotation needs of one episode: how many candidates, whose, and its date."""

    episode_id: str
    count: int
    speaker: str
    date: date | None


@dataclass(frozen=True)
class StoredCandidate:
    """A stored score: the passage key (`episode:ordinal`), score, reasons and speaker."""

    key: str
    score: float
    reasons: tuple[str, ...]
    speaker: str


def store_path(index_path: str | Path) -> str:
    """The candidate file that goes with an index file (`:memory:` stays in memory)."""
    text = str(index_path)
    if text == ":memory:" or text.startswith("file::memory:"):
        return ":memory:"
    path = Path(text)
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    return str(path.with_name(f"{stem}.advice{path.suffix or '.sqlite3'}"))


class CandidateStore:
    """The scored candidates of every indexed episode; also the index's episode listener."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA busy_timeout=30000")
        self._pending = 0
        self._commits = 0
        self._progress: tuple[int, int] | None = None
        self.on_progress: Progress | None = None
        self._ensure_schema()

    @classmethod
    def beside(cls, index_path: str | Path) -> CandidateStore:
        return cls(store_path(index_path))

    @classmethod
    def for_library(cls, library: Library) -> CandidateStore:
        return cls.beside(library.index_path)

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def _ensure_schema(self) -> None:
        version = f"{SCHEMA_VERSION}:{SCORER_VERSION}"
        with self._lock:
            try:
                row = self.db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            except sqlite3.OperationalError:
                row = None
            if row is not None and row[0] == version:
                return
            with self._transaction():
                # Another version's scores are worthless: drop them, `catch_up` redoes them.
                self.db.execute("DROP TABLE IF EXISTS candidates")
                self.db.execute("DROP TABLE IF EXISTS episodes")
                for statement in SCHEMA:
                    self.db.execute(statement)
                self.db.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('version', ?)", (version,)
                )

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- the index's listener (bot/search/hooks.py) ----------------------------------------

    def sync_started(self, files: int) -> None:
        self._progress = (0, files)

    def episode_indexed(
        self, episode: Episode, fingerprint: str, passages: Sequence[Passage]
    ) -> None:
        with self._lock:
            self._begin_batch()
            self._write_episode(episode, fingerprint, passages)
            self._pending += 1
            if self._pending >= COMMIT_EVERY:
                self._commit_batch()
        if self._progress is not None:
            done, total = self._progress
            self._progress = (done + 1, total)
            if self.on_progress is not None:
                self.on_progress(done + 1, total)

    def episode_removed(self, episode_id: str) -> None:
        with self._lock:
            self._begin_batch()
            self._delete_episode(episode_id)

    def sync_finished(self) -> None:
        with self._lock:
            self._commit_batch()
        self._progress = None

    def _begin_batch(self) -> None:
        if not self.db.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")
            self._pending = 0

    def _commit_batch(self) -> None:
        if self.db.in_transaction:
            self.db.execute("COMMIT")
            self._commits += 1
        self._pending = 0

    # -- scoring ---------------------------------------------------------------------------

    def _write_episode(
        self, episode: Episode, fingerprint: str, passages: Sequence[Passage]
    ) -> None:
        self._delete_episode(episode.id)
        rows = []
        speakers: dict[str, Counter[str]] = {"guests": Counter(), "any": Counter()}
        guest_of: dict[str, bool] = {}
        for passage in passages:
            score, reasons = candidate_score(passage, "any")
            if score < MIN_SCORE:
                continue
            if passage.speaker not in guest_of:
                guest_of[passage.speaker] = is_guest(passage)
            # A publisher's soundbite is offered whoever speaks it, in both speaker modes.
            guest = guest_of[passage.speaker] or soundbite_of(passage) is not None
            rows.append(
                (
                    episode.id,
                    passage.ordinal,
                    score,
                    int(guest),
                    passage.speaker,
                    json.dumps(reasons),
                )
            )
            speakers["any"][passage.speaker] += 1
            if guest:
                speakers["guests"][passage.speaker] += 1
        self.db.executemany("INSERT INTO candidates VALUES (?, ?, ?, ?, ?, ?)", rows)
        self.db.execute(
            "INSERT INTO episodes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                episode.id,
                fingerprint,
                episode.date,
                sum(speakers["guests"].values()),
                sum(speakers["any"].values()),
                _main(speakers["guests"]),
                _main(speakers["any"]),
                datetime.now(UTC).isoformat(timespec="seconds"),
            ),
        )

    def _delete_episode(self, episode_id: str) -> None:
        self.db.execute("DELETE FROM candidates WHERE episode_id = ?", (episode_id,))
        self.db.execute("DELETE FROM episodes WHERE id = ?", (episode_id,))

    def stale_episodes(self, library: Library) -> tuple[list[str], list[str]]:
        """(episodes to score, episodes to forget), by fingerprint: no passage is read."""
        wanted = library.fingerprints()
        with self._lock:
            have = dict(self.db.execute("SELECT id, fingerprint FROM episodes"))
        missing = [eid for eid, fp in wanted.items() if have.get(eid) != fp]
        gone = [eid for eid in have if eid not in wanted]
        return sorted(missing), gone

    def catch_up(self, library: Library, progress: Progress | None = None) -> int:
        """Score the episodes the index has but this store lacks (or has from an older version
        of the transcript), forget the ones the index dropped; the number scored."""
        missing, gone = self.stale_episodes(library)
        if not missing and not gone:
            return 0
        started = time.perf_counter()
        if missing:
            log.info("scoring advice candidates of %d episode(s)", len(missing))
        wanted = library.fingerprints()
        with self._lock:
            self._begin_batch()
            try:
                for episode_id in gone:
                    self._delete_episode(episode_id)
                for done, episode_id in enumerate(missing, 1):
                    passages = library.episode_passages(episode_id)
                    self._write_episode(library.episode(episode_id), wanted[episode_id], passages)
                    self._pending += 1
                    if self._pending >= COMMIT_EVERY:
                        self._commit_batch()
                        self._begin_batch()
                    if progress is not None:
                        progress(done, len(missing))
            finally:
                self._commit_batch()
        if missing:
            log.info(
                "scored advice candidates of %d episode(s) in %.1f s",
                len(missing),
                time.perf_counter() - started,
            )
        return len(missing)

    # -- reading ---------------------------------------------------------------------------

    def summaries(self, speakers: str = "guests") -> list[EpisodeSummary]:
        """Every episode with at least one candidate in this mode, by id."""
        count, speaker = _mode_columns(speakers)
        with self._lock:
            rows = self.db.execute(
                f"SELECT id, {count}, {speaker}, date FROM episodes WHERE {count} > 0 ORDER BY id"
            ).fetchall()
        return [EpisodeSummary(eid, n, who, _date(day)) for eid, n, who, day in rows]

    def ranked(self, episode_id: str, speakers: str = "guests") -> list[StoredCandidate]:
        """One episode's candidates in this mode, in reading order."""
        guest_only = speakers == "guests"
        with self._lock:
            rows = self.db.execute(
                "SELECT ordinal, score, reasons, speaker FROM candidates"
                " WHERE episode_id = ? AND (guest = 1 OR ?) ORDER BY ordinal",
                (episode_id, int(not guest_only)),
            ).fetchall()
        return [
            StoredCandidate(f"{episode_id}:{ordinal}", score, tuple(json.loads(reasons)), who)
            for ordinal, score, reasons, who in rows
        ]

    def all(self, speakers: str = "guests") -> Iterator[StoredCandidate]:
        """Every candidate in this mode (for `advice --list`: this one does walk the pool)."""
        guest_only = speakers == "guests"
        with self._lock:
            rows = self.db.execute(
                "SELECT episode_id, ordinal, score, reasons, speaker FROM candidates"
                " WHERE guest = 1 OR ? ORDER BY episode_id, ordinal",
                (int(not guest_only),),
            ).fetchall()
        for episode_id, ordinal, score, reasons, who in rows:
            yield StoredCandidate(f"{episode_id}:{ordinal}", score, tuple(json.loads(reasons)), who)

    def generation(self) -> tuple[int, int]:
        """Changes whenever anyone commits to the store (this process or another): the pool
        re-reads its summaries then."""
        with self._lock:
            return self.db.execute("PRAGMA data_version").fetchone()[0], self._commits


def load_library(
    corpus: Path | str | None = None,
    index: Path | str | None = None,
    progress: Progress | None = None,
    search_observer: SearchObserver | None = None,
    full_check: bool = False,
) -> tuple[Library, CandidateStore]:
    """Open (or build) a corpus's index with its candidate store listening, so that every
    episode the sync (re)indexes is scored right there; `progress(done, total)` follows it."""
    corpus_path = Path(corpus).expanduser() if corpus else default_corpus()
    index_path = Path(index).expanduser() if index else default_index_path(corpus_path)
    try:
        store = CandidateStore.beside(index_path)
    except (sqlite3.Error, OSError) as exc:
        # Beside the index: the same one line as an index that cannot be written.
        raise LibraryUnavailable(index_unusable(index_path, exc)) from None
    store.on_progress = progress
    try:
        library = Library.load(
            corpus_path,
            index_path,
            search_observer=search_observer,
            listener=store,
            full_check=full_check,
        )
    except BaseException:
        store.close()
        raise
    finally:
        store.on_progress = None
    return library, store


def _mode_columns(speakers: str) -> tuple[str, str]:
    if speakers not in SPEAKER_MODES:
        raise ValueError(f"speakers must be one of {SPEAKER_MODES}")
    return (
        ("guest_count", "guest_speaker") if speakers == "guests" else ("any_count", "any_speaker")
    )


def _main(counts: Counter[str]) -> str:
    """The speaker with the most candidates (ties by name), or '' for none."""
    return min(counts, key=lambda name: (-counts[name], name)) if counts else ""


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None
