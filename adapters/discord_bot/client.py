"""The Discord client: built by `create_bot(library, settings)`, nothing done at import."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from pathlib import Path
from typing import Any

import discord

from bot import AdviceService, Claims, Library, Settings
from bot.cards import CardStyle
from bot.web import PageLinks

from .advice import DiscordAdviceSender
from .answers import Quoter
from .commands import QuoteTree, add_commands
from .daily import add_daily_commands
from .sync import default_state_path, sync_commands
from .views import DYNAMIC_ITEMS

log = logging.getLogger(__name__)

# Longer rate-limit waits raise discord.RateLimited instead of sleeping, so a member is told
# to try again rather than left waiting.
MAX_RATELIMIT_WAIT = 30.0
GUILD_READY_TIMEOUT = 0.5


class _QuoteBot(discord.Client):
    """What both client classes add: the quoter, the command tree, persistent buttons, sync.

    A Client itself (AutoShardedClient, which follows it in ShardedQuoteBot, is one too), so
    the type checker sees the Client methods it calls.
    """

    quoter: Quoter
    tree: QuoteTree
    # Answers being (or already) posted to their channel, by message id: one post per answer.
    shares: Claims
    advice: AdviceService | None
    _advice_task: asyncio.Task[None] | None = None

    def _setup_quotebot(
        self,
        quoter: Quoter,
        guild_id: int | None,
        state_path: Path,
        force_sync: bool,
        advice: AdviceService | None = None,
        advice_loop: bool = True,
    ) -> None:
        self.quoter = quoter
        self.shares = Claims()
        self.advice = advice
        self._advice_loop = advice_loop
        self.tree = QuoteTree(self)
        add_commands(self.tree, quoter)
        add_daily_commands(self.tree, advice, quoter.defer_after)
        self._sync_guild_id = guild_id
        self._sync_state_path = state_path
        self._force_sync = force_sync

    async def setup_hook(self) -> None:
        """Before connecting: make old answers' buttons work again, sync commands if changed,
        and start posting daily advice (REST only, so it need not wait for the gateway)."""
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        await sync_commands(
            self.tree,
            application_id=self.application_id,
            guild_id=self._sync_guild_id,
            state_path=self._sync_state_path,
            force=self._force_sync,
        )
        if self.advice is not None:
            self.advice.scheduler.add_sender(DiscordAdviceSender(self, links=self.quoter.links))
            if self._advice_loop and (self._advice_task is None or self._advice_task.done()):
                self._advice_task = asyncio.create_task(
                    self.advice.scheduler.run(), name="quotebot-advice-scheduler"
                )

    async def close(self) -> None:
        """Stop the advice scheduler (after its current step), then disconnect."""
        task, self._advice_task = self._advice_task, None
        if task is not None and self.advice is not None:
            self.advice.scheduler.stop()
            try:
                await asyncio.wait_for(task, timeout=10)
            except TimeoutError:
                log.warning("the advice scheduler did not stop in time; cancelling it")
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            except Exception:
                log.exception("the advice scheduler failed")
        await super().close()

    async def on_ready(self) -> None:
        user = self.user
        log.info("connected as %s to %d servers", user, len(self.guilds))


class QuoteBot(_QuoteBot):
    """quotebot on one gateway connection."""


class ShardedQuoteBot(_QuoteBot, discord.AutoShardedClient):
    """quotebot on several shards (`--shards auto` or a count), for large installs."""


def gateway_intents() -> discord.Intents:
    """Only the guilds intent: slash commands, buttons and autocomplete arrive as interactions
    whatever the intents, and the guild cache (channels, the bot's permissions) is all the daily
    posts need. The default set would stream every message, typing and reaction event."""
    return discord.Intents(guilds=True)


def create_bot(
    library: Library,
    settings: Settings,
    *,
    shards: str | int | None = None,
    shard_ids: list[int] | None = None,
    force_sync: bool = False,
    rng: random.Random | None = None,
    advice: AdviceService | None = None,
    advice_loop: bool = True,
    card_style: CardStyle | None = None,
) -> QuoteBot | ShardedQuoteBot:
    """A client answering from `library`; `shards` ("auto" or a count) picks AutoShardedClient.

    With `advice`, `/quote-daily` manages daily advice and the client registers its Discord
    sender with the service's scheduler; `advice_loop` also runs the scheduler's loop from
    `setup_hook` until the client closes (one loop per process). Without it, `/quote-daily`
    says daily advice is not enabled.
    """
    options: dict[str, Any] = {
        "intents": gateway_intents(),
        "allowed_mentions": discord.AllowedMentions.none(),
        "max_ratelimit_timeout": MAX_RATELIMIT_WAIT,
        # discord.py holds `on_ready` until no guild arrived for this long (2 s by default),
        # and readiness waits for it; slash commands need no guild cache, so keep it short.
        "guild_ready_timeout": GUILD_READY_TIMEOUT,
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
    quoter = Quoter(
        library,
        public=settings.discord_public,
        rng=rng or random.Random(),
        links=PageLinks(settings.public_url),
        card_style=card_style or CardStyle.from_settings(settings),
    )
    state = settings.discord_sync_state
    client._setup_quotebot(
        quoter,
        settings.discord_guild_id,
        Path(state).expanduser() if state else default_state_path(),
        force_sync,
        advice,
        advice_loop,
    )
    return client
