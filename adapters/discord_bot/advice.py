"""Delivering the advice of the day to Discord channels: the adapter's `AdviceSender`.

The core chooses the advice and owns the claim; this module only posts an embed to a channel
and says what happened. It talks to Discord's REST API through a `discord.Client`: the bot's own
gateway-connected client inside `quotebot discord`, or, for `quotebot advice post-due` from cron,
a client that only logs in over REST (`create_sender`), with no gateway connection at all.

Exactly once: every post carries the core's deterministic nonce for (channel, day). discord.py
2.7 sends `enforce_nonce: true` whenever a nonce is given (`Messageable.send` has no separate
flag), so Discord answers a repeated post with the nonce's first message instead of posting
again: a retry after a crash between "sent" and "recorded" does not duplicate, as long as it
comes within Discord's nonce window (a few minutes; see README).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
import discord

from bot import AdvicePost, ConfigError, Delivery, Hit, Settings, Subscription

from .embeds import hit_embed
from .permissions import (
    CANNOT_SEND_IN_CHANNEL,
    MISSING_ACCESS,
    MISSING_PERMISSIONS,
    missing_text,
)

log = logging.getLogger(__name__)

TITLE = "Advice of the day"
FOOTER = "Advice of the day · /quote-daily"
NO_MENTIONS = discord.AllowedMentions.none()
# A cron run should not wait long for a rate limit: the claim is retried on a later run.
REST_RATELIMIT_WAIT = 10.0

# Discord JSON error codes that mean "this channel will not take our posts" (not a passing
# problem): https://discord.com/developers/docs/topics/opcodes-and-status-codes#json, with
# the permission ones shared with the buttons in permissions.py.
UNKNOWN_CHANNEL = 10003
ARCHIVED_THREAD = 50083
BROKEN_REASONS = {
    UNKNOWN_CHANNEL: "the channel no longer exists (or I was removed from its server)",
    MISSING_ACCESS: "I can't see the channel any more (View Channel was taken away)",
    CANNOT_SEND_IN_CHANNEL: "messages can't be sent in this kind of channel",
    MISSING_PERMISSIONS: "I'm missing Send Messages or Embed Links in the channel",
    ARCHIVED_THREAD: "the thread is archived",
}

THREAD_TYPES = {10, 11, 12}  # announcement, public and private threads


def advice_embed(hit: Hit) -> discord.Embed:
    """The daily post: the excerpt as `/quote` shows it, titled "Advice of the day"."""
    embed = hit_embed(hit, FOOTER)
    embed.title = TITLE
    return embed


class DiscordAdviceSender:
    """Posts advice through a `discord.Client`'s REST API (no gateway needed).

    `token` is given only for a client that is not logged in yet (the cron path); it logs in
    on first use. A token Discord rejects (401) is remembered: later posts are not attempted
    again by this process and come back as `retry`, so no channel is wrongly marked broken.
    """

    platform = "discord"

    def __init__(self, client: discord.Client, token: str | None = None) -> None:
        self.client = client
        self._token = token
        self._login_lock = asyncio.Lock()
        self._rejected: str | None = None

    # -- AdviceSender --------------------------------------------------------------------------

    async def send(self, post: AdvicePost) -> Delivery:
        channel_id = _channel_id(post.subscription)
        if channel_id is None:
            return Delivery.broken(f"“{post.subscription.channel}” is not a Discord channel id")
        problem = await self._ready()
        if problem:
            return Delivery.retry(problem)
        channel = self.client.get_partial_messageable(channel_id)
        try:
            # nonce => discord.py also sends enforce_nonce: true (see the module docstring).
            message = await channel.send(
                embed=advice_embed(post.hit), nonce=post.nonce, allowed_mentions=NO_MENTIONS
            )
        except discord.RateLimited as exc:
            return Delivery.retry(f"rate limited for {exc.retry_after:.0f} s")
        except discord.HTTPException as exc:
            return self._failure(exc)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            return Delivery.retry(f"network error ({type(exc).__name__}) {exc}".strip())
        return Delivery.sent(str(message.id))

    async def check_can_post(self, subscription: Subscription) -> str | None:
        """None when the bot may view the channel, send messages and embed links there."""
        channel_id = _channel_id(subscription)
        if channel_id is None:
            return "this is not a server channel I know."
        problem = await self._ready()
        if problem:
            return problem
        try:
            permissions, thread = await self._permissions(channel_id)
        except discord.NotFound:
            return "I can't find this channel. Invite me to the server, then try again."
        except discord.Forbidden:
            return "I can't see this channel. Give me View Channel here, then try again."
        except (discord.HTTPException, discord.RateLimited, aiohttp.ClientError, OSError) as exc:
            # Could not tell: do not refuse for that; a real problem shows up in `status`.
            log.warning("could not check permissions in discord channel %s: %s", channel_id, exc)
            return None
        if permissions is None:
            return None  # not a server channel (a DM): nothing to check
        return missing_text(permissions, thread)

    # -- helpers -------------------------------------------------------------------------------

    async def _ready(self) -> str | None:
        """Log in if this sender owns a not-yet-logged-in client; a problem text, or None."""
        if self._rejected:
            return self._rejected
        if self._token is None or self.client.http.token:
            return None
        async with self._login_lock:
            if self.client.http.token:
                return None
            try:
                await self.client.login(self._token)
            except discord.LoginFailure:
                self._reject()
                return self._rejected
            except (discord.HTTPException, aiohttp.ClientError, OSError) as exc:
                return f"could not log in to Discord: {exc}"
        return None

    def _reject(self) -> None:
        self._rejected = "DISCORD_TOKEN was rejected by Discord (401): reset it and restart"
        log.error("%s; not posting advice to Discord from this process", self._rejected)

    def _failure(self, exc: discord.HTTPException) -> Delivery:
        """A Discord error as `broken` (this channel refuses) or `retry` (try again later)."""
        if exc.status == 401:
            self._reject()
            return Delivery.retry(self._rejected or "unauthorized")
        reason = BROKEN_REASONS.get(exc.code)
        if reason is None and isinstance(exc, discord.Forbidden):
            reason = "I'm not allowed to post in the channel"
        if reason is None and isinstance(exc, discord.NotFound):
            reason = BROKEN_REASONS[UNKNOWN_CHANNEL]
        if reason is not None:
            return Delivery.broken(f"{reason} (Discord error {exc.code or exc.status})")
        # 429 without a wait, 5xx after discord.py's own retries, and anything unexpected.
        return Delivery.retry(f"Discord error {exc.status}: {exc.text or exc.code}")

    async def _permissions(self, channel_id: int) -> tuple[discord.Permissions | None, bool]:
        """The bot's permissions in a channel and whether it is a thread: from the gateway's
        cache when connected, else computed from the channel, guild and member over REST."""
        cached = self.client.get_channel(channel_id)
        if isinstance(cached, discord.abc.GuildChannel | discord.Thread):
            me = cached.guild.me
            if me is not None:
                return cached.permissions_for(me), isinstance(cached, discord.Thread)
        http = self.client.http
        channel: dict[str, Any] = dict(await http.get_channel(channel_id))
        guild_id = channel.get("guild_id")
        if guild_id is None:
            return None, False
        thread = channel.get("type") in THREAD_TYPES
        if thread and channel.get("parent_id"):
            channel = dict(await http.get_channel(channel["parent_id"]))
        guild = dict(await http.get_guild(guild_id, with_counts=False))
        user = self.client.user
        if user is None:
            return None, thread
        member = dict(await http.get_member(guild_id, user.id))
        return channel_permissions(guild, member, channel.get("permission_overwrites", [])), thread


def channel_permissions(
    guild: dict[str, Any], member: dict[str, Any], overwrites: list[dict[str, Any]]
) -> discord.Permissions:
    """A member's permissions in a channel, from raw API objects, as Discord computes them:
    @everyone and role permissions, then the channel's @everyone, role and member overwrites."""
    user_id = str(member["user"]["id"])
    if str(guild.get("owner_id")) == user_id:
        return discord.Permissions.all()
    guild_id = str(guild["id"])
    role_ids = {str(r) for r in member.get("roles", [])}
    roles = {str(r["id"]): int(r["permissions"]) for r in guild.get("roles", [])}
    value = roles.get(guild_id, 0)
    for role_id in role_ids:
        value |= roles.get(role_id, 0)
    permissions = discord.Permissions(value)
    if permissions.administrator:
        return discord.Permissions.all()
    by_id = {(int(o["type"]), str(o["id"])): o for o in overwrites}
    everyone = by_id.get((0, guild_id))
    if everyone:
        permissions.handle_overwrite(allow=int(everyone["allow"]), deny=int(everyone["deny"]))
    allow = deny = 0
    for role_id in role_ids:
        overwrite = by_id.get((0, role_id))
        if overwrite:
            allow |= int(overwrite["allow"])
            deny |= int(overwrite["deny"])
    permissions.handle_overwrite(allow=allow, deny=deny)
    own = by_id.get((1, user_id))
    if own:
        permissions.handle_overwrite(allow=int(own["allow"]), deny=int(own["deny"]))
    return permissions


