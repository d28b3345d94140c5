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
from .settings import ConfigError, Settings

__all__ = [
    "ConfigError",
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
    "Settings",
    "SpeakerInfo",
    "TranscriptError",
    "UnknownFilterValue",
    "format_timestamp",
]
