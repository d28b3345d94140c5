"""Posting a message to a channel: the message's id, or a typed failure with words for users.

Slack's `chat.postMessage` has no idempotency key, so callers that must post once (Send, and
later the daily post) guard against repeats themselves before calling `post_message`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from .blocks import Message

log = logging.getLogger(__name__)

# What each Web API error means for the person who pressed Send.
ERROR_MESSAGES = {
    "not_in_channel": (
        "I can't post in this channel because I'm not a member. "
        "Add me with `/invite @quotebot`, then press *Send* again."
    ),
    "channel_not_found": (
        "I can't see this channel: private channels and group messages need me added first "
        "(`/invite @quotebot`)."
    ),
    "is_archived": "This channel is archived, so nothing can be posted to it.",
    "ratelimited": "Slack is asking me to slow down. Please press *Send* again in a minute.",
    "restricted_action": "This workspace's settings don't allow me to post in this channel.",
    "msg_too_long": "That quote is too long for one Slack message.",
    "msg_blocks_too_long": "That quote is too long for one Slack message.",
    "connection_failed": "I couldn't reach Slack just now. Please try again in a moment.",
}


@dataclass(frozen=True)
class Delivered:
    """The message is in the channel; `ts` is its id there."""

    channel: str
    ts: str


@dataclass(frozen=True)
class DeliveryFailed:
    """Slack refused or could not be reached; `error` is Slack's code, `message` for users."""

    channel: str
    error: str
    message: str
    retry_after: int | None = None


def user_message(error: str) -> str:
    """Words for the user about a Web API error code."""
    return ERROR_MESSAGES.get(
        error, f"Slack didn't accept the message (`{error}`). Please try again in a moment."
    )


async def post_message(
    client: AsyncWebClient, channel: str, message: Message
) -> Delivered | DeliveryFailed:
    """Post `message` to `channel` as the bot; never raises for Slack or network errors."""
    try:
        response = await client.chat_postMessage(
            channel=channel,
            text=message.text,
            blocks=message.blocks,
            # A quote links its episode; unfurling that would bury the quote under a video card.
            unfurl_links=False,
            unfurl_media=False,
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error") or f"http_{exc.response.status_code}")
        retry_after = exc.response.headers.get("Retry-After") or exc.response.headers.get(
            "retry-after"
        )
        log.warning("chat.postMessage to %s failed: %s", channel, error)
        return DeliveryFailed(
            channel,
            error,
            user_message(error),
            int(retry_after) if str(retry_after or "").isdigit() else None,
        )
    except (TimeoutError, aiohttp.ClientError) as exc:
        log.warning("chat.postMessage to %s failed: %s", channel, type(exc).__name__)
        return DeliveryFailed(channel, "connection_failed", user_message("connection_failed"))
    return Delivered(str(response.get("channel") or channel), str(response.get("ts")))
