"""How failures are explained to members."""

from __future__ import annotations

import discord
import pytest
from discord_fakes import http_error

from adapters.discord_bot.replies import explain
from bot import QueryError


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (QueryError("Type some words."), "Type some words."),
        (
            discord.RateLimited(12.3),
            "Discord asked me to slow down. Please try again in 12 seconds.",
        ),
        (http_error(discord.NotFound, 404, 10062, "Unknown interaction"), None),
        (
            http_error(discord.Forbidden, 403, 50013, "Missing Permissions"),
            "I'm not allowed to post in this channel. A server admin can give me View Channel, "
            "Send Messages, Embed Links here.",
        ),
        (
            http_error(discord.HTTPException, 429, 0, "Too Many Requests"),
            "Discord is rate limiting me right now. Please try again in a minute.",
        ),
        (
            http_error(discord.DiscordServerError, 503, 0, "Unavailable"),
            "Discord refused that answer (error 503). Please try again.",
        ),
        (
            RuntimeError("bug"),
            "Something went wrong on my side; it has been logged. Please try again.",
        ),
    ],
)
def test_errors_become_clear_messages(error, expected):
    """Each kind of failure maps to a message a member can act on (or none for a dead token)."""
    assert explain(error) == expected
