"""The transcription worker: a process of its own that takes queued episodes one at a time.

Transcribing an hour of audio keeps the CPU busy for many minutes, so it never runs in the
chat process: `quotebot transcribe-worker` runs beside the bots (one process, one episode at a
time; start more processes for more at once). A thread renews the job's lease while the
engine works; stopping (SIGTERM, Ctrl-C) gives the episode back to the queue.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import QuotebotError
from . import messages
from .engine import Engine
from .errors import AudioError, EngineMissing, KeptByHand
from .pipeline import transcribe_episode
from .queue import DONE, FAILED, MAX_ATTEMPTS, QUEUED, RUNNING, Job, TranscriptionQueue

log = logging.getLogger(__name__)


class Stopped(Exception):
    """Raised inside the engine's progress callback to abandon an episode when stopping."""


@dataclass
class TranscriptionWorker:
    """Claims, transcribes and records episodes until `stop` is set (or the queue is empty,
    with `once`)."""

    queue: TranscriptionQueue
    engine: Engine
    stop: threading.Event = field(default_factory=threading.Event)
    poll_seconds: float = 10.0
    # Told each change of a job's state (running, done, failed, queued) with its message:
    # a feed mirrors them into its episode list.
    on_change: Callable[[Job, str, str | None], None] | None = None

    def run(self, once: bool = False) -> int:
        """Work through the queue; returns how many episodes were finished."""
        finished = 0
        while not self.stop.is_set():
            job = self.queue.claim()
            if job is None:
                if once:
                    break
                self.stop.wait(self.poll_seconds)
                continue
            if self.run_job(job):
                finished += 1
        return finished

    def run_job(self, job: Job) -> bool:
        """One episode; True when its transcript was written."""
        log.info("transcribing %s (attempt %s): %s", job.key, job.attempts, job.request.audio)
        self._tell(job, RUNNING, None)
        beating = threading.Event()
        heart = threading.Thread(target=self._beat, args=(job.key, beating), daemon=True)
        heart.start()

        def progress(done: float, total: float) -> None:
            if self.stop.is_set():
                raise Stopped
            self.queue.heartbeat(job.key, done, total)

        try:
            outcome = transcribe_episode(job.request, self.engine, progress)
        except Stopped:
            self._release(job, "worker stopped: will start again")
            log.info("stopped: %s goes back to the queue", job.key)
            return False
        except KeptByHand as exc:
            self._finish(job, str(exc))
            log.info("%s", exc)
            return False
        except AudioError as exc:
            # A server that did not answer may answer later: back to the queue, within limits.
            if job.attempts < MAX_ATTEMPTS:
                self._release(job, str(exc))
            else:
                self._fail(job, str(exc))
            log.warning("%s: %s", job.key, exc)
            return False
        except EngineMissing:
            self._release(job, None)
            raise
        except QuotebotError as exc:
            self._fail(job, str(exc))
            log.warning("%s failed: %s", job.key, exc)
            return False
        except Exception as exc:
            log.exception("transcribing %s failed", job.key)
            self._fail(job, f"internal error ({type(exc).__name__}); see the log")
            return False
        finally:
            beating.set()
            heart.join(timeout=5)
        note = None
        if outcome.name_speakers_in is not None:
            note = messages.NAME_SPEAKERS.format(sidecar=outcome.name_speakers_in)
        self._finish(job, note)
        log.info(
            "wrote %s: %s turns, %s, %.0f s of audio in %.0f s",
            outcome.path,
            outcome.turns,
            ", ".join(outcome.speakers),
            outcome.audio_seconds,
            outcome.elapsed,
        )
        return True

    def _finish(self, job: Job, message: str | None) -> None:
        self.queue.finish(job.key, message)
        self._tell(job, DONE, message)

    def _fail(self, job: Job, message: str) -> None:
        self.queue.fail(job.key, message)
        self._tell(job, FAILED, message)

    def _release(self, job: Job, message: str | None) -> None:
        self.queue.release(job.key, message)
        self._tell(job, QUEUED, message)

    def _tell(self, job: Job, status: str, message: str | None) -> None:
        if self.on_change is None:
            return
        try:
            self.on_change(job, status, message)
        except Exception:  # a listener's trouble must not lose the transcript or the job
            log.exception("reporting %s of %s failed", status, job.key)

    def _beat(self, key: str, done: threading.Event) -> None:
        # Downloading and decoding report no progress; the lease must outlive them.
        while not done.wait(self.queue.lease / 3):
            self.queue.heartbeat(key)
