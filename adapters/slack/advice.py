"""Daily advice on Slack: the core's `AdviceSender`, posting with `chat.postMessage`.

The core chooses the advice and holds the claim; this module only delivers a post and says
what happened: `Delivery.sent(ts)`, `Delivery.broken(reason)` when the channel rejects posts
(counted towards pausing it), or `Delivery.retry(reason)` for a passing problem.

**Not posting twice after a crash.** Slack's `chat.postMessage` has no idempotency key. Every
daily post carries message metadata `{"event_type": "quotebot_advice", "event_payload":
{"nonce": …}}` (the nonce is derived from platform, channel and date). When the scheduler hands
over a post with `attempt > 1` (an earlier attempt may have posted before its process died),
`send` first reads the channel's messages since the local midnight (`conversations.history`,
`include_all_metadata`, newest first, following `next_cursor` for up to HISTORY_PAGES pages of
HISTORY_LIMIT) and, if one carries the nonce, reports that message as sent instead of posting
again. (AdvicePost carries no claim time, so the search starts at midnight.) What remains is
at-least-once in a narrower window: a crash after Slack accepted the post but before Slack
shows it in history, a channel with more messages since midnight than those pages hold, and
channels where history cannot be read (a public channel the bot posts to through
`chat:write.public` without being a member, or an install without
`channels:history`/`groups:history`): there the sender logs that it cannot check and posts.
"""

from __future__ import annotations

import logging
from datetime import datetime
from datetime import time as clock_time
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import AdvicePost, Delivery, Settings, Subscription

from . import blocks
from .app import create_client, with_rate_limit_retries
from .delivery import (
    CONNECTION_FAILED,
    DeliveryFailed,
    error_code,
    header,
    is_transient,
    post_message,
    refused,
    unreachable,
)

log = logging.getLogger(__name__)

PLATFORM = "slack"
ADVICE_EVENT = "quotebot_advice"
# Messages read back when looking for an earlier attempt: pages of the newest since local
# midnight (200 is the page size Slack recommends), at most this many pages.
HISTORY_LIMIT = 200
HISTORY_PAGES = 10
INVITE = "invite me with `/invite @quotebot`"

# Web API errors that mean the channel will not take our posts until someone changes something.
# The reason is stored with the subscription and shown by `/quote-daily status`.
BROKEN_REASONS = {
    "channel_not_found": (
        "the channel is gone or I can't see it (a private channel needs me invited)"
    ),
    "not_in_channel": f"I'm not a member of the channel: {INVITE}",
    "is_archived": "the channel is archived",
    "access_denied": "Slack denied me access to the channel",
    "restricted_action": "the workspace's settings don't let me post in this channel",
    "restricted_action_read_only_channel": "the channel is read-only",
    "restricted_action_thread_only_channel": "the channel only allows replies in threads",
    "restricted_action_non_threadable_channel": "the workspace restricts posting there",
    "team_access_not_granted": "the app is not allowed in this channel's workspace",
    "missing_scope": "the app lacks a permission: reinstall it from deploy/slack-manifest.yml",
    "not_allowed_token_type": "the bot token is of the wrong kind (expected xoxb-)",
    "not_authed": "the bot token is missing",
    "invalid_auth": "the bot token is not valid (was the app reinstalled?)",
    "account_inactive": "the app was uninstalled or its bot user deactivated",
    "token_revoked": "the bot token was revoked (was the app uninstalled?)",
    "token_expired": "the bot token expired",
    "ekm_access_denied": "the workspace's key management revoked access",
}


def create_sender(settings: Settings) -> SlackAdviceSender | None:
    """The Slack sender for `quotebot advice post-due` and the bot; None without a bot token."""
    if not settings.slack_bot_token:
        return None
    return SlackAdviceSender(create_client(settings))


def failure(failed: DeliveryFailed) -> Delivery:
    """A failed Web API call as a Delivery: retry when it passes, broken otherwise.

    An error we do not know is treated as broken too: Slack's `ok: false` answers are
    deterministic apart from the transient ones, so retrying every few minutes all day would
    change nothing, while counting it pauses the channel after a few tries and shows the code
    in `/quote-daily status`.
    """
    code = failed.error
    if code == CONNECTION_FAILED:
        return Delivery.retry(f"could not reach Slack ({failed.detail})")
    if failed.transient:
        after = f", retry after {failed.retry_after} s" if failed.retry_after is not None else ""
        return Delivery.retry(f"Slack is busy ({code}{after})")
    reason = BROKEN_REASONS.get(code, "Slack refused the post")
    if code == "missing_scope" and failed.needed:
        reason += f" (needs {failed.needed})"
    return Delivery.broken(f"{reason} ({code})")


