"""Shared fixtures: every test gets its own cache folder, and the seed library is built once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import Library

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the user's real cache or picks up a configured corpus."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    for name in ("QUOTEBOT_CORPUS", "QUOTEBOT_INDEX", "QUOTEBOT_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    return cache


@pytest.fixture(scope="session")
def seed_library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """The bundled seeds, indexed once for the whole run (read-only use only)."""
    index = tmp_path_factory.mktemp("seed-index") / "index.sqlite3"
    library = Library.load(SEEDS, index)
    yield library
    library.close()
