"""Dropping repeated deliveries: Slack redelivers (`X-Slack-Retry-Num`) and bolt does not dedupe.

Each delivery has an identity that a redelivery repeats: `event_id` for events, `trigger_id` for
slash commands and button presses. The first sighting of an identity claims it (the core's
Claims) and is processed; repeats within the time-to-live are acknowledged and dropped. The
memory is per process: replicas behind one URL would need a shared store (the same
claim-by-unique-insert the daily posts use).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot import Claims

log = logging.getLogger(__name__)

# Slack retries within minutes; remember a little longer than that.
DEFAULT_TTL = 15 * 60.0
DEFAULT_MAX_KEYS = 50_000


def remembered_deliveries() -> Claims:
    """The claims a redelivery filter (or a Send button) checks: held for DEFAULT_TTL."""
    return Claims(ttl=DEFAULT_TTL, max_keys=DEFAULT_MAX_KEYS)


def delivery_key(body: Mapping[str, Any], raw_body: str = "") -> str:
    """What a redelivery of this request repeats: event id, trigger id, else the body's hash."""
    for field in ("event_id", "trigger_id"):
        value = body.get(field)
        if isinstance(value, str) and value:
            return f"{field}:{value}"
    data = raw_body or json.dumps(body, sort_keys=True, default=str)
    return "body:" + hashlib.sha256(data.encode("utf-8")).hexdigest()


def redelivery_filter(
    seen: Claims,
) -> Callable[..., Awaitable[BoltResponse | None]]:
    """A bolt middleware that acknowledges and drops deliveries it has already seen."""

    async def drop_redeliveries(
        req: AsyncBoltRequest, body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        key = delivery_key(body, req.raw_body)
        if not seen.claim(key):
            retry = (req.headers.get("x-slack-retry-num") or ["?"])[0]
            log.info("dropped a repeated delivery (%s, retry %s)", key.split(":", 1)[0], retry)
            # X-Slack-No-Retry asks Slack to stop redelivering this one.
            return BoltResponse(status=200, body="", headers={"X-Slack-No-Retry": "1"})
        await next()
        return None

    return drop_redeliveries
