"""The SQLite file behind the index: episodes, passages, tallies, vocabulary and what was seen.

Passages are read from here by id (hits, context, keys carried by chat buttons); the full-text
index beside it only finds their ids.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ..models import Episode
from .analysis import vocabulary_of, words_of
from .passages import PassageDraft
from .records import PASSAGE_COLUMNS, episode_from_record, episode_record

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
    # Ids are given by the store (not SQLite) so that the full-text index can be fed in the
    # same pass.
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
    "CREATE TABLE vocabulary (word TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID",
    # Passages per speaker, section title and episode over the whole index.
    """CREATE TABLE totals (
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        passages INTEGER NOT NULL,
        PRIMARY KEY (kind, name)
    ) WITHOUT ROWID""",
    # What tells two files of one episode apart from two episodes (see transcripts/identity.py).
    """CREATE TABLE episode_keys (
        key TEXT NOT NULL,
        episode_id TEXT NOT NULL,
        PRIMARY KEY (key, episode_id)
    )""",
    "CREATE INDEX episode_keys_by_episode ON episode_keys(episode_id)",
    # Files not served because another file holds the same episode (`original`, by `key`).
    """CREATE TABLE duplicates (
        source TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        companions TEXT NOT NULL,
        original TEXT NOT NULL,
        key TEXT NOT NULL
    )""",
    # Every folder of the corpus with its modification time when last looked at: a start
    # compares these few stamps instead of every file (see freshness.py).
    """CREATE TABLE folders (
        path TEXT PRIMARY KEY,
        mtime_ns INTEGER NOT NULL,
        seen_ns INTEGER NOT NULL
    ) WITHOUT ROWID""",
)


class PassageStore:
    """Owns the SQLite connection; every SQL statement of the index lives here."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # Adapters answer from worker threads; SQLite serialises access itself.
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA busy_timeout=30000")
        self._next_id = 0
        # Vocabulary changes of the open transaction, written at its end.
        self._words: Counter[str] = Counter()

    def close(self) -> None:
        self.db.close()

    # -- schema and meta ----------------------------------------------------------------------

    def meta(self, key: str) -> str:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:
            return ""
        return row[0] if row else ""

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def ensure_schema(self, version: str) -> bool:
        """Create the tables for `version`, dropping an older layout; True when it did."""
        # Read first: an index of the right version needs no write lock to open.
        if self.meta("version") == version:
            return False
        with self.transaction():
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
            if self.meta("version") == version:
                return False
            # Tables of older versions go with the rest; virtual (FTS5) tables first, which
            # takes their shadow tables along.
            old = self.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'meta'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY sql NOT LIKE 'CREATE VIRTUAL%'"
            ).fetchall()
            for (table,) in old:
                with contextlib.suppress(sqlite3.OperationalError):
                    self.db.execute(f'DROP TABLE IF EXISTS "{table}"')
            self.db.execute("DELETE FROM meta")
            for statement in SCHEMA:
                self.db.execute(statement)
            self.set_meta("version", version)
        self.db.execute("VACUUM")
        return True

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction, taken up front so that concurrent starters queue politely."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self._next_id = (
                self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM passages").fetchone()[0]
                if self._has_table("passages")
                else 1
            )
            self._words.clear()
            yield
            self._save_words()
        except BaseException:
            self._words.clear()
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _has_table(self, name: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        return row is not None

    # -- what was seen on disk ----------------------------------------------------------------

    def known_episodes(self) -> dict[str, tuple]:
        """episode id -> (source, size, mtime_ns, companions, digest)."""
        return {
            row[0]: row[1:]
            for row in self.db.execute(
                "SELECT id, source, size, mtime_ns, companions, digest FROM episodes"
            )
        }

    def digests(self) -> list[tuple[str, str]]:
        """(episode id, content digest) of every stored episode."""
        return self.db.execute("SELECT id, digest FROM episodes").fetchall()

    def failures(self) -> dict[str, tuple]:
        """source -> (size, mtime_ns, companions, digest, error source, line, message)."""
        return {
            row[0]: row[1:]
            for row in self.db.execute(
                "SELECT source, size, mtime_ns, companions, digest, error_source, line, message"
                " FROM failures"
            )
        }

    def record_failure(self, source: str, signature: tuple, error: tuple) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (source, *signature, *error),
        )

    def forget_failure(self, source: str) -> None:
        self.db.execute("DELETE FROM failures WHERE source = ?", (source,))

    def duplicates(self) -> dict[str, tuple]:
        """source -> (size, mtime_ns, companions, original, key) of files not served because
        another file holds the same episode."""
        return {
            row[0]: row[1:]
            for row in self.db.execute(
                "SELECT source, size, mtime_ns, companions, original, key FROM duplicates"
            )
        }

    def record_duplicate(self, source: str, signature: tuple, original: str, key: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO duplicates VALUES (?, ?, ?, ?, ?, ?)",
            (source, *signature[:3], original, key),
        )

    def forget_duplicate(self, source: str) -> None:
        self.db.execute("DELETE FROM duplicates WHERE source = ?", (source,))

    def holders_of(self, keys: Sequence[str]) -> list[tuple[str, str, str]]:
        """(key, episode id, source) of the stored episodes sharing one of `keys`."""
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        return self.db.execute(
            f"SELECT k.key, e.id, e.source FROM episode_keys k JOIN episodes e"
            f" ON e.id = k.episode_id WHERE k.key IN ({marks})",
            tuple(keys),
        ).fetchall()

    def serves(self, source: str, key: str) -> bool:
        """Whether the episode stored from `source` still has `key`."""
        row = self.db.execute(
            "SELECT 1 FROM episode_keys k JOIN episodes e ON e.id = k.episode_id"
            " WHERE k.key = ? AND e.source = ?",
            (key, source),
        ).fetchone()
        return row is not None

    def episode_signature(self, episode_id: str) -> tuple | None:
        """(source, size, mtime_ns, companions) of a stored episode."""
        return self.db.execute(
            "SELECT source, size, mtime_ns, companions FROM episodes WHERE id = ?",
            (episode_id,),
        ).fetchone()

    def touch_episode(self, episode_id: str, size: int, mtime_ns: int, companions: str) -> None:
        """Touched but not changed: remember the new stats, keep the rows."""
        self.db.execute(
            "UPDATE episodes SET size = ?, mtime_ns = ?, companions = ? WHERE id = ?",
            (size, mtime_ns, companions, episode_id),
        )

    def folders(self) -> dict[str, tuple[int, int]]:
        """folder -> (mtime_ns, seen_ns) as last recorded."""
        return {row[0]: (row[1], row[2]) for row in self.db.execute("SELECT * FROM folders")}

    def replace_folders(self, stamps: dict[str, tuple[int, int]]) -> None:
        self.db.execute("DELETE FROM folders")
        self.db.executemany(
            "INSERT INTO folders VALUES (?, ?, ?)",
            [(path, mtime, seen) for path, (mtime, seen) in stamps.items()],
        )

    # -- episodes and passages ----------------------------------------------------------------

    def add_episode(
        self,
        episode: Episode,
        fmt: str,
        signature: tuple,
        drafts: Sequence[PassageDraft],
        vocabulary: dict[str, int],
        keys: Sequence[str] = (),
    ) -> list[int]:
        """Store an episode, its passages, its word counts and its identity keys; returns the
        passage ids, in draft order."""
        size, mtime_ns, companions, digest = signature
        self.db.executemany(
            "INSERT OR IGNORE INTO episode_keys VALUES (?, ?)", [(key, episode.id) for key in keys]
        )
        self.db.execute(
            "INSERT INTO episodes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                episode.id,
                episode.source,
                fmt,
                size,
                mtime_ns,
                companions,
                digest,
                json.dumps(episode_record(episode), default=str),
            ),
        )
        first = self._next_id
        self._next_id += len(drafts)
        ids = list(range(first, self._next_id))
        self.db.executemany(
            "INSERT INTO passages(id, episode_id, ordinal, turn, section, speaker, seconds, text)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (pid, episode.id, d.ordinal, d.turn, d.section, d.speaker, d.seconds, d.text)
                for pid, d in zip(ids, drafts, strict=True)
            ],
        )
        self._words.update(vocabulary)
        tallies: Counter[tuple[str, str]] = Counter()
        for draft in drafts:
            tallies["speaker", draft.speaker] += 1
            tallies["section", draft.section] += 1
        self.db.executemany(
            "INSERT INTO tallies VALUES (?, ?, ?, ?)",
            [(episode.id, kind, name, count) for (kind, name), count in tallies.items()],
        )
        return ids

    def remove_episode(self, episode_id: str) -> bool:
        """Drop an episode and its passages; True when it had any."""
        texts = [
            row[0]
            for row in self.db.execute(
                "SELECT text FROM passages WHERE episode_id = ?", (episode_id,)
            )
        ]
        if texts:
            counts: Counter[str] = Counter()
            for text in texts:
                counts.update(words_of(text))
            self._words.subtract(vocabulary_of(counts))
        self.db.execute("DELETE FROM passages WHERE episode_id = ?", (episode_id,))
        self.db.execute("DELETE FROM tallies WHERE episode_id = ?", (episode_id,))
        self.db.execute("DELETE FROM episode_keys WHERE episode_id = ?", (episode_id,))
        self.db.execute("DELETE FROM episodes WHERE id = ?", (episode_id,))
        return bool(texts)

    def _save_words(self) -> None:
        """Write the word counts gathered in this transaction: once, not per episode (a
        thousand episodes share most of their words)."""
        changes = [(word, n) for word, n in self._words.items() if n]
        self._words.clear()
        if not changes:
            return
        self.db.executemany(
            "INSERT INTO vocabulary(word, count) VALUES (?, ?)"
            " ON CONFLICT(word) DO UPDATE SET count = count + excluded.count",
            changes,
        )
        if any(n < 0 for _, n in changes):
            self.db.execute("DELETE FROM vocabulary WHERE count <= 0")

    # -- reading ------------------------------------------------------------------------------

    def episodes(self) -> list[Episode]:
        """Every stored episode, by date then id."""
        rows = self.db.execute("SELECT data FROM episodes").fetchall()
        episodes = [episode_from_record(json.loads(row[0])) for row in rows]
        return sorted(episodes, key=lambda e: (e.date or "", e.id))

    def episode_ids(self) -> list[str]:
        """Every stored episode id, by date then id."""
        rows = self.db.execute(
            "SELECT id FROM episodes ORDER BY coalesce(json_extract(data, '$.date'), ''), id"
        )
        return [row[0] for row in rows]

    def episode(self, episode_id: str) -> Episode:
        row = self.db.execute("SELECT data FROM episodes WHERE id = ?", (episode_id,)).fetchone()
        if row is None:
            raise KeyError(episode_id)
        return episode_from_record(json.loads(row[0]))

    def episode_titles(self) -> list[tuple[str, str]]:
        """(id, title) of every episode, by date then id (JSON read inside SQLite)."""
        return self.db.execute(
            "SELECT id, json_extract(data, '$.title') FROM episodes"
            " ORDER BY coalesce(json_extract(data, '$.date'), ''), id"
        ).fetchall()

    def totals(self, kind: str) -> list[tuple[str, int]]:
        """(name, passages) per speaker, section title or episode, summed at indexing."""
        return self.db.execute(
            "SELECT name, passages FROM totals WHERE kind = ? ORDER BY name", (kind,)
        ).fetchall()

    def refresh_totals(self) -> None:
        """Sum the per-episode tallies once, at indexing, so that a start reads a few rows."""
        self.db.execute("DELETE FROM totals")
        self.db.execute(
            "INSERT INTO totals SELECT kind, name, sum(passages) FROM tallies GROUP BY kind, name"
        )
        self.db.execute(
            "INSERT INTO totals SELECT 'episode', episode_id, sum(passages) FROM tallies"
            " WHERE kind = 'section' GROUP BY episode_id"
        )

    def speaker_counts(self) -> list[tuple[str, int]]:
        return self.totals("speaker")

    def section_counts(self) -> list[tuple[str, str, int]]:
        return self.db.execute(
            "SELECT episode_id, name, passages FROM tallies WHERE kind = 'section'"
        ).fetchall()

    def vocabulary(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT word, count FROM vocabulary"))

    def has_word(self, word: str) -> bool:
        """Whether `word` (folded) is in the vocabulary."""
        row = self.db.execute("SELECT 1 FROM vocabulary WHERE word = ?", (word,)).fetchone()
        return row is not None

    def completion(self, prefix: str) -> str | None:
        """The most frequent vocabulary word starting with `prefix` (folded), or None.

        A range over the vocabulary's primary key: it reads only the words with the prefix.
        """
        row = self.db.execute(
            "SELECT word FROM vocabulary WHERE word >= ? AND word < ? "
            "ORDER BY count DESC, word LIMIT 1",
            (prefix, prefix + "\U0010ffff"),
        ).fetchone()
        return row[0] if row else None

    def passage_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM passages").fetchone()[0]

    def id_range(self) -> tuple[int, int]:
        """The smallest and largest passage id (0, 0 when empty); cheap on the rowid."""
        low, high = self.db.execute("SELECT min(id), max(id) FROM passages").fetchone()
        return (low or 0, high or 0)

    def passage_row_from(self, first_id: int) -> tuple | None:
        """The passage with the smallest id at or after `first_id`."""
        return self.db.execute(
            f"SELECT {PASSAGE_COLUMNS} FROM passages p WHERE p.id >= ? ORDER BY p.id LIMIT 1",
            (first_id,),
        ).fetchone()

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

    def all_passage_rows(self, order: str = "p.episode_id, p.ordinal") -> Iterator[tuple]:
        yield from self.db.execute(f"SELECT {PASSAGE_COLUMNS} FROM passages p ORDER BY {order}")
