"""The Discord client: built by `create_bot(library, settings)`, nothing done at import."""

from __future__ import annotations

import logging
import random
from pathlib import Path
from typing import Any

import discord

from bot import Library
from bot.settings import Settings

from .answers import Quoter
from .commands import QuoteTree, add_commands
from .sync import default_state_path, sync_commands
from .views import DYNAMIC_ITEMS

log = logging.getLogger(__name__)

# Longer rate-limit waits raise discord.RateLimited instead of sleeping, so a member is told
# to try again rather than left waiting.
MAX_RATELIMIT_WAIT = 30.0


class _QuoteBot:
    """What both client classes add: the quoter, the command tree, persistent buttons, sync."""

    quoter: Quoter
    tree: QuoteTree

    def _setup_quotebot(
        self, quoter: Quoter, guild_id: int | None, state_path: Path, force_sync: bool
    ) -> None:
        self.quoter = quoter
        self.tree = QuoteTree(self)  # type: ignore[arg-type]
        add_commands(self.tree, quoter)
        self._sync_guild_id = guild_id
        self._sync_state_path = state_path
        self._force_sync = force_sync

    async def setup_hook(self) -> None:
        """Before connecting: make old answers' buttons work again, sync commands if changed."""
        self.add_dynamic_items(*DYNAMIC_ITEMS)  # type: ignore[attr-defined]
        await sync_commands(
            self.tree,
            application_id=self.application_id,  # type: ignore[attr-defined]
            guild_id=self._sync_guild_id,
            state_path=self._sync_state_path,
            force=self._force_sync,
        )

    async def on_ready(self) -> None:
        user = self.user  # type: ignore[attr-defined]
        log.info("connected as %s to %d servers", user, len(self.guilds))  # type: ignore[attr-defined]


class QuoteBot(_QuoteBot, discord.Client):
    """quotebot on one gateway connection."""


class ShardedQuoteBot(_QuoteBot, discord.AutoShardedClient):
    """quotebot on several shards (`--shards auto` or a count), for large installs."""


def create_bot(
    library: Library,
    settings: Settings,
    *,
    shards: str | int | None = None,
    shard_ids: list[int] | None = None,
    force_sync: bool = False,
    rng: random.Random | None = None,
) -> QuoteBot | ShardedQuoteBot:
    """A client answering from `library`; `shards` ("auto" or a count) picks AutoShardedClient."""
    options: dict[str, Any] = {
        "intents": discord.Intents.default(),
        "allowed_mentions": discord.AllowedMentions.none(),
        "max_ratelimit_timeout": MAX_RATELIMIT_WAIT,
    }
    shards = shards if shards is not None else settings.discord_shards
    client: QuoteBot | ShardedQuoteBot
    if shards is None:
        client = QuoteBot(**options)
    else:
        if shards != "auto":
            options["shard_count"] = int(shards)
            if shard_ids:
                options["shard_ids"] = list(shard_ids)
        client = ShardedQuoteBot(**options)
    quoter = Quoter(library, public=settings.discord_public, rng=rng or random.Random())
    state = settings.discord_sync_state
    client._setup_quotebot(
        quoter,
        settings.discord_guild_id,
        Path(state).expanduser() if state else default_state_path(),
        force_sync,
    )
    return client
