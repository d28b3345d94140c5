"""`quotebot discord`: check the configuration, load the library, run the bot until stopped."""

from __future__ import annotations

import argparse
import asyncio
import logging
import re

import discord

from bot import Library
from bot.advice_service import create_advice_service
from bot.logging_setup import configure_logging
from bot.settings import ConfigError, Settings

from .client import create_bot

log = logging.getLogger(__name__)

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


def parse_shard_ids(value: str | None, shards: str | int | None) -> list[int] | None:
    """`--shard-ids 0,1`: the shards this process runs (the others run elsewhere)."""
    if not value:
        return None
    if not isinstance(shards, int):
        raise ConfigError("--shard-ids needs --shards set to the total shard count")
    try:
        ids = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise ConfigError(f"--shard-ids: expected numbers like 0,1, got “{value}”") from None
    if not ids or any(not 0 <= i < shards for i in ids):
        raise ConfigError(f"--shard-ids: each id must be between 0 and {shards - 1}")
    return ids


def run(args: argparse.Namespace, settings: Settings | None = None) -> int:
    """Run the bot; configuration errors raise ConfigError (the CLI prints them, exit 2)."""
    settings = settings or Settings.load()
    token = check_token(settings.discord_token)
    shards = parse_shards(args.shards) if args.shards else settings.discord_shards
    shard_ids = parse_shard_ids(args.shard_ids, shards)
    configure_logging(settings.log_level, settings.log_format, secrets=settings.secret_values())
    library = Library.from_settings(settings, args.corpus, args.index)
    try:
        # Daily advice: subscriptions and the post log in DATABASE_URL (SQLite by default);
        # the client adds its sender and runs the scheduler loop while it is connected.
        advice = create_advice_service(library, settings)
    except BaseException:
        library.close()
        raise
    client = create_bot(
        library,
        settings,
        shards=shards,
        shard_ids=shard_ids,
        force_sync=args.sync,
        advice=advice,
    )
    try:
        asyncio.run(_serve(client, token))
    except KeyboardInterrupt:
        log.info("stopped")
    finally:
        advice.store.close()
        library.close()
    return 0


async def _serve(client: discord.Client, token: str) -> None:
    async with client:
        try:
            await client.start(token)
        except discord.LoginFailure:
            raise ConfigError(
                "DISCORD_TOKEN was rejected by Discord: reset the token in the Developer Portal"
            ) from None
