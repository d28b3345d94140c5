"""quotebot's core: transcripts in, quotable passages out. No chat SDK is imported here."""

from .advice import AdvicePool, CurationError, build_pool
from .advice_service import AdviceService, Reply, create_advice_service
from .delivery import AdvicePost, AdviceSender, Delivery, advice_nonce
from .errors import QueryError, QuotebotError, TranscriptError, UnknownFilterValue
from .library import Library
from .logging_setup import configure_logging
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
from .schedule import ScheduleError, Subscription, next_due, timezone_choices
from .scheduler import AdviceScheduler
from .settings import ConfigError, Settings
from .text import fold

__all__ = [
    "AdvicePool",
    "AdvicePost",
    "AdviceScheduler",
    "AdviceSender",
    "AdviceService",
    "ConfigError",
    "Context",
    "Correction",
    "CurationError",
    "Delivery",
    "Episode",
    "Hit",
    "Library",
    "ParsedQuery",
    "Passage",
    "QueryError",
    "QuotebotError",
    "Reply",
    "ScheduleError",
    "SearchResult",
    "SectionInfo",
    "Settings",
    "SpeakerInfo",
    "Subscription",
    "TranscriptError",
    "UnknownFilterValue",
    "advice_nonce",
    "build_pool",
    "configure_logging",
    "create_advice_service",
    "fold",
    "format_timestamp",
    "next_due",
    "timezone_choices",
]
