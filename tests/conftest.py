"""Shared fixtures: every test gets its own cache folder, and the seed library is built once."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
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


NO_OVERRIDE = ["--bounding-set=-dac_override,-dac_read_search"]


@functools.cache
def _unprivileged_prefix() -> list[str] | None:
    """A command prefix under which file permissions hold, or None where none is available."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    probe = subprocess.run(
        [setpriv, *NO_OVERRIDE, sys.executable, "-c", "open('/proc/1/environ').read()"],
        capture_output=True,
    )
    # PID 1's environment is readable by root only through the capabilities dropped here.
    return [setpriv, *NO_OVERRIDE] if probe.returncode != 0 else None


@pytest.fixture
def permissions_enforced() -> list[str]:
    """The prefix for a command that must meet file permissions (chmod 000 files), as quotebot
    meets them under its own uid in a container. Root bypasses them, so as root (CI) the
    command runs with util-linux `setpriv` dropping CAP_DAC_OVERRIDE; skipped if it cannot."""
    prefix = _unprivileged_prefix()
    if prefix is None:
        pytest.skip("running as root and cannot drop CAP_DAC_OVERRIDE: permissions not enforced")
    return prefix


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
