"""Daily advice on Slack: the core's `AdviceSender`, posting with `chat.postMessage`.

The core chooses the advice and holds the claim; this module only delivers a post and says
what happened: `Delivery.sent(ts)`, `Delivery.broken(reason)` when the channel rejects posts
(counted towards pausing it), or `Delivery.retry(reason)` for a passing problem.

**Not posting twice after a crash.** Slack's `chat.postMessage` has no idempotency key. Every
daily post carries message metadata `{"event_type": "quotebot_advice", "event_payload":
{"nonce": …}}` (the nonce is derived from platform, channel and date). When the scheduler hands
over a post with `attempt > 1` (an earlier attempt may have posted before its process died),
`send` first looks for that nonce in the channel and, if it is there, reports that message as
sent instead of posting again.

The look-up fits the budget Slack gives apps outside the Slack Marketplace (new apps and
installs since 2025-05-29): `conversations.history` once a minute, at most 15 messages. It is
one request, for the moments an earlier attempt could have posted in (`post.earlier_window`:
from that attempt's claim to the end of its send, about 40 seconds), 15 messages at most,
never paged. A rate-limited look-up does not wait: the post is retried after Slack's
Retry-After, and the window is kept for that retry. What remains at-least-once: a crash before
Slack shows the first post in history, more than 15 messages in the window, and channels where
history cannot be read (a public channel the bot posts to through `chat:write.public` without
being a member, or an install without `channels:history`/`groups:history`): there the sender
logs that it cannot check, and posts.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from datetime import time as clock_time
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot import AdvicePost, Delivery, Settings, Subscription
from bot.web import PageLinks

from . import blocks, messages
from .app import create_client, with_rate_limit_retries
from .delivery import (
    CONNECTION_FAILED,
    TOKEN_ERRORS,
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
# Messages read back when looking for an earlier attempt: Slack's most for apps outside the
# Marketplace, in one request (they may make one a minute).
HISTORY_LIMIT = 15
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
}


def create_sender(settings: Settings) -> SlackAdviceSender | None:
    """The Slack sender for `quotebot advice post-due` and the bot; None without a bot token."""
    if not settings.slack_bot_token:
        return None
    return SlackAdviceSender(create_client(settings), links=PageLinks(settings.public_url))


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
        return Delivery.retry(f"Slack is busy ({code}{after})", after=failed.retry_after)
    if code in TOKEN_ERRORS:
        # The token, not the channel: pausing every channel would make each one re-subscribe
        # after the reinstall. Retried later; /readyz names SLACK_BOT_TOKEN meanwhile.
        return Delivery.retry(f"Slack rejected the bot token ({code}): {TOKEN_ERRORS[code]}")
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
        links: PageLinks | None = None,
    ) -> None:
        self.client = with_rate_limit_retries(client)
        # With QUOTEBOT_PUBLIC_URL the post links its quote's page.
        self.links = links or PageLinks()
        # The look-up must not sit out a minute-long Retry-After inside the scheduler's send
        # timeout: the same client without the rate-limit retry; the scheduler waits instead.
        self.history_client = AsyncWebClient(
            token=client.token,
            base_url=client.base_url,
            timeout=client.timeout,
            session=client.session,
            retry_handlers=[
                handler
                for handler in self.client.retry_handlers
                if not isinstance(handler, AsyncRateLimitErrorRetryHandler)
            ],
        )
        self.history_limit = history_limit

    async def send(self, post: AdvicePost) -> Delivery:
        """Post the advice (unless an earlier attempt is already in the channel)."""
        channel = post.subscription.channel
        checked = False
        if post.attempt > 1:
            earlier = await self._earlier_post(post)
            if isinstance(earlier, Delivery):
                return earlier
            checked = earlier
        outcome = await post_message(
            self.client,
            channel,
            blocks.advice_message(post.hit, page_url=self.links.quote(post.hit.key)),
            metadata={"event_type": ADVICE_EVENT, "event_payload": {"nonce": post.nonce}},
            purpose="advice",
        )
        if isinstance(outcome, DeliveryFailed):
            delivery = failure(outcome)
            # Slack answered: this attempt did not post, and the earlier ones were looked for.
            if checked and outcome.error != CONNECTION_FAILED:
                delivery = replace(delivery, checked=True)
            return delivery
        return Delivery.sent(outcome.ts)

    async def _earlier_post(self, post: AdvicePost) -> Delivery | bool:
        """`sent` for a message of an earlier attempt; `retry` if history is rate limited or
        briefly unavailable (looked up again on the next try). Otherwise we post: True when
        every message of the window was read and none is an earlier attempt's, False when
        that could not be made sure of (history unreadable, more messages than one request)."""
        channel = post.subscription.channel
        oldest, latest = post.earlier_window or (
            datetime.combine(post.day, clock_time(0), tzinfo=post.subscription.zone),
            None,
        )
        request: dict[str, Any] = {
            "channel": channel,
            "oldest": f"{oldest.timestamp():.6f}",
            "limit": self.history_limit,
            "include_all_metadata": True,
            "inclusive": True,
        }
        if latest is not None:
            request["latest"] = f"{latest.timestamp():.6f}"
        try:
            response = await self.history_client.conversations_history(**request)
        except SlackApiError as exc:
            if is_transient(exc):
                return failure(refused(channel, exc))
            log.warning(
                "cannot read %s to check for an earlier advice post (%s); posting, so this "
                "channel may get it twice",
                channel,
                error_code(exc),
            )
            return False
        except (TimeoutError, aiohttp.ClientError) as exc:
            return failure(unreachable(channel, exc))
        earlier = _with_nonce(response.get("messages") or [], post.nonce)
        if earlier is not None:
            log.info("advice for %s on %s was already posted (%s)", channel, post.day, post.nonce)
            return Delivery.sent(str(earlier.get("ts")))
        if response.get("has_more"):
            log.warning(
                "no earlier advice post among the %d newest messages of %s when it may have "
                "been posted, and there are more; posting, so this channel may get it twice",
                self.history_limit,
                channel,
            )
            return False
        return True

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
    if code in TOKEN_ERRORS:
        return messages.TOKEN_REJECTED.format(code=code)
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
