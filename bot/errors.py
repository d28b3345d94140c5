"""Errors the core raises, each carrying what a user needs to fix the problem."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class QuotebotError(Exception):
    """Base class for every error the core reports to a user."""


class TranscriptError(QuotebotError):
    """A transcript file that cannot be served, with the file and line to look at."""

    def __init__(self, source: str, line: int, message: str) -> None:
        # Line 0 means "the file as a whole" (it cannot be read, or the line is unknown).
        super().__init__(f"{source}:{line}: {message}" if line else f"{source}: {message}")
        self.source = source
        self.line = line
        self.message = message


@dataclass(frozen=True)
class TranscriptWarning:
    """Something in a transcript that is served but may be wrong (a line that looks like a
    turn header but does not read as one, the same episode twice), with the file and line."""

    source: str
    line: int
    message: str

    def __str__(self) -> str:
        return (
            f"{self.source}:{self.line}: {self.message}"
            if self.line
            else (f"{self.source}: {self.message}")
        )


class LibraryUnavailable(QuotebotError):
    """The corpus or the index cannot be used at all (a folder that cannot be read, an index
    that cannot be written); the message names the path and what to change."""


class QueryError(QuotebotError):
    """A query the engine cannot run; the message is written for the person who typed it."""


class MissingFilterValue(QueryError):
    """`speaker:` (or `section:`, `in:`, `episode:`) typed with nothing after it; the message
    shows a value from the library when the library is known."""

    def __init__(self, field: str, example: str = "") -> None:
        shown = f", e.g. `{field}:{example}`" if example else " after the colon"
        super().__init__(f"`{field}:` needs a value{shown}.")
        self.field = field


class UnknownFilterValue(QueryError):
    """A `speaker:`, `section:` or `episode:` value that matches nothing in the library."""

    def __init__(self, field: str, value: str, valid: Sequence[str]) -> None:
        shown = ", ".join(valid[:25]) + (" …" if len(valid) > 25 else "")
        super().__init__(f"No {field} matches “{value}”. Known {field}s: {shown}")
        self.field = field
        self.value = value
        self.valid = tuple(valid)
