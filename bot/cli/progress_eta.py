"""A progress bar for long work, shown only on a terminal (never in a pipe, a log or CI).

The work reports (done, total) in its own units; the bar shows the percentage and an
estimate of the time left from the pace so far.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

WIDTH = 30


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ProgressBar:
    """`label [#########-----]  42%  1:10 left`, redrawn in place."""

    def __init__(
        self,
        label: str,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.clock = clock
        self.started = clock()
        self.shown = False

    def line(self, done: float, total: float) -> str:
        share = min(max(done / total, 0.0), 1.0) if total > 0 else 0.0
        filled = int(WIDTH * share)
        elapsed = self.clock() - self.started
        if share >= 1.0:
            tail = f"done in {_clock(elapsed)}"
        elif share > 0.0 and elapsed > 0:
            tail = f"{_clock(elapsed / share - elapsed)} left"
        else:
            tail = "starting"
        return f"{self.label} [{'#' * filled}{'-' * (WIDTH - filled)}] {share:4.0%}  {tail}"

    def update(self, done: float, total: float) -> None:
        self.stream.write("\r" + self.line(done, total) + "\x1b[K")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def progress_for(label: str, stream: TextIO | None = None) -> ProgressBar | None:
    """A bar when `stream` (default stderr) is a terminal, else None: no bar at all."""
    stream = stream or sys.stderr
    return ProgressBar(label, stream) if stream.isatty() else None
