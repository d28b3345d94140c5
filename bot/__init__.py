"""quotebot's core: transcripts in, quotable passages out. No chat SDK is imported here."""

from . import messages
from .advice.candidates import CandidateStore, load_library
from .advice.curation import CurationError
from .advice.delivery import AdvicePost, AdviceSender, Delivery, advice_nonce
from .advice.pool import AdvicePool, build_pool
from .advice.schedule import Subscription, next_due
from .advice.scheduler import AdviceScheduler
from .advice.service import AdviceService, Reply, create_advice_service
from .answers import (
    EXCERPT_CHARS,
    Attribution,
    Excerpt,
    NoMatch,
    Page,
    Quote,
    attribution_of,
    excerpt_of,
    fitted,
    fitted_context,
    nearest_sections,
    no_match,
    page_at,
    quote_of,
)
from .claims import Claims
from .errors import (
    LibraryUnavailable,
    QueryError,
    QuotebotError,
    TranscriptError,
    TranscriptWarning,
    UnknownFilterValue,
)
from .feeds import FeedWorker, create_feed_worker
from .library import Library
from .logging_setup import configure_logging
from .metrics import Metrics
from .models import (
    Context,
    Correction,
    Episode,
    Hit,
    ParsedQuery,
    Passage,
    QueryExamples,
    SearchResult,
    SectionInfo,
    SpeakerInfo,
    format_timestamp,
)
from .settings import ConfigError, Settings
from .text import fold, sentence_spans, shorten
from .times import ScheduleError, timezone_choices

__all__ = [
    "EXCERPT_CHARS",
    "Attribution",
    "Claims",
    "Excerpt",
    "NoMatch",
    "Page",
    "Quote",
    "attribution_of",
    "excerpt_of",
    "fitted",
    "fitted_context",
    "messages",
    "nearest_sections",
    "no_match",
    "page_at",
    "quote_of",
    "sentence_spans",
    "shorten",
    "AdvicePool",
    "CandidateStore",
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
    "FeedWorker",
    "Hit",
    "Library",
    "LibraryUnavailable",
    "Metrics",
    "ParsedQuery",
    "Passage",
    "QueryError",
    "QueryExamples",
    "QuotebotError",
    "Reply",
    "ScheduleError",
    "SearchResult",
    "SectionInfo",
    "Settings",
    "SpeakerInfo",
    "Subscription",
    "TranscriptError",
    "TranscriptWarning",
    "UnknownFilterValue",
    "advice_nonce",
    "build_pool",
    "load_library",
    "configure_logging",
    "create_advice_service",
    "create_feed_worker",
    "fold",
    "format_timestamp",
    "next_due",
    "timezone_choices",
]
