"""Answering an interaction within Discord's deadline, and turning failures into clear messages.

Every message goes out with `AllowedMentions.none()`. Slow work runs in a thread; when it takes
longer than `defer_after` seconds the interaction is deferred first, so the 3-second deadline
for the first response is always met.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot import QueryError

from .embeds import fit_content, neutralise_mentions
from .permissions import CANNOT_SEND_IN_CHANNEL, MISSING_ACCESS, PERMISSION_NAMES, POST_PERMISSIONS

log = logging.getLogger(__name__)

T = TypeVar("T")
NO_MENTIONS = discord.AllowedMentions.none()
DEFER_AFTER = 1.5
# Discord's JSON error codes we explain (https://discord.com/developers/docs/topics/opcodes-and-status-codes).
UNKNOWN_INTERACTION = 10062


async def compute(
    interaction: discord.Interaction,
    func: Callable[..., T],
    *args: Any,
    ephemeral: bool,
    update: bool = False,
    defer_after: float = DEFER_AFTER,
) -> T:
    """`func(*args)` run in a thread; the interaction is deferred if it takes a while."""
    return await complete(
        interaction,
        asyncio.to_thread(func, *args),
        ephemeral=ephemeral,
        update=update,
        defer_after=defer_after,
    )


async def complete(
    interaction: discord.Interaction,
    work: Awaitable[T],
    *,
    ephemeral: bool,
    update: bool = False,
    defer_after: float = DEFER_AFTER,
) -> T:
    """`work` awaited; the interaction is deferred if it takes longer than `defer_after`."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=defer_after)
    if not done and not interaction.response.is_done():
        if update:
            await interaction.response.defer()
        else:
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
            interaction.extras["deferred_ephemeral"] = ephemeral
    return await task


async def send(interaction: discord.Interaction, *, ephemeral: bool, **message: Any) -> None:
    """A new message answering the interaction: the response, or a follow-up after a defer."""
    message.setdefault("allowed_mentions", NO_MENTIONS)
    if not interaction.response.is_done():
        await interaction.response.send_message(ephemeral=ephemeral, **message)
        return
    deferred = interaction.extras.pop("deferred_ephemeral", None)
    if deferred is False and ephemeral:
        # A public "thinking…" would turn this private answer public: remove it first.
        await interaction.delete_original_response()
    await interaction.followup.send(ephemeral=ephemeral, **message)


async def update(interaction: discord.Interaction, **message: Any) -> None:
    """Replace the message a button sits on."""
    message.setdefault("allowed_mentions", NO_MENTIONS)
    if not interaction.response.is_done():
        await interaction.response.edit_message(**message)
    else:
        await interaction.edit_original_response(**message)


def query_error_text(error: QueryError) -> str:
    """The core's sentence for a refused query, as message content: its markdown (backticks
    around examples) kept, mentions made inert, within Discord's 2,000 characters."""
    return fit_content(neutralise_mentions(str(error)))


def explain(error: BaseException) -> str | None:
    """The message a member sees for an error, or None when nothing can be shown."""
    error = _unwrap(error)
    if isinstance(error, QueryError):
        return query_error_text(error)
    if isinstance(error, discord.RateLimited):
        return (
            f"Discord asked me to slow down. Please try again in {error.retry_after:.0f} seconds."
        )
    if isinstance(error, discord.NotFound) and error.code == UNKNOWN_INTERACTION:
        return None  # The interaction expired: there is no one to tell.
    if isinstance(error, discord.Forbidden) or (
        isinstance(error, discord.HTTPException)
        and error.code in (MISSING_ACCESS, CANNOT_SEND_IN_CHANNEL)
    ):
        return (
            "I'm not allowed to post in this channel. A server admin can give me "
            + ", ".join(PERMISSION_NAMES[p] for p in POST_PERMISSIONS)
            + " here."
        )
    if isinstance(error, discord.HTTPException) and error.status == 429:
        return "Discord is rate limiting me right now. Please try again in a minute."
    if isinstance(error, discord.HTTPException):
        return (
            f"Discord refused that answer (error {error.code or error.status}). Please try again."
        )
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use that here."
    return "Something went wrong on my side; it has been logged. Please try again."


def log_failure(interaction: discord.Interaction, error: BaseException) -> None:
    """One log line per failure: expected Discord refusals as warnings, bugs with a traceback."""
    original = _unwrap(error)
    where = _describe(interaction)
    if isinstance(original, QueryError):
        log.info("query refused %s: %s", where, original)
    elif isinstance(original, discord.HTTPException | discord.RateLimited):
        log.warning("discord refused %s: %s", where, original)
    elif isinstance(original, app_commands.CheckFailure):
        log.info("check failed %s: %s", where, original)
    else:
        log.error("failed %s", where, exc_info=original)


async def report(interaction: discord.Interaction, error: BaseException) -> None:
    """Log a failure and tell the member, privately, where Discord still lets us."""
    log_failure(interaction, error)
    text = explain(error)
    if text is None:
        return
    try:
        await send(interaction, ephemeral=True, content=text)
    except discord.HTTPException as exc:
        log.warning(
            "could not tell the member about the failure %s: %s", _describe(interaction), exc
        )


def _unwrap(error: BaseException) -> BaseException:
    """The error a command or transformer raised, out of discord.py's wrapper around it."""
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        cause = error.__cause__ or getattr(error, "original", None)
        if cause is not None:
            return cause
    return error


def _describe(interaction: discord.Interaction) -> str:
    if interaction.command is not None:
        what = f"/{interaction.command.qualified_name}"
    else:
        data: Mapping[str, object] = interaction.data or {}
        what = f"component {data.get('custom_id', '?')}"
    user = interaction.user.id if interaction.user else "?"
    return (
        f"[{what} interaction={interaction.id} user={user}"
        f" guild={interaction.guild_id} channel={interaction.channel_id}]"
    )
