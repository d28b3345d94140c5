"""The SQLite FTS5 index of passages, kept in a cache file and refreshed per changed transcript."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import TranscriptError
from ..models import Episode, Passage, Transcript
from ..text import fold
from ..transcripts.corpus import transcript_files
from ..transcripts.formats import companions_of, format_of, parse_transcript
from ..transcripts.podcast_defaults import PodcastDefaults, load_podcast_defaults
from .passages import build_passages

log = logging.getLogger(__name__)

# Bump when parsing, passage building or the schema changes: every cache is then rebuilt.
INDEX_VERSION = "7"

SCHEMA = (
    """CREATE TABLE episodes (
        id TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        format TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        companions TEXT NOT NULL,
        digest TEXT NOT NULL,
        data TEXT NOT NULL
    )""",
    """CREATE TABLE failures (
        source TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        companions TEXT NOT NULL,
        digest TEXT NOT NULL,
        error_source TEXT NOT NULL,
        line INTEGER NOT NULL,
        message TEXT NOT NULL
    )""",
    """CREATE TABLE passages (
        id INTEGER PRIMARY KEY,
        episode_id TEXT NOT NULL,
        ordinal INTEGER NOT NULL,
        turn INTEGER NOT NULL,
        section TEXT NOT NULL,
        speaker TEXT NOT NULL,
        seconds INTEGER NOT NULL,
        text TEXT NOT NULL,
        UNIQUE (episode_id, ordinal)
    )""",
    # Per-episode tallies, so that a start with a built index reads a few thousand rows
    # instead of grouping every passage.
    """CREATE TABLE tallies (
        episode_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        passages INTEGER NOT NULL,
        PRIMARY KEY (episode_id, kind, name)
    )""",
    "CREATE INDEX passages_by_section ON passages(section)",
    "CREATE INDEX passages_by_speaker ON passages(speaker)",
    "CREATE TABLE vocabulary (word TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID",
    # speaker and episode_id are indexed so that filters narrow the match inside FTS5
    # (a column filter) instead of after scoring every match; bm25 gives them no weight.
    """CREATE VIRTUAL TABLE passages_fts USING fts5(
        text, section, speaker, episode_id,
        content='passages', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    # Distinct section titles, for the "query words in the section title" boost: asking this
    # small table is far cheaper than matching the section column of every passage.
    """CREATE VIRTUAL TABLE section_titles USING fts5(
        title, tokenize='porter unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
        INSERT INTO passages_fts(rowid, text, section, speaker, episode_id)
            VALUES (new.id, new.text, new.section, new.speaker, new.episode_id);
    END""",
    """CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN
        INSERT INTO passages_fts(passages_fts, rowid, text, section, speaker, episode_id)
            VALUES ('delete', old.id, old.text, old.section, old.speaker, old.episode_id);
    END""",
)
TABLES = (
    "passages_fts",
    "section_titles",
    "tallies",
    "passages",
    "episodes",
    "failures",
    "vocabulary",
)

# CROSS JOIN keeps FTS5 as the outer loop: otherwise SQLite may walk a filter's index and run
# the full-text match once per row, which is a hundred times slower.
FTS_FIRST_JOIN = "CROSS JOIN passages p ON p.id = f.rowid"
COUNT_CAP = 1000
PASSAGE_COLUMNS = "p.id, p.episode_id, p.ordinal, p.section, p.speaker, p.seconds, p.text"
VOCABULARY_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class SyncReport:
    """What refreshing the index did: files re-read, episodes dropped, files that failed."""

    parsed: int
    removed: int
    unchanged: int
    errors: tuple[TranscriptError, ...]
    seconds: float


