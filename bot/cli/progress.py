"""A progress bar on a terminal for long `(done, total)` work; nothing when piped or in CI."""

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
