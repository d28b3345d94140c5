"""The feed registry and poll state in the database (SQLite, or PostgreSQL for replicas).

A poll is claimed before it runs: `UPDATE … WHERE claim_until < now` succeeds for exactly one
replica, which then holds the feed for `lease` seconds (a crashed replica's claim runs out),
and `next_poll_at` keeps the others off it until the next interval.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ..store import MIGRATIONS, Database, default_database_url
from .errors import FeedError
from .storage import digest

# Transcript status of an episode. The transcription wing sets queued/running/done/failed.
FETCHED, NONE, FAILED = "fetched", "none", "failed"
QUEUED, RUNNING, TRANSCRIBED, TRANSCRIBE_FAILED = (
    "queued",
    "running",
    "transcribed",
    "transcription failed",
)
TRANSCRIBE_STATUSES = (QUEUED, RUNNING, TRANSCRIBED, TRANSCRIBE_FAILED)


@dataclass(frozen=True)
class FeedRecord:
    """A followed feed and where its polling stands."""

    name: str
    url: str
    origin: str = "cli"
    transcribe: bool = False
    title: str = ""
    added_at: int = 0
    etag: str | None = None
    last_modified: str | None = None
    feed_digest: str | None = None
    last_poll_at: int | None = None
    last_success_at: int | None = None
    last_error: str | None = None
    next_poll_at: int = 0
    claimed_by: str = ""
    claim_until: int = 0
    changed_at: int = 0


@dataclass(frozen=True)
class EpisodeRecord:
    """One item of a feed as last polled."""

    feed: str
    guid: str
    stem: str
    title: str
    published: str | None = None
    in_feed: bool = True
    links_digest: str = ""
    transcript_url: str | None = None
    transcript_type: str | None = None
    transcript_file: str | None = None
    transcript_status: str = NONE
    files: dict[str, str] = field(default_factory=dict)  # name -> SHA-256 the poll wrote
    stamps: dict[str, int] = field(default_factory=dict)  # name -> mtime_ns after writing
    hand_edited: tuple[str, ...] = ()
    error: str | None = None
    note: str | None = None
    updated_at: int = 0


@dataclass(frozen=True)
class FeedSummary:
    """What `feeds list` shows per feed."""

    feed: FeedRecord
    episodes: int
    transcripts: int
    hand_edited: int
    failing: int
    statuses: dict[str, int]


FEED_COLUMNS = tuple(f.name for f in fields(FeedRecord))
EPISODE_COLUMNS = tuple(f.name for f in fields(EpisodeRecord))


class FeedStore:
    """Every SQL statement about feeds."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @classmethod
    def open(cls, url: str | None = None) -> FeedStore:
        """Connect (default: a SQLite file in the user's data folder) and migrate the schema."""
        db = Database(url or default_database_url())
        db.migrate(MIGRATIONS)
        return cls(db)

    def close(self) -> None:
        self.db.close()

    # -- the registry ------------------------------------------------------------------------

    def add(
        self,
        name: str,
        url: str,
        origin: str = "cli",
        transcribe: bool = False,
        now: int | None = None,
    ) -> FeedRecord:
        """Register a feed; FeedError when the name or the URL is already followed."""
        with self.db.transaction():
            for column, value in (("name", name), ("url", url)):
                row = self.db.fetchone(f"SELECT name FROM feeds WHERE {column} = ?", (value,))
                if row is not None:
                    raise FeedError(
                        f"a feed named {row[0]} already follows {url}"
                        if column == "url"
                        else f"there is already a feed named {name}: choose another --name"
                    )
            self.db.execute(
                "INSERT INTO feeds (name, url, origin, transcribe, added_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (name, url, origin, int(transcribe), _now(now)),
            )
        record = self.get(name)
        if record is None:  # written just above, in the same transaction
            raise RuntimeError("the feed record vanished while it was being written")
        return record

    def remove(self, name: str) -> bool:
        with self.db.transaction():
            self.db.execute("DELETE FROM feed_episodes WHERE feed = ?", (name,))
            return self.db.execute("DELETE FROM feeds WHERE name = ?", (name,)) > 0

    def get(self, name: str) -> FeedRecord | None:
        row = self.db.fetchone(
            f"SELECT {', '.join(FEED_COLUMNS)} FROM feeds WHERE name = ?", (name,)
        )
        return _feed(row) if row else None

    def all(self) -> list[FeedRecord]:
        rows = self.db.fetchall(f"SELECT {', '.join(FEED_COLUMNS)} FROM feeds ORDER BY name")
        return [_feed(row) for row in rows]

    def sync_config(self, entries: list[dict[str, Any]], now: int | None = None) -> None:
        """Make the `feeds:` list of the config file the set of config feeds: add new ones,
        update their URL or `transcribe`, and drop those no longer listed (files stay)."""
        wanted = {entry["name"]: entry for entry in entries}
        with self.db.transaction():
            added = self.db.fetchall("SELECT name, url FROM feeds WHERE origin != 'config'")
            for name, wanted_entry in wanted.items():
                for other, url in added:
                    if other == name or url == wanted_entry["url"]:
                        raise FeedError(
                            f"QUOTEBOT_FEEDS: {name} ({wanted_entry['url']}) is already followed "
                            f"as {other}, added with `quotebot feeds add`: remove one of the two"
                        )
            rows = self.db.fetchall(
                "SELECT name, url, transcribe FROM feeds WHERE origin = 'config'"
            )
            for name, url, transcribe in rows:
                entry = wanted.get(name)
                if entry is None:
                    self.db.execute("DELETE FROM feed_episodes WHERE feed = ?", (name,))
                    self.db.execute("DELETE FROM feeds WHERE name = ?", (name,))
                elif (entry["url"], int(entry["transcribe"])) != (url, transcribe):
                    self.db.execute(
                        "UPDATE feeds SET url = ?, transcribe = ?, etag = NULL,"
                        " last_modified = NULL, feed_digest = NULL WHERE name = ?",
                        (entry["url"], int(entry["transcribe"]), name),
                    )
            known = {row[0] for row in self.db.fetchall("SELECT name FROM feeds")}
            for name, entry in wanted.items():
                if name not in known:
                    self.db.execute(
                        "INSERT INTO feeds (name, url, origin, transcribe, added_at)"
                        " VALUES (?, ?, 'config', ?, ?) ON CONFLICT DO NOTHING",
                        (name, entry["url"], int(entry["transcribe"]), _now(now)),
                    )

    # -- claims ------------------------------------------------------------------------------

    def claim(
        self,
        name: str,
        replica: str,
        lease: int,
        now: int | None = None,
        due_only: bool = True,
        polled_before: int | None = None,
    ) -> bool:
        """Take the feed for one poll; False when another replica holds it (or, with
        `due_only`, when it is neither due nor last polled before `polled_before`)."""
        moment = _now(now)
        due, params = _due_clause(moment, polled_before) if due_only else ("1 = 1", ())
        changed = self.db.execute(
            "UPDATE feeds SET claimed_by = ?, claim_until = ?"
            f" WHERE name = ? AND claim_until < ? AND {due}",
            (replica, moment + lease, name, moment, *params),
        )
        return changed == 1

    def due(self, now: int | None = None, polled_before: int | None = None) -> list[str]:
        """Feeds due for a poll (or last polled before `polled_before`) and not claimed."""
        moment = _now(now)
        due, params = _due_clause(moment, polled_before)
        rows = self.db.fetchall(
            f"SELECT name FROM feeds WHERE claim_until < ? AND {due} ORDER BY name",
            (moment, *params),
        )
        return [row[0] for row in rows]

    def finish(self, name: str, replica: str, next_poll_at: int, **values: Any) -> None:
        """Record a poll's outcome and release the claim (only if this replica still holds it)."""
        assignments = ", ".join(f"{key} = ?" for key in values)
        extra = f", {assignments}" if assignments else ""
        self.db.execute(
            f"UPDATE feeds SET claimed_by = '', claim_until = 0, next_poll_at = ?{extra}"
            " WHERE name = ? AND claimed_by = ?",
            (next_poll_at, *values.values(), name, replica),
        )

    def generation(self) -> str:
        """Changes when any poll wrote files: replicas compare it to know when to re-read."""
        row = self.db.fetchone("SELECT MAX(changed_at), SUM(changed_at), COUNT(*) FROM feeds")
        return ":".join(str(value or 0) for value in row) if row else ""

    # -- episodes ----------------------------------------------------------------------------

    def episodes(self, feed: str) -> dict[str, EpisodeRecord]:
        rows = self.db.fetchall(
            f"SELECT {', '.join(EPISODE_COLUMNS)} FROM feed_episodes WHERE feed = ?", (feed,)
        )
        return {row[1]: _episode(row) for row in rows}

    def has_failing_episodes(self, feed: str) -> bool:
        row = self.db.fetchone(
            "SELECT 1 FROM feed_episodes WHERE feed = ? AND in_feed = 1 AND error IS NOT NULL"
            " LIMIT 1",
            (feed,),
        )
        return row is not None

    def save_episodes(self, records: list[EpisodeRecord]) -> None:
        placeholders = ", ".join("?" * len(EPISODE_COLUMNS))
        updates = ", ".join(f"{c} = excluded.{c}" for c in EPISODE_COLUMNS[2:])
        with self.db.transaction():
            for record in records:
                self.db.execute(
                    f"INSERT INTO feed_episodes ({', '.join(EPISODE_COLUMNS)})"
                    f" VALUES ({placeholders}) ON CONFLICT (feed, guid) DO UPDATE SET {updates}",
                    _episode_row(record),
                )

    def mark_gone(self, feed: str, present: set[str]) -> int:
        """Items no longer in the feed stay (and stay searchable); they are flagged."""
        gone = [guid for guid in self.episodes(feed) if guid not in present]
        with self.db.transaction():
            for guid in gone:
                self.db.execute(
                    "UPDATE feed_episodes SET in_feed = 0 WHERE feed = ? AND guid = ?",
                    (feed, guid),
                )
        return len(gone)

    def episode(self, feed: str, guid: str) -> EpisodeRecord | None:
        row = self.db.fetchone(
            f"SELECT {', '.join(EPISODE_COLUMNS)} FROM feed_episodes WHERE feed = ? AND guid = ?",
            (feed, guid),
        )
        return _episode(row) if row else None

    def set_transcript_status(
        self,
        feed: str,
        guid: str,
        status: str,
        detail: str | None = None,
        file: Path | None = None,
    ) -> None:
        """For the transcription wing: `queued`, `running`, `transcribed` or `transcription
        failed`, with a detail for `feeds list` (e.g. why it failed).

        `file` is the transcript it wrote (next to the episode's sidecar): recorded as the
        episode's transcript, so that a later hand edit of it is kept, and a transcript the
        feed publishes later replaces it (unless edited).
        """
        if status not in TRANSCRIBE_STATUSES:
            raise ValueError(f"unknown transcript status {status!r}")
        record = self.episode(feed, guid)
        if record is None:
            raise FeedError(f"feed {feed} has no episode {guid}")
        files, stamps, name = dict(record.files), dict(record.stamps), record.transcript_file
        if file is not None:
            name = file.name
            files[name] = digest(file.read_bytes())
            stamps[name] = file.stat().st_mtime_ns
        updated = replace(
            record,
            transcript_status=status,
            note=detail,
            transcript_file=name,
            files=files,
            stamps=stamps,
            updated_at=_now(None),
        )
        self.save_episodes([updated])

    def summaries(self) -> list[FeedSummary]:
        """Per feed: counts by SQL aggregate, so `feeds list` reads no episode rows."""
        totals = {
            row[0]: row[1:]
            for row in self.db.fetchall(
                "SELECT feed, COUNT(*),"
                " SUM(CASE WHEN transcript_file IS NOT NULL THEN 1 ELSE 0 END),"
                " SUM(CASE WHEN hand_edited != '' THEN 1 ELSE 0 END),"
                " SUM(CASE WHEN error IS NOT NULL THEN 1 ELSE 0 END)"
                " FROM feed_episodes GROUP BY feed"
            )
        }
        statuses: dict[str, dict[str, int]] = {}
        for feed, status, count in self.db.fetchall(
            "SELECT feed, transcript_status, COUNT(*) FROM feed_episodes"
            " GROUP BY feed, transcript_status"
        ):
            statuses.setdefault(feed, {})[status] = int(count)
        result = []
        for feed in self.all():
            episodes, transcripts, edited, failing = totals.get(feed.name, (0, 0, 0, 0))
            result.append(
                FeedSummary(
                    feed,
                    int(episodes or 0),
                    int(transcripts or 0),
                    int(edited or 0),
                    int(failing or 0),
                    statuses.get(feed.name, {}),
                )
            )
        return result

    def episodes_to_look_at(self, feed: str, limit: int = 100) -> list[EpisodeRecord]:
        """Episodes with a problem, an edit by hand or a note, newest first."""
        rows = self.db.fetchall(
            f"SELECT {', '.join(EPISODE_COLUMNS)} FROM feed_episodes WHERE feed = ?"
            " AND (error IS NOT NULL OR hand_edited != '' OR note IS NOT NULL)"
            " ORDER BY published DESC, guid LIMIT ?",
            (feed, limit),
        )
        return [_episode(row) for row in rows]