class SearchIndex:
    """Owns the SQLite connection; every SQL statement of the core lives here."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._changed = False
        self._defaults = PodcastDefaults()
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # Adapters answer from worker threads; SQLite serialises access itself.
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA busy_timeout=30000")
        self._ensure_schema()

    def close(self) -> None:
        self.db.close()

    def _meta(self, key: str) -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else ""

    def _ensure_schema(self) -> None:
        # Read first: an index of the right version needs no write lock to open.
        with contextlib.suppress(sqlite3.OperationalError):
            if self._meta("version") == INDEX_VERSION:
                return
        with self.transaction():
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
            row = self.db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if row is not None and row[0] == INDEX_VERSION:
                return
            for table in TABLES:
                self.db.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in SCHEMA:
                self.db.execute(statement)
            self.db.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('version', ?)", (INDEX_VERSION,)
            )

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction, taken up front so that concurrent starters queue politely."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- keeping the index in step with the corpus ------------------------------------------

    def sync(self, corpus: Path) -> SyncReport:
        """Re-read the transcripts that changed since the last sync; drop the ones that went."""
        started = time.perf_counter()
        files = transcript_files(corpus)
        errors: list[TranscriptError] = []
        try:
            defaults = load_podcast_defaults(corpus)
        except TranscriptError as exc:
            errors.append(exc)
            defaults = PodcastDefaults()
        self._defaults = defaults
        # New podcast defaults change every episode's links: read everything again.
        stale = self._meta("podcast_defaults") != defaults.digest
        known = {
            row[0]: row[1:]
            for row in self.db.execute(
                "SELECT id, source, size, mtime_ns, companions, digest FROM episodes"
            )
        }
        failed = {
            row[0]: row[1:]
            for row in self.db.execute(
                "SELECT source, size, mtime_ns, companions, digest, error_source, line, message"
                " FROM failures"
            )
        }
        quick = self._report_if_unchanged(files, known, failed, stale, errors, started)
        if quick is not None:
            return quick
        parsed = unchanged = 0
        self._changed = False
        present: set[str] = set()
        with self.transaction():
            for episode_id, path in files:
                present.add(episode_id)
                source = str(path)
                stat = path.stat()
                # A transcript is read together with its sidecar and chapters: a change to
                # any of them (added, edited, removed) re-reads it.
                companions = companions_of(path)
                stamp = _companion_stamp(companions)
                signature = (source, stat.st_size, stat.st_mtime_ns, stamp)
                if not stale and episode_id in known and known[episode_id][:4] == signature:
                    unchanged += 1
                    continue
                if source in failed and failed[source][:3] == signature[1:]:
                    error_source, line, message = failed[source][4:]
                    errors.append(TranscriptError(error_source, line, message))
                    self._remove_episode(episode_id)
                    continue
                digest = _digest(path, companions)
                if (
                    not stale
                    and episode_id in known
                    and known[episode_id][0] == source
                    and known[episode_id][4] == digest
                ):
                    # Touched but not changed: remember the new stats, keep the rows.
                    self.db.execute(
                        "UPDATE episodes SET size = ?, mtime_ns = ?, companions = ? WHERE id = ?",
                        (stat.st_size, stat.st_mtime_ns, stamp, episode_id),
                    )
                    unchanged += 1
                    continue
                self._remove_episode(episode_id)
                try:
                    transcript = parse_transcript(path, episode_id)
                except TranscriptError as exc:
                    errors.append(exc)
                    self.db.execute(
                        "INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            source,
                            stat.st_size,
                            stat.st_mtime_ns,
                            stamp,
                            digest,
                            exc.source,
                            exc.line,
                            exc.message,
                        ),
                    )
                    continue
                self.db.execute("DELETE FROM failures WHERE source = ?", (source,))
                self._add_episode(transcript, format_of(path) or "", stat, stamp, digest)
                parsed += 1
            gone = [episode_id for episode_id in known if episode_id not in present]
            for episode_id in gone:
                self._remove_episode(episode_id)
            live_sources = {str(path) for _, path in files}
            for source in failed:
                if source not in live_sources:
                    self.db.execute("DELETE FROM failures WHERE source = ?", (source,))
            if stale:
                self.db.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('podcast_defaults', ?)",
                    (defaults.digest,),
                )
            if self._changed:
                self.db.execute("DELETE FROM section_titles")
                self.db.execute(
                    "INSERT INTO section_titles(title)"
                    " SELECT DISTINCT section FROM passages WHERE section != ''"
                )
        # Merging every FTS5 segment rewrites the whole index (seconds at 1,000 episodes): worth
        # it after a rebuild, not for a feed's new episode, whose small segment FTS5's automerge
        # folds in over time. Likewise a TRUNCATE checkpoint waits for every reader to finish.
        if self._changed and (parsed + len(gone)) * 10 >= len(files):
            self.db.execute("INSERT INTO passages_fts(passages_fts) VALUES ('optimize')")
            # A big rebuild leaves the whole index in the write-ahead log; fold it back.
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return SyncReport(
            parsed, len(gone), unchanged, tuple(errors), time.perf_counter() - started
        )

    def _report_if_unchanged(
        self,
        files: list[tuple[str, Path]],
        known: dict[str, tuple],
        failed: dict[str, tuple],
        stale: bool,
        errors: list[TranscriptError],
        started: float,
    ) -> SyncReport | None:
        """The report of a start where nothing changed, found without taking the write lock
        (a replica or a cron job starting while another process rebuilds need not wait)."""
        if stale or len(files) != len(known) + len(failed):
            return None
        still_broken: list[TranscriptError] = []
        for episode_id, path in files:
            stat = path.stat()
            stamp = _companion_stamp(companions_of(path))
            source = str(path)
            if known.get(episode_id, (None,))[:4] == (
                source,
                stat.st_size,
                stat.st_mtime_ns,
                stamp,
            ):
                continue
            if failed.get(source, (None,))[:3] == (stat.st_size, stat.st_mtime_ns, stamp):
                error_source, line, message = failed[source][4:]
                still_broken.append(TranscriptError(error_source, line, message))
                continue
            return None
        found = (*errors, *still_broken)
        return SyncReport(0, 0, len(known), found, time.perf_counter() - started)

    def _add_episode(
        self, transcript: Transcript, fmt: str, stat: os.stat_result, stamp: str, digest: str
    ) -> None:
        self._changed = True
        episode = self._defaults.apply(transcript.episode)
        transcript = replace(transcript, episode=episode)
        self.db.execute(
            "INSERT INTO episodes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                episode.id,
                episode.source,
                fmt,
                stat.st_size,
                stat.st_mtime_ns,
                stamp,
                digest,
                json.dumps(_episode_record(episode), default=str),
            ),
        )
        drafts = build_passages(transcript)
        self.db.executemany(
            "INSERT INTO passages(episode_id, ordinal, turn, section, speaker, seconds, text)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (episode.id, d.ordinal, d.turn, d.section, d.speaker, d.seconds, d.text)
                for d in drafts
            ],
        )
        self._count_words((d.text for d in drafts), +1)
        tallies: Counter[tuple[str, str]] = Counter()
        for draft in drafts:
            tallies["speaker", draft.speaker] += 1
            tallies["section", draft.section] += 1
        self.db.executemany(
            "INSERT INTO tallies VALUES (?, ?, ?, ?)",
            [(episode.id, kind, name, count) for (kind, name), count in tallies.items()],
        )

    def _remove_episode(self, episode_id: str) -> None:
        texts = [
            row[0]
            for row in self.db.execute(
                "SELECT text FROM passages WHERE episode_id = ?", (episode_id,)
            )
        ]
        if texts:
            self._changed = True
            self._count_words(texts, -1)
        self.db.execute("DELETE FROM passages WHERE episode_id = ?", (episode_id,))
        self.db.execute("DELETE FROM tallies WHERE episode_id = ?", (episode_id,))
        self.db.execute("DELETE FROM episodes WHERE id = ?", (episode_id,))

    def _count_words(self, texts: Iterable[str], sign: int) -> None:
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(VOCABULARY_WORD.findall(fold(text)))
        self.db.executemany(
            "INSERT INTO vocabulary(word, count) VALUES (?, ?)"
            " ON CONFLICT(word) DO UPDATE SET count = count + excluded.count",
            [(word, sign * count) for word, count in counts.items()],
        )
        if sign < 0:
            self.db.execute("DELETE FROM vocabulary WHERE count <= 0")

    # -- reading ------------------------------------------------------------------------------

    def episodes(self) -> list[Episode]:
        """Every indexed episode, by date then id."""
        rows = self.db.execute("SELECT data FROM episodes").fetchall()
        episodes = [_episode_from_record(json.loads(row[0])) for row in rows]
        return sorted(episodes, key=lambda e: (e.date or "", e.id))

    def speaker_counts(self) -> list[tuple[str, int]]:
        return self.db.execute(
            "SELECT name, sum(passages) FROM tallies WHERE kind = 'speaker'"
            " GROUP BY name ORDER BY name"
        ).fetchall()

    def section_counts(self) -> list[tuple[str, str, int]]:
        return self.db.execute(
            "SELECT episode_id, name, passages FROM tallies WHERE kind = 'section'"
        ).fetchall()

    def vocabulary(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT word, count FROM vocabulary"))

    def matches_any(self, expression: str) -> bool:
        """Whether an FTS5 expression (already sanitised) matches at least one passage."""
        row = self.db.execute(
            "SELECT 1 FROM passages_fts WHERE passages_fts MATCH ? LIMIT 1", (expression,)
        ).fetchone()
        return row is not None

    def ranked(
        self,
        expression: str,
        limit: int,
        where: str = "",
        params: Sequence[object] = (),
        section_weight: float = 2.0,
    ) -> list[tuple[int, float]]:
        """(passage id, bm25 score, higher is better) for the best `limit` matches."""
        join = FTS_FIRST_JOIN if where else ""
        sql = (
            f"SELECT f.rowid, -bm25(passages_fts, 1.0, ?, 0, 0) AS score FROM passages_fts f"
            f" {join} WHERE passages_fts MATCH ? {('AND ' + where) if where else ''}"
            " ORDER BY bm25(passages_fts, 1.0, ?, 0, 0) LIMIT ?"
        )
        return self.db.execute(
            sql, (section_weight, expression, *params, section_weight, limit)
        ).fetchall()

    def count(
        self, expression: str, where: str = "", params: Sequence[object] = (), cap: int = COUNT_CAP
    ) -> int:
        """How many passages match, counted up to `cap`: counting every match of a common word
        costs as much as ranking them, and "1 of 1000+" says enough."""
        join = FTS_FIRST_JOIN if where else ""
        sql = (
            f"SELECT count(*) FROM (SELECT 1 FROM passages_fts f {join}"
            f" WHERE passages_fts MATCH ? {('AND ' + where) if where else ''} LIMIT ?)"
        )
        return self.db.execute(sql, (expression, *params, cap)).fetchone()[0]

    def matching_sections(self, expression: str) -> set[str]:
        """Section titles that match an FTS5 expression."""
        rows = self.db.execute(
            "SELECT title FROM section_titles WHERE section_titles MATCH ?", (expression,)
        )
        return {row[0] for row in rows}

    def highlighted(self, expression: str, ids: Sequence[int]) -> dict[int, str]:
        """Passage text with \x01 … \x02 around the tokens FTS5 matched, for each of `ids`."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            "SELECT rowid, highlight(passages_fts, 0, char(1), char(2)) FROM passages_fts"
            f" WHERE passages_fts MATCH ? AND rowid IN ({marks})",
            (expression, *ids),
        )
        return dict(rows.fetchall())

    def filtered(self, where: str, params: Sequence[object], limit: int, offset: int) -> list[int]:
        """Passage ids in reading order that pass the filters (a query of filters only)."""
        rows = self.db.execute(
            f"SELECT p.id FROM passages p WHERE {where or '1'}"
            " ORDER BY p.episode_id, p.ordinal LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [row[0] for row in rows]

    def count_filtered(self, where: str, params: Sequence[object]) -> int:
        return self.db.execute(
            f"SELECT count(*) FROM passages p WHERE {where or '1'}", tuple(params)
        ).fetchone()[0]

    def passing(self, ids: Sequence[int], where: str, params: Sequence[object]) -> set[int]:
        """Which of `ids` pass a filter (SQL over the passages table, alias `p`)."""
        if not ids:
            return set()
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"SELECT p.id FROM passages p WHERE p.id IN ({marks}) AND {where}",
            (*ids, *params),
        )
        return {row[0] for row in rows}

    def passage_rows(self, ids: Sequence[int]) -> dict[int, tuple]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"SELECT {PASSAGE_COLUMNS} FROM passages p WHERE p.id IN ({marks})", tuple(ids)
        )
        return {row[0]: row for row in rows}

    def passage_row_at(self, episode_id: str, ordinal: int) -> tuple | None:
        return self.db.execute(
            f"SELECT {PASSAGE_COLUMNS} FROM passages p WHERE p.episode_id = ? AND p.ordinal = ?",
            (episode_id, ordinal),
        ).fetchone()

    def neighbour_rows(self, episode_id: str, first: int, last: int) -> list[tuple]:
        return self.db.execute(
            f"SELECT {PASSAGE_COLUMNS} FROM passages p"
            " WHERE p.episode_id = ? AND p.ordinal BETWEEN ? AND ? ORDER BY p.ordinal",
            (episode_id, first, last),
        ).fetchall()

    def passage_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM passages").fetchone()[0]

    def passage_row_by_rank(self, position: int) -> tuple | None:
        return self.db.execute(
            f"SELECT {PASSAGE_COLUMNS} FROM passages p ORDER BY p.id LIMIT 1 OFFSET ?",
            (position,),
        ).fetchone()

    def all_passage_rows(self) -> Iterator[tuple]:
        yield from self.db.execute(
            f"SELECT {PASSAGE_COLUMNS} FROM passages p ORDER BY p.episode_id, p.ordinal"
        )


