"""`quotebot transcribe-worker`: queued episodes transcribed one at a time, in a process of
their own, never served half-done."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from transcribe_helpers import Line

from bot.store import MIGRATIONS, Database
from bot.transcribe.engine import Engine
from bot.transcribe.queue import TranscriptionQueue
from bot.transcribe.request import EpisodeRequest

pytest.importorskip("faster_whisper", reason="the transcribe extra is not installed")
from bot.transcribe.worker import TranscriptionWorker  # noqa: E402 - needs the extra


@pytest.fixture(scope="module")
def engine(model_path: Path) -> Engine:
    return Engine(str(model_path), 2)


def queue_at(tmp_path: Path) -> TranscriptionQueue:
    db = Database(f"sqlite:///{tmp_path / 'quotebot.sqlite3'}")
    db.migrate(MIGRATIONS)
    return TranscriptionQueue(db)


def test_the_worker_transcribes_a_queued_episode_and_marks_it_done(
    engine: Engine, dialogue: tuple[Path, list[Line]], tmp_path: Path
) -> None:
    """Queued, claimed, written, done: the feed is told running then done, the file is there."""
    audio, _ = dialogue
    queue = queue_at(tmp_path)
    output = tmp_path / "corpus" / "ep.md"
    origin = {"feed": "bees", "guid": "ep-1"}
    queue.enqueue(
        "feed/ep", EpisodeRequest(str(audio), output, {"episode_title": "Ep"}, origin=origin)
    )
    told: list[tuple[dict, str]] = []
    worker = TranscriptionWorker(
        queue, engine, on_change=lambda job, state, _: told.append((job.request.origin, state))
    )
    assert worker.run(once=True) == 1
    assert told == [(origin, "running"), (origin, "done")]
    status = queue.statuses(["feed/ep"])["feed/ep"]
    assert status.status == "done" and "ep.yaml" in (status.message or "")
    assert "Speaker 1 00:00:00:" in output.read_text()


def test_a_worker_stopped_mid_episode_gives_it_back_and_writes_nothing(
    engine: Engine, dialogue: tuple[Path, list[Line]], tmp_path: Path
) -> None:
    """Stopping during recognition: the job is queued again and no transcript appears."""
    audio, _ = dialogue
    queue = queue_at(tmp_path)
    output = tmp_path / "corpus" / "ep.md"
    queue.enqueue("feed/ep", EpisodeRequest(str(audio), output))
    worker = TranscriptionWorker(queue, engine)
    job = queue.claim()
    worker.stop.set()  # as SIGTERM would, before the first segment is done
    assert worker.run_job(job) is False
    assert queue.statuses()["feed/ep"].status == "queued"
    assert not output.exists() and not (tmp_path / "corpus").exists()


def test_audio_that_cannot_be_decoded_fails_the_episode_with_the_reason(
    engine: Engine, tmp_path: Path
) -> None:
    """A broken file: failed, saying so, and the worker goes on."""
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"this is not audio")
    queue = queue_at(tmp_path)
    queue.enqueue("feed/broken", EpisodeRequest(str(broken), tmp_path / "broken.md"))
    assert TranscriptionWorker(queue, engine).run(once=True) == 0
    status = queue.statuses()["feed/broken"]
    assert status.status == "failed" and "not audio this machine can decode" in status.label


def test_the_worker_command_works_through_the_queue_and_stops_on_sigterm(
    model_path: Path, dialogue: tuple[Path, list[Line]], tmp_path: Path
) -> None:
    """`transcribe --queue`, then the worker process: done; SIGTERM ends it cleanly."""
    audio, _ = dialogue
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'quotebot.sqlite3'}",
        "QUOTEBOT_TRANSCRIBE_MODEL": str(model_path),
        "QUOTEBOT_TRANSCRIBE_THREADS": "2",
    }
    output = tmp_path / "ep.md"
    command = [sys.executable, "-m", "bot"]
    queued = subprocess.run(
        [*command, "transcribe", str(audio), "-o", str(output), "--queue"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert queued.stdout.startswith("queued ")
    worker = subprocess.Popen(
        [*command, "transcribe-worker"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 120
        while not output.exists() and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.2)
        assert output.exists()
    finally:
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err
    jobs = subprocess.run(
        [*command, "transcribe-jobs"], env=env, capture_output=True, text=True, check=True
    )
    assert jobs.stdout.startswith("done")


def test_a_queued_episode_whose_transcript_a_person_wrote_is_done_and_left_alone(
    engine: Engine, dialogue: tuple[Path, list[Line]], tmp_path: Path
) -> None:
    """The manager's file stays; the job is done, saying why nothing was written."""
    audio, _ = dialogue
    output = tmp_path / "ep.md"
    output.write_text("---\nepisode_title: Ep\n---\nAda 00:00:01: Typed by hand.\n")
    queue = queue_at(tmp_path)
    queue.enqueue("feed/ep", EpisodeRequest(str(audio), output))
    TranscriptionWorker(queue, engine).run(once=True)
    status = queue.statuses()["feed/ep"]
    assert status.status == "done" and "not written by quotebot" in (status.message or "")
    assert output.read_text().endswith("Typed by hand.\n")
