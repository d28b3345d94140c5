"""Claims on keys within one process, so the same action is not done twice at once.

A member who double-clicks Post to channel sends two interactions for the same answer; the
first to claim the answer's message id posts, the second is told it is already shared. A claim
is released when the action fails (so it can be tried again) and kept when it succeeded. The
memory is per process and bounded: a restart forgets it, by when the button shows "Posted".
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

DEFAULT_MAX_KEYS = 10_000


class Claims:
    """At most `max_keys` claimed keys, oldest forgotten first; `claim` is true for the first."""

    def __init__(self, max_keys: int = DEFAULT_MAX_KEYS) -> None:
        self.max_keys = max_keys
        self._held: OrderedDict[Hashable, None] = OrderedDict()

    def claim(self, key: Hashable) -> bool:
        """Take `key`; false if it is already held."""
        if key in self._held:
            return False
        while len(self._held) >= self.max_keys:
            self._held.popitem(last=False)
        self._held[key] = None
        return True

    def release(self, key: Hashable) -> None:
        """Give `key` back, so the action can be tried again (after a failure)."""
        self._held.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._held
