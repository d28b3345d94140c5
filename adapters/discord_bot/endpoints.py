"""Pointing discord.py at other endpoints (a proxy, or the loopback fakes in the tests)."""

from __future__ import annotations

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route


def point_discord_at(api_url: str | None, gateway_url: str | None) -> None:
    """Use `api_url` for REST and `gateway_url` for the gateway; None keeps Discord's own.

    discord.py keeps both as class attributes, so this applies to the whole process, which
    runs one Discord application.
    """
    if api_url:
        Route.BASE = api_url.rstrip("/")
    if gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
