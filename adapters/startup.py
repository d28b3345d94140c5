"""Start-up work that may take long (building a missing index, scoring advice the first time),
run off the event loop while `/healthz` answers and `/readyz` says what it waits for.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
LOG_EVERY_SECONDS = 5.0


class StartupProgress:
    """The stage start-up is in, for `/readyz` and the log; `done` once the bot takes traffic."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.stage = "starting"
        self.done = False
        self._clock = clock
        self._started = clock()
        self._logged = 0.0

    def step(self, stage: str) -> None:
        """A new stage begins."""
        self.stage = stage
        log.info("start-up: %s", stage)

    def counter(self, label: str, unit: str) -> Callable[[int, int], None]:
        """A `(done, total)` callback: shows "label: done of total unit" and logs it every few
        seconds (and at the end), so a long first build shows it is moving."""

        def report(done: int, total: int) -> None:
            self.stage = f"{label}: {done:,} of {total:,} {unit}"
            now = self._clock()
            if done == total or now - self._logged >= LOG_EVERY_SECONDS:
                self._logged = now
                log.info("start-up: %s", self.stage)

        return report

    def finish(self) -> None:
        self.done = True
        self.stage = "ready"
        log.info("start-up: ready in %.1f s", self._clock() - self._started)

    def waiting_for(self) -> str | None:
        return None if self.done else self.stage


async def in_background_thread(work: Callable[[], T], name: str) -> T:
    """Run blocking start-up work in a daemon thread and await its result.

    Not `asyncio.to_thread`: its pool is joined when the loop closes, so a SIGTERM during a
    ten-minute first index build would wait for the build. A daemon thread is abandoned
    instead; every write it makes is transactional, and the next start resumes from there.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(outcome: Callable[[], None]) -> None:
        if not future.done():
            outcome()

    def hand_back(outcome: Callable[[], None]) -> None:
        # The loop is gone when the bot stopped before this finished: nobody is waiting.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, outcome)

    def run() -> None:
        try:
            result = work()
        except BaseException as exc:  # handed to the awaiting task, which re-raises it
            error = exc
            hand_back(lambda: future.set_exception(error))
        else:
            hand_back(lambda: future.set_result(result))

    threading.Thread(target=run, name=name, daemon=True).start()
    return await future
