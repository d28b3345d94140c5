"""Fixtures for the page tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from page_server import HOSTILE, load

from bot import Library


@pytest.fixture
def hostile_library(tmp_path: Path) -> Iterator[Library]:
    """A transcript whose every field tries to inject markup, script or a script URL."""
    library = load(tmp_path, "hostile", HOSTILE)
    yield library
    library.close()
