"""A progress bar for long commands: drawn on a terminal, silent in a pipe, in CI or with --json.

The work takes a per-item callback (`progress(label, done, total)`); the command decides
whether that callback draws.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30


class ProgressBar:
    """`label  [#########.........]  120/300` redrawn in place on stderr, at most 10 times
    a second; a finished line is left standing."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self._drawn = 0.0
        self._label = ""

    def __call__(self, label: str, done: int, total: int) -> None:
        now = time.monotonic()
        finished = done >= total
        if not finished and label == self._label and now - self._drawn < 0.1:
            return
        self._label, self._drawn = label, now
        filled = WIDTH * done // total if total else WIDTH
        bar = "#" * filled + "." * (WIDTH - filled)
        end = "\n" if finished else ""
        self.stream.write(f"\r{label[:30]:<30} [{bar}] {done}/{total}{end}")
        self.stream.flush()


def progress_for(stream: TextIO | None = None, quiet: bool = False) -> ProgressBar | None:
    """A bar when `stream` (stderr) is a terminal and the command is not quiet, else None."""
    stream = stream or sys.stderr
    if quiet or not stream.isatty():
        return None
    return ProgressBar(stream)
