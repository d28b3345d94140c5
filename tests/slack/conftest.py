"""Fixtures for the Slack tests; the bench (fake Web API, signed requests) is slack_bench."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from slack_bench import FakeSlack, SlackHarness, slack_settings

from adapters.slack import create_app, create_web_app
from bot import Library


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

    async def make(library: Any = None, **kwargs: Any) -> SlackHarness:
        app = create_app(
            library if library is not None else seed_library,
            slack_settings(fake_slack),
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