def _channel_id(subscription: Subscription) -> int | None:
    return int(subscription.channel) if subscription.channel.isdigit() else None


def create_sender(settings: Settings) -> DiscordAdviceSender | None:
    """A REST-only sender for `quotebot advice post-due`; None when DISCORD_TOKEN is unset.

    Nothing touches the network here: the client logs in on the first post. The caller closes
    it with `aclose()` when done.
    """
    from .endpoints import point_discord_at
    from .startup_checks import check_token

    token = (settings.discord_token or "").strip()
    if not token:
        return None
    try:
        token = check_token(token)
    except ConfigError as exc:  # say so, and leave Discord's posts unclaimed
        log.error("%s; not posting advice to Discord", exc)
        return None
    point_discord_at(settings.discord_api_url, settings.discord_gateway_url)
    client = discord.Client(
        intents=discord.Intents.none(),
        allowed_mentions=NO_MENTIONS,
        max_ratelimit_timeout=REST_RATELIMIT_WAIT,
    )
    return RestAdviceSender(client, token)


class RestAdviceSender(DiscordAdviceSender):
    """The cron path's sender: owns its client, which only ever logs in over REST."""

    async def aclose(self) -> None:
        """Close the HTTP session (the client never opened a gateway connection)."""
        await self.client.close()
