"""What a preview shows, small enough to ride in a button's `value` and survive a restart.

A button carries the query and the hit's position in its results (or, for a random quote, the
passage key), plus how far the excerpt has been widened. Nothing is kept in memory between
clicks, so a preview keeps working after the bot restarts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

# Slack allows 2,000 characters in a button value; JSON may double a query's quotes.
MAX_QUERY_CHARS = 500
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
        """Compact JSON for a button value (always within Slack's 2,000 characters)."""
        data: dict[str, object] = {}
        if self.query is not None:
            data["q"] = self.query[:MAX_QUERY_CHARS]
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
