"""The one small interface each chat adapter implements to deliver advice, and its results.

The core chooses the advice and owns the claim; an adapter only posts an excerpt to a channel
and says what happened. No chat SDK is imported here.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol, runtime_checkable

from ..models import Hit
from ..settings import Settings
from .schedule import Subscription

log = logging.getLogger(__name__)

# Where `quotebot advice post-due` finds a sender for each platform when no bot is running:
# "module:function", the function taking Settings and returning an AdviceSender (or None when
# that platform is not configured). The adapters provide these; the core never imports them.
SENDER_FACTORIES: dict[str, str] = {
    "slack": "adapters.slack.advice:create_sender",
    "discord": "adapters.discord_bot.advice:create_sender",
}


@dataclass(frozen=True)
class AdvicePost:
    """What to deliver: the advice for one channel and local date, with its idempotency nonce."""

    subscription: Subscription
    hit: Hit
    day: date
    nonce: str
    # 1 on the first try; more means an earlier attempt may have posted before the bot
    # crashed, so a sender that can look for `nonce` in the channel (Slack message metadata)
    # should do so before posting again.
    attempt: int = 1


@dataclass(frozen=True)
class Delivery:
    """A sender's answer: sent with a message id, or failed as `broken` or `retry`."""

    ok: bool
    message_id: str | None = None
    kind: Literal["broken", "retry"] | None = None
    reason: str = ""

    @classmethod
    def sent(cls, message_id: str) -> Delivery:
        """The post is in the channel; `message_id` is the platform's id (Slack ts, Discord id)."""
        return cls(True, message_id=str(message_id))

    @classmethod
    def broken(cls, reason: str) -> Delivery:
        """The channel rejects posts (channel_not_found, not_in_channel, is_archived, missing
        access): counted towards marking the subscription broken."""
        return cls(False, kind="broken", reason=reason)

    @classmethod
    def retry(cls, reason: str) -> Delivery:
        """A passing problem (rate limit, timeout, 5xx): try again later the same day."""
        return cls(False, kind="retry", reason=reason)


@runtime_checkable
class AdviceSender(Protocol):
    """One platform's delivery of advice. Adapters implement this; the scheduler calls it."""

    platform: str

    async def send(self, post: AdvicePost) -> Delivery:
        """Post `post.hit` to `post.subscription.channel`; Discord passes `post.nonce` with
        enforce_nonce. Must not raise for platform errors: return Delivery.broken/retry."""
        ...

    async def check_can_post(self, subscription: Subscription) -> str | None:
        """None when the bot can post in the channel, else what to fix, for the subscriber."""
        ...


def advice_nonce(platform: str, channel: str, day: date) -> str:
    """A deterministic 25-character nonce for (platform, channel, day): Discord's limit is 25."""
    digest = hashlib.sha256(f"{platform}:{channel}:{day.isoformat()}".encode()).hexdigest()
    return f"qa{day:%Y%m%d}{digest[:15]}"


def load_senders(
    settings: Settings,
    factories: Mapping[str, str | Callable[[Settings], AdviceSender | None]] | None = None,
) -> tuple[dict[str, AdviceSender], dict[str, str]]:
    """Senders for every platform that has one configured, and why the others have none."""
    senders: dict[str, AdviceSender] = {}
    missing: dict[str, str] = {}
    for platform, factory in (SENDER_FACTORIES if factories is None else factories).items():
        try:
            create = _resolve(factory) if isinstance(factory, str) else factory
        except (ImportError, AttributeError) as exc:
            missing[platform] = f"no advice sender available ({exc})"
            continue
        sender = create(settings)
        if sender is None:
            missing[platform] = "not configured (no token)"
        else:
            senders[platform] = sender
    return senders, missing


def _resolve(reference: str) -> Callable[[Settings], AdviceSender | None]:
    module_name, _, name = reference.partition(":")
    return getattr(importlib.import_module(module_name), name)
