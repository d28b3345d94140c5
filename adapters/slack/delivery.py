"""Posting a message to a channel, and what Slack's Web API errors mean: the one place for both.

`post_message` gives the message's id, or a typed failure with words for users; Send
(`app.py`) shows those words, the daily advice sender (`advice.py`) turns the failure into a
`Delivery`. `error_code`, `is_transient` and `header` read any SlackApiError the same way for
every caller (history and channel look-ups, users.info).

Slack's `chat.postMessage` has no idempotency key, so callers that must post once (Send, the
daily post) guard against repeats themselves before calling `post_message`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from . import messages
from .blocks import Message

log = logging.getLogger(__name__)

# The error of a post that never reached Slack (timeout, connection refused or reset).
CONNECTION_FAILED = messages.CONNECTION_FAILED

# Web API errors that mean the bot token itself is no good (every channel, every call): not
# the channel's fault and not passing; someone has to reinstall the app or fix the token.
TOKEN_ERRORS = {
    "invalid_auth": "the token is not valid (copied wrong, or the app was reinstalled)",
    "not_authed": "no token was sent",
    "token_revoked": "the token was revoked (was the app uninstalled?)",
    "token_expired": "the token expired (token rotation is on: turn it off or refresh it)",
    "account_inactive": "the app was uninstalled or its bot user deactivated",
    "not_allowed_token_type": "it is not a bot token (expected xoxb-…)",
    "ekm_access_denied": "the workspace's key management revoked access",
}

# Errors that pass: worth trying again later.
TRANSIENT = {
    "ratelimited",
    "rate_limited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
    "team_added_to_org",
}


@dataclass(frozen=True)
class Delivered:
    """The message is in the channel; `ts` is its id there."""

    channel: str
    ts: str


@dataclass(frozen=True)
class DeliveryFailed:
    """Slack refused or could not be reached; `error` is Slack's code, `message` for users.

    `transient`: a rate limit, a 5xx, an error Slack documents as temporary, or Slack not
    reached; `needed` is the scope a `missing_scope` asks for; `detail` names the exception
    when Slack was not reached.
    """

    channel: str
    error: str
    message: str
    retry_after: int | None = None
    transient: bool = False
    needed: str | None = None
    detail: str = ""


def error_code(exc: SlackApiError) -> str:
    """Slack's error code for a failed call, or `http_<status>` when the body has none."""
    response = exc.response
    return str(response.get("error") or f"http_{response.status_code}")


def is_transient(exc: SlackApiError) -> bool:
    """A rate limit, a 5xx or an error Slack documents as temporary."""
    status = exc.response.status_code or 0
    return status == 429 or status >= 500 or error_code(exc) in TRANSIENT


def header(headers: Mapping[str, Any] | None, name: str) -> str | None:
    """A response header by its lower-case `name`, whatever its case in `headers`."""
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) and value else value)
    return None


def user_message(error: str) -> str:
    """Words for the user about a Web API error code."""
    if error in TOKEN_ERRORS:
        return messages.TOKEN_REJECTED.format(code=error)
    return messages.POST_ERRORS.get(error, messages.POST_REFUSED.format(error=error))


def refused(channel: str, exc: SlackApiError) -> DeliveryFailed:
    """A Web API error answer as a DeliveryFailed."""
    error = error_code(exc)
    retry_after = header(exc.response.headers, "retry-after") or ""
    needed = exc.response.get("needed")
    return DeliveryFailed(
        channel,
        error,
        user_message(error),
        int(retry_after) if retry_after.isdigit() else None,
        transient=is_transient(exc),
        needed=str(needed) if needed else None,
    )


def unreachable(channel: str, exc: BaseException) -> DeliveryFailed:
    """Slack not reached (timeout, connection error) as a DeliveryFailed: always transient."""
    return DeliveryFailed(
        channel,
        CONNECTION_FAILED,
        user_message(CONNECTION_FAILED),
        transient=True,
        detail=type(exc).__name__,
    )


async def post_message(
    client: AsyncWebClient,
    channel: str,
    message: Message,
    *,
    metadata: Mapping[str, Any] | None = None,
    purpose: str = "",
) -> Delivered | DeliveryFailed:
    """Post `message` to `channel` as the bot, with message `metadata` if given; never raises
    for Slack or network errors. `purpose` ("advice") starts the log line of a failure."""
    try:
        response = await client.chat_postMessage(
            channel=channel,
            text=message.text,
            blocks=message.blocks,
            metadata=dict(metadata) if metadata is not None else None,
            # A quote links its episode; unfurling that would bury the quote under a video card.
            unfurl_links=False,
            unfurl_media=False,
        )
    except SlackApiError as exc:
        failed = refused(channel, exc)
    except (TimeoutError, aiohttp.ClientError) as exc:
        failed = unreachable(channel, exc)
    else:
        return Delivered(str(response.get("channel") or channel), str(response.get("ts")))
    what = f"{purpose} chat.postMessage" if purpose else "chat.postMessage"
    log.warning("%s to %s failed: %s", what, channel, failed.detail or failed.error)
    return failed
