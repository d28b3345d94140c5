"""Fixtures for the Discord adapter tests; the fakes themselves live in discord_fakes.py."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest
from discord_fakes import FakeDiscord, Harness

from bot import Library


@pytest.fixture
def fake() -> FakeDiscord:
    return FakeDiscord()


@pytest.fixture
async def harness(fake: FakeDiscord, tmp_path: Path):
    harness = Harness(fake, tmp_path)
    yield harness
    await harness.close()


@pytest.fixture
async def bot(harness: Harness, seed_library: Library) -> discord.Client:
    """The bot on the seed transcripts, private answers (the default)."""
    return await harness.start(seed_library)
