"""quotebot's core: transcripts in, quotable passages out. No chat SDK is imported here."""

from .errors import QueryError, QuotebotError, TranscriptError, UnknownFilterValue
from .library import Library
from .models import (
    Context,
    Correction,
    Episode,
    Hit,
    ParsedQuery,
    Passage,
    SearchResult,
    SectionInfo,
    SpeakerInfo,
    format_timestamp,
)

__all__ = [
    "Context",
    "Correction",
    "Episode",
    "Hit",
    "Library",
    "ParsedQuery",
    "Passage",
    "QueryError",
    "QuotebotError",
    "SearchResult",
    "SectionInfo",
    "SpeakerInfo",
    "TranscriptError",
    "UnknownFilterValue",
    "format_timestamp",
]
