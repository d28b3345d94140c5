"""Dropping repeated deliveries: Slack redelivers (`X-Slack-Retry-Num`) and bolt does not dedupe.

Each delivery has an identity that a redelivery repeats: `event_id` for events, `trigger_id` for
slash commands and button presses. The first sighting of an identity is processed; repeats
within the time-to-live are acknowledged and dropped. The memory is per process: replicas
behind one URL would need a shared store (the same claim-by-unique-insert the daily posts use).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

log = logging.getLogger(__name__)

# Slack retries within minutes; remember a little longer than that.
DEFAULT_TTL = 15 * 60.0
DEFAULT_MAX_KEYS = 50_000


class Deduper:
    """Keys claimed in the last `ttl` seconds (bounded); `claim` is true for the first only."""

    def __init__(
        self,
        ttl: float = DEFAULT_TTL,
        max_keys: int = DEFAULT_MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_keys = max_keys
        self.clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def claim(self, key: str) -> bool:
        """Record `key`; false if it was already claimed and has not expired."""
        now = self.clock()
        while self._seen and next(iter(self._seen.values())) <= now:
            self._seen.popitem(last=False)
        if key in self._seen:
            return False
        while len(self._seen) >= self.max_keys:
            self._seen.popitem(last=False)
        self._seen[key] = now + self.ttl
        return True

    def release(self, key: str) -> None:
        """Forget `key`, so the same action can be tried again (after a failure)."""
        self._seen.pop(key, None)


def delivery_key(body: Mapping[str, Any], raw_body: str = "") -> str:
    """What a redelivery of this request repeats: event id, trigger id, else the body's hash."""
    for field in ("event_id", "trigger_id"):
        value = body.get(field)
        if isinstance(value, str) and value:
            return f"{field}:{value}"
    data = raw_body or json.dumps(body, sort_keys=True, default=str)
    return "body:" + hashlib.sha256(data.encode("utf-8")).hexdigest()


def redelivery_filter(
    seen: Deduper,
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
