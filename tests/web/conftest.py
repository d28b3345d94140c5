"""Fixtures for the page tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from page_server import ARTIFACTS, HOSTILE, load

from bot import Library


@pytest.fixture
def hostile_library(tmp_path: Path) -> Iterator[Library]:
    """A transcript whose every field tries to inject markup, script or a script URL."""
    library = load(tmp_path, "hostile", HOSTILE)
    yield library
    library.close()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Say where the browser tests left their screenshots, so CI logs point at them."""
    folder = config.stash.get(ARTIFACTS, None)
    if folder is not None:
        terminalreporter.write_line(f"browser screenshots: {folder}")
