"""The transcription queue on a real SQLite file and, where configured, real PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store import MIGRATIONS, Database
from bot.transcribe.queue import MAX_ATTEMPTS, TranscriptionQueue
from bot.transcribe.request import EpisodeRequest, Person
from bot.transcripts.companions import Chapter


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The same tests on a SQLite file and on PostgreSQL (a schema of its own, dropped after)."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'queue.sqlite3'}")
        db.migrate(MIGRATIONS)
        yield db
        db.close()
        return
    url = os.environ.get("QUOTEBOT_TEST_DATABASE_URL")
    if not url:
        pytest.skip("QUOTEBOT_TEST_DATABASE_URL is not set: no PostgreSQL to test against")
    import psycopg

    schema = f"quotebot_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in url else "?"
    db = Database(f"{url}{separator}options=-csearch_path%3D{schema}")
    try:
        db.migrate(MIGRATIONS)
        yield db
    finally:
        db.close()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def request(name: str) -> EpisodeRequest:
    return EpisodeRequest(
        f"http://127.0.0.1:9/{name}.mp3",
        Path(f"/corpus/{name}.md"),
        {"episode_title": name},
        (Person("Ada Host"), Person("Bo Guest", "guest")),
        (Chapter(0.0, "Intro"),),
    )


def test_an_episode_is_queued_once(database: Database) -> None:
    """Queuing the same episode twice (a feed polled again) keeps one job."""
    queue = TranscriptionQueue(database)
    assert queue.enqueue("ep1", request("ep1")) is True
    assert queue.enqueue("ep1", request("ep1")) is False
    assert list(queue.statuses()) == ["ep1"]


def test_a_claimed_job_carries_the_whole_request(database: Database) -> None:
    """Audio, output, metadata, persons and chapters come back from the queue as queued."""
    queue = TranscriptionQueue(database)
    queue.enqueue("ep1", request("ep1"))
    job = queue.claim()
    assert job is not None and job.request == request("ep1") and job.attempts == 1


def test_two_workers_never_claim_the_same_episode(database: Database) -> None:
    """The second worker takes the next episode, then finds none."""
    clock = Clock()
    first = TranscriptionQueue(database, owner="a", clock=clock)
    second = TranscriptionQueue(database, owner="b", clock=clock)
    first.enqueue("ep1", request("ep1"))
    clock.now += 1
    first.enqueue("ep2", request("ep2"))
    assert first.claim().key == "ep1"
    assert second.claim().key == "ep2"
    assert second.claim() is None


def test_an_episode_whose_worker_died_is_redone_after_its_lease(database: Database) -> None:
    """No heartbeat for longer than the lease: another worker claims it again."""
    clock = Clock()
    dead = TranscriptionQueue(database, owner="dead", clock=clock, lease=60)
    alive = TranscriptionQueue(database, owner="alive", clock=clock, lease=60)
    dead.enqueue("ep1", request("ep1"))
    dead.claim()
    assert alive.claim() is None
    clock.now += 61
    job = alive.claim()
    assert job is not None and job.attempts == 2


def test_a_heartbeat_keeps_the_episode_and_shows_progress(database: Database) -> None:
    """While the worker reports, nobody else takes the job, and the status reads its share."""
    clock = Clock()
    worker = TranscriptionQueue(database, owner="w", clock=clock, lease=60)
    other = TranscriptionQueue(database, owner="o", clock=clock, lease=60)
    worker.enqueue("ep1", request("ep1"))
    worker.claim()
    clock.now += 50
    assert worker.heartbeat("ep1", 300.0, 1200.0)
    clock.now += 50
    assert other.claim() is None
    assert worker.statuses(["ep1"])["ep1"].label == "running 25%"


def test_an_episode_that_stops_its_worker_every_time_fails_in_the_end(
    database: Database,
) -> None:
    """After MAX_ATTEMPTS expired leases the job is failed, not claimed forever."""
    clock = Clock()
    queue = TranscriptionQueue(database, clock=clock, lease=10)
    queue.enqueue("ep1", request("ep1"))
    for _ in range(MAX_ATTEMPTS):
        assert queue.claim() is not None
        clock.now += 11
    assert queue.claim() is None
    status = queue.statuses(["ep1"])["ep1"]
    assert status.status == "failed" and "stopped 3 times" in status.label


def test_done_failed_and_retried(database: Database) -> None:
    """Done stays done; a failed episode says why and can be queued again."""
    clock = Clock()
    queue = TranscriptionQueue(database, clock=clock)
    queue.enqueue("ok", request("ok"))
    clock.now += 1
    queue.enqueue("bad", request("bad"))
    queue.finish(queue.claim().key)
    queue.fail(queue.claim().key, "no audio at the URL")
    statuses = queue.statuses()
    assert statuses["ok"].label == "done"
    assert statuses["bad"].label == "failed: no audio at the URL"
    assert queue.retry("bad") and not queue.retry("ok")
    assert queue.claim().key == "bad"


def test_a_released_episode_goes_back_to_the_queue(database: Database) -> None:
    """A worker that stops gives its episode back at once, for the next worker."""
    queue = TranscriptionQueue(database, owner="a")
    queue.enqueue("ep1", request("ep1"))
    queue.release(queue.claim().key, "worker stopped")
    assert TranscriptionQueue(database, owner="b").claim().key == "ep1"
