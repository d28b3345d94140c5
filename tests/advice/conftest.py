"""Fixtures for daily advice: a controllable clock, a recording sender, and stores on SQLite and
on the real PostgreSQL (`pg_url`, in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from advice_fakes import FakeClock, RecordingSender, utc

from bot import Library
from bot.advice.pool import AdvicePool
from bot.advice.scheduler import AdviceScheduler
from bot.advice.scoring import heuristic_pool
from bot.advice.store import AdviceStore


@pytest.fixture(scope="session")
def pool(seed_library: Library) -> AdvicePool:
    """The heuristic pool of the bundled seed (the seed also ships a curated advice.yaml,
    which `build_pool` would pick up; these tests are about the heuristic and the rotation)."""
    return AdvicePool(heuristic_pool(seed_library.passages(), "guests"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same tests on a SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'advice.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file."""
    return f"sqlite:///{tmp_path / 'advice.sqlite3'}"


@pytest.fixture
def clock() -> FakeClock:
    """Monday 2025-03-03, 07:00 UTC."""
    return FakeClock(utc(2025, 3, 3, 7, 0))


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender("slack")


@pytest.fixture
def store(sqlite_url: str) -> Iterator[AdviceStore]:
    store = AdviceStore.open(sqlite_url)
    yield store
    store.close()


@pytest.fixture
def scheduler(
    store: AdviceStore, pool: AdvicePool, sender: RecordingSender, clock: FakeClock
) -> AdviceScheduler:
    """A scheduler on SQLite with the recording Slack sender and the fake clock."""
    return AdviceScheduler(store, pool, {"slack": sender}, clock=clock)
