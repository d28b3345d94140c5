"""Claims on keys within one process, so the same action is not done twice at once.

Chat platforms deliver some things twice: Slack redelivers a request it thinks was missed, and
a member who double-clicks a share button sends two presses. The first to claim a key acts;
the others see it taken. A claim is released when the action fails (so it can be tried again)
and kept when it succeeded, until it expires (`ttl`, if any) or is the oldest of `max_keys`.
The memory is per process: replicas would need a shared store (as the daily posts have).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

DEFAULT_MAX_KEYS = 10_000


class Claims:
    """At most `max_keys` claimed keys, each held for `ttl` seconds (None: until pushed out);
    `claim` is true for the first claimant only."""

    def __init__(
        self,
        ttl: float | None = None,
        max_keys: int = DEFAULT_MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_keys = max_keys
        self.clock = clock
        # Key -> when the claim expires; insertion order is expiry order (one ttl for all).
        self._held: OrderedDict[Hashable, float] = OrderedDict()

    def claim(self, key: Hashable) -> bool:
        """Take `key`; false if it is already held and has not expired."""
        now = self.clock()
        while self._held and next(iter(self._held.values())) <= now:
            self._held.popitem(last=False)
        if key in self._held:
            return False
        while len(self._held) >= self.max_keys:
            self._held.popitem(last=False)
        self._held[key] = now + self.ttl if self.ttl is not None else float("inf")
        return True

    def release(self, key: Hashable) -> None:
        """Give `key` back, so the action can be tried again (after a failure)."""
        self._held.pop(key, None)

    def __contains__(self, key: Hashable) -> bool:
        expires = self._held.get(key)
        return expires is not None and expires > self.clock()
