"""Errors the core raises, each carrying what a user needs to fix the problem."""

from __future__ import annotations

from collections.abc import Sequence


class QuotebotError(Exception):
    """Base class for every error the core reports to a user."""


class TranscriptError(QuotebotError):
    """A transcript file that cannot be served, with the file and line to look at."""

    def __init__(self, source: str, line: int, message: str) -> None:
        super().__init__(f"{source}:{line}: {message}")
        self.source = source
        self.line = line
        self.message = message


class QueryError(QuotebotError):
    """A query the engine cannot run; the message is written for the person who typed it."""


class UnknownFilterValue(QueryError):
    """A `speaker:`, `section:` or `episode:` value that matches nothing in the library."""

    def __init__(self, field: str, value: str, valid: Sequence[str]) -> None:
        shown = ", ".join(valid[:25]) + (" …" if len(valid) > 25 else "")
        super().__init__(f"No {field} matches “{value}”. Known {field}s: {shown}")
        self.field = field
        self.value = value
        self.valid = tuple(valid)