class SlackAdviceSender:
    """Posts advice with the bot token; never raises for Slack or network errors."""

    platform = PLATFORM

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        history_limit: int = HISTORY_LIMIT,
        history_pages: int = HISTORY_PAGES,
    ) -> None:
        self.client = with_rate_limit_retries(client)
        self.history_limit = history_limit
        self.history_pages = history_pages

    async def send(self, post: AdvicePost) -> Delivery:
        """Post the advice (unless an earlier attempt is already in the channel)."""
        channel = post.subscription.channel
        if post.attempt > 1:
            earlier = await self._earlier_post(post)
            if earlier is not None:
                return earlier
        outcome = await post_message(
            self.client,
            channel,
            blocks.advice_message(post.hit),
            metadata={"event_type": ADVICE_EVENT, "event_payload": {"nonce": post.nonce}},
            purpose="advice",
        )
        if isinstance(outcome, DeliveryFailed):
            return failure(outcome)
        return Delivery.sent(outcome.ts)

    async def _earlier_post(self, post: AdvicePost) -> Delivery | None:
        """`sent` for a message of an earlier attempt, `retry` if history is briefly
        unavailable, None when there is none (or history cannot be read: then we post)."""
        channel = post.subscription.channel
        midnight = datetime.combine(post.day, clock_time(0), tzinfo=post.subscription.zone)
        cursor: str | None = None
        for _ in range(self.history_pages):
            try:
                response = await self.client.conversations_history(
                    channel=channel,
                    oldest=f"{midnight.timestamp():.6f}",
                    limit=self.history_limit,
                    include_all_metadata=True,
                    cursor=cursor,
                )
            except SlackApiError as exc:
                if is_transient(exc):
                    return failure(refused(channel, exc))
                log.warning(
                    "cannot read %s to check for an earlier advice post (%s); posting, so this "
                    "channel may get it twice",
                    channel,
                    error_code(exc),
                )
                return None
            except (TimeoutError, aiohttp.ClientError) as exc:
                return failure(unreachable(channel, exc))
            earlier = _with_nonce(response.get("messages") or [], post.nonce)
            if earlier is not None:
                log.info(
                    "advice for %s on %s was already posted (%s)", channel, post.day, post.nonce
                )
                return Delivery.sent(str(earlier.get("ts")))
            cursor = (response.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        log.warning(
            "no earlier advice post among the newest %d messages of %s since midnight; posting, "
            "so this channel may get it twice",
            self.history_pages * self.history_limit,
            channel,
        )
        return None

    async def check_can_post(self, subscription: Subscription) -> str | None:
        """None when the bot can post in the channel, else what to fix.

        It can when it is a member, or when the channel is public and the token has
        `chat:write.public` (read from the `x-oauth-scopes` header Slack returns; when that
        header is missing we assume the manifest's scopes and let the broken-channel path
        catch a mistake). Private channels always need the invitation.
        """
        channel = subscription.channel
        if channel.startswith("D"):
            return "daily advice goes to channels, not direct messages. Run this in a channel."
        try:
            response = await self.client.conversations_info(channel=channel)
        except SlackApiError as exc:
            return _info_problem(exc)
        except (TimeoutError, aiohttp.ClientError):
            return "I couldn't reach Slack just now. Please try again in a moment."
        info = response.get("channel") or {}
        if info.get("is_archived"):
            return "this channel is archived."
        if info.get("is_im") or info.get("is_mpim"):
            return "daily advice goes to channels, not direct or group messages."
        if info.get("is_member"):
            return None
        if info.get("is_private"):
            return f"this is a private channel, so {INVITE}, then try again."
        scopes = header(response.headers, "x-oauth-scopes")
        if scopes is None or "chat:write.public" in [s.strip() for s in scopes.split(",")]:
            return None
        return f"I'm not a member of this channel: {INVITE}, then try again."


def _with_nonce(messages: list[dict[str, Any]], nonce: str) -> dict[str, Any] | None:
    """The message whose metadata marks it as the advice post with `nonce`, if any."""
    for message in messages:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == ADVICE_EVENT and payload.get("nonce") == nonce:
            return message
    return None


def _info_problem(exc: SlackApiError) -> str:
    code = error_code(exc)
    if code == "channel_not_found":
        return f"I can't see this channel. If it is private, {INVITE}, then try again."
    if code == "missing_scope":
        needed = str(exc.response.get("needed") or "")
        if "im:" in needed:
            return "daily advice goes to channels, not direct or group messages."
        return (
            f"the app is missing the `{needed or 'channels:read'}` permission: reinstall it "
            "with the scopes in deploy/slack-manifest.yml."
        )
    if is_transient(exc):
        return f"Slack didn't answer just now (`{code}`). Please try again in a moment."
    return f"Slack wouldn't tell me about this channel (`{code}`)."
