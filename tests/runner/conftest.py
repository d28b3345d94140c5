"""Fixtures for the runner tests: the fake Slack and Discord APIs a started quotebot talks to."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fake_discord import FakeDiscord

from tests.slack.slack_bench import FakeSlack


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeSlack, FakeDiscord]]:
    """A fake Slack Web API and a fake Discord (REST and gateway), both on loopback."""
    slack, discord = FakeSlack(), FakeDiscord()
    await slack.start()
    await discord.start()
    yield slack, discord
    await slack.close()
    await discord.close()
