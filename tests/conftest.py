"""Shared fixtures: every test gets its own cache folder, and the seed library is built once."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import Library

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
PG_ENV = "QUOTEBOT_TEST_DATABASE_URL"


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


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a schema of its own, dropped after the test."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"{PG_ENV} is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    import psycopg

    schema = f"quotebot_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