def _due_clause(now: int, polled_before: int | None) -> tuple[str, tuple[Any, ...]]:
    if polled_before is None:
        return "next_poll_at <= ?", (now,)
    return (
        "(next_poll_at <= ? OR last_poll_at IS NULL OR last_poll_at < ?)",
        (now, polled_before),
    )


def _now(now: int | None) -> int:
    return int(time.time()) if now is None else int(now)


def _feed(row: tuple[Any, ...]) -> FeedRecord:
    values = dict(zip(FEED_COLUMNS, row, strict=True))
    values["transcribe"] = bool(values["transcribe"])
    for key in ("next_poll_at", "claim_until", "changed_at", "added_at"):
        values[key] = int(values[key] or 0)
    values["claimed_by"] = values["claimed_by"] or ""
    values["title"] = values["title"] or ""
    return FeedRecord(**values)


def _episode(row: tuple[Any, ...]) -> EpisodeRecord:
    values = dict(zip(EPISODE_COLUMNS, row, strict=True))
    values["in_feed"] = bool(values["in_feed"])
    values["files"] = json.loads(values["files"] or "{}")
    values["stamps"] = json.loads(values["stamps"] or "{}")
    values["hand_edited"] = tuple(n for n in (values["hand_edited"] or "").split("\n") if n)
    values["updated_at"] = int(values["updated_at"] or 0)
    return EpisodeRecord(**values)


def _episode_row(record: EpisodeRecord) -> tuple[Any, ...]:
    values = {name: getattr(record, name) for name in EPISODE_COLUMNS}
    values["in_feed"] = int(record.in_feed)
    values["files"] = json.dumps(record.files, sort_keys=True)
    values["stamps"] = json.dumps(record.stamps, sort_keys=True)
    values["hand_edited"] = "\n".join(record.hand_edited)
    return tuple(values[name] for name in EPISODE_COLUMNS)
