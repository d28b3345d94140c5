"""Progress bars for long commands: drawn on a terminal, silent in a pipe, in CI or with --json.

`progress_bar(label)` gives a `(done, total)` callback (indexing, advice scoring);
`progress_for()` a `(label, done, total)` one (feed polls, where the label changes).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

WIDTH = 30
REDRAW_SECONDS = 0.1


def progress_bar(label: str, stream: TextIO | None = None) -> Callable[[int, int], None] | None:
    """A `(done, total)` callback drawing `label [####----] done/total` on `stream` (stderr)
    when it is a terminal; None otherwise, so scripts and logs stay clean."""
    out = stream or sys.stderr
    if not out.isatty():
        return None
    drawn = 0.0

    def draw(done: int, total: int) -> None:
        nonlocal drawn
        now = time.monotonic()
        if done < total and now - drawn < REDRAW_SECONDS:
            return
        drawn = now
        filled = WIDTH * done // max(total, 1)
        bar = "#" * filled + "-" * (WIDTH - filled)
        end = "\n" if done >= total else ""
        out.write(f"\r{label} [{bar}] {done:,}/{total:,}{end}")
        out.flush()

    return draw


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
