"""What a preview shows, small enough to ride in a button's `value` and survive a restart.

A button carries the query and the hit's position in its results (or, for a random quote, the
passage key), plus how far the excerpt has been widened. Nothing is kept in memory between
clicks, so a preview keeps working after the bot restarts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

# Queries are capped at this many characters (before JSON escaping).
MAX_QUERY_CHARS = 500
# Slack allows 2,000 characters in a button value. JSON doubles `"` and `\\` and writes a
# control character as six, so `encode` also shortens the query until the value fits.
MAX_VALUE_CHARS = 2000
MAX_CONTEXT = 3


@dataclass(frozen=True)
class View:
    """One preview: `query` and `offset` for search results, `key` alone for a random quote."""

    query: str | None = None
    offset: int = 0
    key: str | None = None
    context: int = 0

    @property
    def is_random(self) -> bool:
        return self.query is None

    def at(self, offset: int) -> View:
        """The same query at another position, not widened."""
        return replace(self, offset=max(0, offset), key=None, context=0)

    def widened(self) -> View:
        """One more neighbouring passage on each side, up to MAX_CONTEXT."""
        return replace(self, context=min(MAX_CONTEXT, self.context + 1))

    def encode(self) -> str:
        """Compact JSON for a button value, always within Slack's 2,000 characters (counted
        in UTF-16 code units, the stricter count: an emoji counts two)."""
        query = None if self.query is None else self.query[:MAX_QUERY_CHARS]
        value = self._json(query)
        excess = _length(value) - MAX_VALUE_CHARS
        if excess <= 0 or not query:
            return value
        # The longest start of the query whose JSON fits in the room left.
        room = _json_length(query) - excess
        kept = 0
        for character in query:
            room -= _json_length(character)
            if room < 0:
                break
            kept += 1
        return self._json(query[:kept])

    def _json(self, query: str | None) -> str:
        data: dict[str, object] = {}
        if query is not None:
            data["q"] = query
            data["o"] = self.offset
        if self.key:
            data["k"] = self.key
        if self.context:
            data["c"] = self.context
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def decode(cls, value: str) -> View:
        """Read a button value back; ValueError for anything this adapter did not write."""
        try:
            data = json.loads(value)
        except (TypeError, json.JSONDecodeError) as exc:
            raise ValueError("not a quotebot button value") from exc
        if not isinstance(data, dict):
            raise ValueError("not a quotebot button value")
        query, key = data.get("q"), data.get("k")
        offset, context = data.get("o", 0), data.get("c", 0)
        if query is not None and not isinstance(query, str):
            raise ValueError("bad query")
        if key is not None and not isinstance(key, str):
            raise ValueError("bad key")
        if not isinstance(offset, int) or not isinstance(context, int):
            raise ValueError("bad offset or context")
        if query is None and not key:
            raise ValueError("neither a query nor a passage key")
        return cls(query, max(0, offset), key, max(0, min(MAX_CONTEXT, context)))


def _json_length(text: str) -> int:
    """The length of `text` inside a JSON string (escapes included), as `_length` counts."""
    return _length(json.dumps(text, ensure_ascii=False)) - 2


def _length(text: str) -> int:
    """Length in UTF-16 code units; a lone surrogate counts one."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
