"""Fixtures for the Slack tests; the bench (fake Web API, signed requests) is slack_bench."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from slack_bench import CHANNEL, USER, FakeSlack, SlackHarness, slack_settings
from slack_daily_bench import DailyBench

from adapters.slack import create_app, create_web_app
from adapters.slack.advice import create_sender
from bot import AdviceService, Library, create_advice_service
from tests.advice.advice_fakes import FakeClock, utc


@pytest.fixture
async def fake_slack() -> FakeSlack:
    """A fresh fake Slack Web API on loopback."""
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.close()


MakeSlack = Callable[..., Awaitable[SlackHarness]]


@pytest.fixture
async def make_slack(fake_slack: FakeSlack, seed_library: Library) -> MakeSlack:
    """Build and serve the app (over the seed library unless another is given)."""
    harnesses: list[SlackHarness] = []

    async def make(library: Any = None, public_url: str = "", **kwargs: Any) -> SlackHarness:
        extra = {"QUOTEBOT_PUBLIC_URL": public_url} if public_url else {}
        app = create_app(
            library if library is not None else seed_library,
            slack_settings(fake_slack, **extra),
            rng=kwargs.pop("rng", random.Random(7)),
            **kwargs,
        )
        harness = SlackHarness(fake_slack, create_web_app(app))
        await harness.start()
        harnesses.append(harness)
        return harness

    yield make
    for harness in harnesses:
        await harness.close()


@pytest.fixture
async def slack(make_slack: MakeSlack) -> SlackHarness:
    """The app over the seed library."""
    return await make_slack()


@pytest.fixture
def daily_clock() -> FakeClock:
    """Monday 2025-03-03, 07:00 UTC (08:00 in Berlin)."""
    return FakeClock(utc(2025, 3, 3, 7, 0))


MakeDaily = Callable[..., Awaitable[DailyBench]]


@pytest.fixture
async def make_daily(
    fake_slack: FakeSlack, seed_library: Library, tmp_path: Path, daily_clock: FakeClock
) -> MakeDaily:
    """The app with daily advice on a fresh SQLite file; `env` adds settings (QUOTEBOT_…).

    The fake workspace has the requester as an admin in Europe/Berlin and the channel with the
    bot as a member, unless the test changes `fake_slack.users` / `fake_slack.channels`.
    """
    fake_slack.add_user(USER, is_admin=True, tz="Europe/Berlin")
    fake_slack.add_channel(CHANNEL)
    fake_slack.clock = lambda: daily_clock().timestamp()
    made: list[tuple[SlackHarness, AdviceService]] = []

    async def make(**env: str) -> DailyBench:
        settings = slack_settings(
            fake_slack, DATABASE_URL=f"sqlite:///{tmp_path / 'advice.sqlite3'}", **env
        )
        sender = create_sender(settings)
        advice = create_advice_service(seed_library, settings, {"slack": sender}, daily_clock)
        app = create_app(seed_library, settings, advice=advice)
        harness = SlackHarness(fake_slack, create_web_app(app))
        await harness.start()
        made.append((harness, advice))
        return DailyBench(harness, advice, daily_clock)

    yield make
    for harness, advice in made:
        await harness.close()
        advice.store.close()


@pytest.fixture
async def daily(make_daily: MakeDaily) -> DailyBench:
    """The app with daily advice, default settings."""
    return await make_daily()