def _companion_stamp(companions: Sequence[tuple[str, Path]]) -> str:
    """Which companions a transcript has, with their sizes and mtimes (cheap to compare)."""
    stamps = []
    for kind, path in companions:
        stat = path.stat()
        stamps.append([kind, path.name, stat.st_size, stat.st_mtime_ns])
    return json.dumps(stamps)


def _digest(path: Path, companions: Sequence[tuple[str, Path]]) -> str:
    """A digest of the transcript's content and its companions' (kind, name, content)."""
    digest = hashlib.blake2b(path.read_bytes(), digest_size=16)
    for kind, companion in companions:
        digest.update(f"\0{kind}\0{companion.name}\0".encode())
        digest.update(companion.read_bytes())
    return digest.hexdigest()


def passage_from_row(row: tuple, episodes: dict[str, Episode]) -> Passage:
    """A Passage from a row of PASSAGE_COLUMNS."""
    _, episode_id, ordinal, section, speaker, seconds, text = row
    return Passage(
        key=f"{episode_id}:{ordinal}",
        episode=episodes[episode_id],
        ordinal=ordinal,
        section=section,
        speaker=speaker,
        seconds=seconds,
        text=text,
    )


def _episode_record(episode: Episode) -> dict:
    return {
        "id": episode.id,
        "title": episode.title,
        "podcast": episode.podcast,
        "date": episode.date,
        "url": episode.url,
        "source": episode.source,
        "metadata": episode.metadata,
        "sections": list(episode.sections),
        "speakers": list(episode.speakers),
    }


def _episode_from_record(record: dict) -> Episode:
    return Episode(
        id=record["id"],
        title=record["title"],
        podcast=record["podcast"],
        date=record["date"],
        url=record["url"],
        source=record["source"],
        metadata=record["metadata"],
        sections=tuple(record["sections"]),
        speakers=tuple(record["speakers"]),
    )
