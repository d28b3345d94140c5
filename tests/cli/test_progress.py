"""The progress bar: drawn on a terminal, silent in a pipe."""

from __future__ import annotations

import io

from bot.cli.progress import ProgressBar, progress_for


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_that_ends_on_its_own_line() -> None:
    """A terminal gets a bar that ends on its own line."""
    screen = Terminal()
    bar = progress_for(screen)
    assert isinstance(bar, ProgressBar)
    bar("garden", 0, 4)
    bar("garden", 4, 4)
    assert screen.getvalue().endswith("garden" + " " * 24 + " [" + "#" * 30 + "] 4/4\n")


def test_a_pipe_or_quiet_gets_no_bar() -> None:
    """A pipe or quiet gets no bar."""
    assert progress_for(io.StringIO()) is None
    assert progress_for(Terminal(), quiet=True) is None
