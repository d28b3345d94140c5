"""How failures are explained to members."""

from __future__ import annotations

import discord
import pytest
from discord_fakes import http_error

from adapters.discord_bot import messages
from adapters.discord_bot.replies import explain
from bot import QueryError


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (QueryError("Type some words."), "Type some words."),
        (
            discord.RateLimited(12.3),
            messages.SLOW_DOWN_FOR.format(seconds=12),
        ),
        (http_error(discord.NotFound, 404, 10062, "Unknown interaction"), None),
        (
            http_error(discord.Forbidden, 403, 50013, "Missing Permissions"),
            messages.NOT_ALLOWED_TO_POST.format(needed="View Channel, Send Messages, Embed Links"),
        ),
        (
            http_error(discord.HTTPException, 429, 0, "Too Many Requests"),
            messages.RATE_LIMITED,
        ),
        (
            http_error(discord.DiscordServerError, 503, 0, "Unavailable"),
            messages.REFUSED.format(code=503),
        ),
        (
            RuntimeError("bug"),
            messages.SOMETHING_WENT_WRONG,
        ),
    ],
)
def test_errors_become_clear_messages(error, expected):
    """Each kind of failure maps to a message a member can act on (or none for a dead token)."""
    assert explain(error) == expected
