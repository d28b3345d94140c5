"""Checks before Discord starts: a token of the right shape and sane shard options, or a
ConfigError naming what to fix."""

from __future__ import annotations

import re

import aiohttp

from bot import ConfigError

# A bot token is three base64url parts joined by dots: the bot's id, a timestamp, an HMAC.
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{17,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")


def check_token(token: str | None) -> str:
    """The token, or ConfigError naming DISCORD_TOKEN when it is missing or malformed."""
    token = (token or "").strip()
    if not token:
        raise ConfigError(
            "DISCORD_TOKEN is not set: copy the bot token from the Developer Portal (Bot → Token)"
        )
    if token.lower().startswith("bot "):
        raise ConfigError("DISCORD_TOKEN must be the bare token, without the “Bot ” prefix")
    if not TOKEN_SHAPE.match(token):
        raise ConfigError(
            "DISCORD_TOKEN does not look like a bot token (three parts separated by dots); "
            "check that the whole token was copied"
        )
    return token


def parse_shards(value: str | None) -> str | int | None:
    """`--shards`: "auto", a count, or None for a single connection."""
    if value is None:
        return None
    if value.strip().lower() == "auto":
        return "auto"
    if value.strip().isdigit() and int(value) >= 1:
        return int(value)
    raise ConfigError(f"--shards: expected auto or a shard count, got “{value}”")


# Long enough for a slow network, short enough that a start against a firewall fails soon.
GATEWAY_CHECK_SECONDS = 10.0


async def check_gateway(url: str) -> None:
    """Open, and at once close, a websocket to Discord's gateway, before the client connects:
    discord.py would otherwise log a traceback per reconnect attempt and end the connection
    with an unrelated error. ConfigError in one line naming where it looked."""
    timeout = aiohttp.ClientTimeout(total=GATEWAY_CHECK_SECONDS)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.ws_connect(url) as socket,
        ):
            await socket.close()
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise ConfigError(
            f"could not reach Discord's gateway at {url} ({type(exc).__name__}): check the "
            "network or proxy, and DISCORD_GATEWAY_URL if it is set"
        ) from None
