"""The transcription queue in the database (SQLite or PostgreSQL), shared by every worker.

A feed (or `quotebot transcribe --queue`) enqueues an episode; a worker claims the oldest
queued one, keeps its lease alive while it works and marks it done or failed. A worker that
dies leaves a running row whose lease runs out: the next claim takes it and redoes it from
the start (outputs are only renamed into place when complete, so nothing half-done is ever
served). Several workers may share one queue; each claims one episode at a time.
"""

from __future__ import annotations

import json
import socket
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..store import MIGRATIONS, Database, default_database_url
from .request import EpisodeRequest

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
# A worker that stopped mid-episode this many times makes the episode fail, not loop.
MAX_ATTEMPTS = 3
DEFAULT_LEASE = 120


@dataclass(frozen=True)
class Job:
    """A claimed episode: its key, what to do, and which attempt this is."""

    key: str
    request: EpisodeRequest
    attempts: int


@dataclass(frozen=True)
class JobStatus:
    """Where an episode stands, for `feeds list` and `quotebot transcribe-jobs`."""

    key: str
    status: str
    output: str
    attempts: int
    done_seconds: float | None
    audio_seconds: float | None
    message: str | None
    queued_at: int
    finished_at: int | None

    @property
    def percent(self) -> int | None:
        if self.status != RUNNING or not self.audio_seconds or self.done_seconds is None:
            return None
        return int(100 * min(self.done_seconds / self.audio_seconds, 1.0))

    @property
    def label(self) -> str:
        """`queued`, `running 42%`, `done`, `failed: why`."""
        if self.percent is not None:
            return f"running {self.percent}%"
        if self.status == FAILED and self.message:
            return f"failed: {self.message}"
        return self.status


_COLUMNS = (
    "episode_key, status, output_path, attempts, done_seconds, audio_seconds, message, "
    "queued_at, finished_at"
)


class TranscriptionQueue:
    """Episodes waiting for, in, or done with transcription. Safe to share between threads."""

    def __init__(
        self,
        db: Database,
        owner: str | None = None,
        clock: Callable[[], float] = time.time,
        lease: int = DEFAULT_LEASE,
    ) -> None:
        self.db = db
        self.owner = owner or f"{socket.gethostname()}:{uuid.uuid4().hex[:6]}"
        self.clock = clock
        self.lease = lease

    @classmethod
    def open(cls, url: str | None = None, **options: object) -> TranscriptionQueue:
        """Connect (default: the SQLite file in the user's data folder) and migrate."""
        db = Database(url or default_database_url())
        db.migrate(MIGRATIONS)
        return cls(db, **options)  # type: ignore[arg-type]

    def close(self) -> None:
        self.db.close()

    def _now(self) -> int:
        return int(self.clock())

    # -- the feed's side -----------------------------------------------------------------------

    def enqueue(self, key: str, request: EpisodeRequest) -> bool:
        """Queue an episode once; True when it was new. A known key keeps its row (a done
        episode is not redone, a failed one waits for `retry`)."""
        changed = self.db.execute(
            "INSERT INTO transcription_jobs (episode_key, request, output_path, status, "
            "queued_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (episode_key) DO NOTHING",
            (key, json.dumps(request.to_json()), str(request.output), QUEUED, self._now()),
        )
        return changed == 1

    def retry(self, key: str) -> bool:
        """Queue a failed episode again; True when it was failed."""
        return (
            self.db.execute(
                "UPDATE transcription_jobs SET status = ?, attempts = 0, message = NULL, "
                "queued_at = ? WHERE episode_key = ? AND status = ?",
                (QUEUED, self._now(), key, FAILED),
            )
            == 1
        )

    def statuses(self, keys: Iterable[str] | None = None) -> dict[str, JobStatus]:
        """Status by episode key (every job when `keys` is None)."""
        if keys is None:
            rows = self.db.fetchall(
                f"SELECT {_COLUMNS} FROM transcription_jobs ORDER BY queued_at, episode_key"
            )
        else:
            wanted = list(keys)
            rows = []
            # In slices: SQLite caps the number of parameters of one statement.
            for first in range(0, len(wanted), 500):
                part = wanted[first : first + 500]
                marks = ", ".join("?" for _ in part)
                rows += self.db.fetchall(
                    f"SELECT {_COLUMNS} FROM transcription_jobs WHERE episode_key IN ({marks})",
                    part,
                )
        return {row[0]: JobStatus(*row) for row in rows}

    # -- the worker's side ---------------------------------------------------------------------

    def claim(self) -> Job | None:
        """Take the oldest queued episode, or one whose worker stopped (its lease ran out)."""
        while True:
            now = self._now()
            row = self.db.fetchone(
                "SELECT episode_key, request, attempts, status FROM transcription_jobs "
                "WHERE status = ? OR (status = ? AND lease_until < ?) "
                "ORDER BY queued_at, episode_key LIMIT 1",
                (QUEUED, RUNNING, now),
            )
            if row is None:
                return None
            key, request, attempts, status = row
            if status == RUNNING and attempts >= MAX_ATTEMPTS:
                self.db.execute(
                    "UPDATE transcription_jobs SET status = ?, message = ?, finished_at = ? "
                    "WHERE episode_key = ? AND status = ? AND lease_until < ?",
                    (FAILED, f"stopped {attempts} times before finishing", now, key, RUNNING, now),
                )
                continue
            # Conditional on the row being as it was read: of two workers, one wins.
            won = self.db.execute(
                "UPDATE transcription_jobs SET status = ?, attempts = attempts + 1, "
                "claimed_by = ?, lease_until = ?, started_at = ?, done_seconds = NULL, "
                "message = NULL WHERE episode_key = ? AND attempts = ? "
                "AND (status = ? OR (status = ? AND lease_until < ?))",
                (RUNNING, self.owner, now + self.lease, now, key, attempts, QUEUED, RUNNING, now),
            )
            if won == 1:
                return Job(key, EpisodeRequest.from_json(json.loads(request)), attempts + 1)

    def heartbeat(self, key: str, done: float | None = None, total: float | None = None) -> bool:
        """Extend this worker's lease (and record progress); False when the job is not ours."""
        return (
            self.db.execute(
                "UPDATE transcription_jobs SET lease_until = ?, "
                "done_seconds = COALESCE(?, done_seconds), "
                "audio_seconds = COALESCE(?, audio_seconds) "
                "WHERE episode_key = ? AND claimed_by = ? AND status = ?",
                (self._now() + self.lease, done, total, key, self.owner, RUNNING),
            )
            == 1
        )

    def finish(self, key: str, message: str | None = None) -> None:
        self._close(key, DONE, message)

    def fail(self, key: str, message: str) -> None:
        self._close(key, FAILED, message)

    def release(self, key: str, message: str | None = None) -> None:
        """Give a job back (the worker is stopping, or the failure may pass): queued again."""
        self.db.execute(
            "UPDATE transcription_jobs SET status = ?, lease_until = 0, message = ? "
            "WHERE episode_key = ? AND claimed_by = ? AND status = ?",
            (QUEUED, message, key, self.owner, RUNNING),
        )

    def _close(self, key: str, status: str, message: str | None) -> None:
        self.db.execute(
            "UPDATE transcription_jobs SET status = ?, message = ?, finished_at = ? "
            "WHERE episode_key = ? AND claimed_by = ? AND status = ?",
            (status, message, self._now(), key, self.owner, RUNNING),
        )
