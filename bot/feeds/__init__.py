"""Podcast feeds: follow an RSS feed and keep its episodes' transcripts, chapters and people
in the corpus, polled on an interval, safely.

Public names; the modules behind them are private to the wing.
"""

from .errors import (
    AddressRefused,
    BadURL,
    ConnectFailed,
    FeedError,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    NotAFeed,
    TooLarge,
    TooManyRedirects,
    UnsafeXML,
    WrongType,
)
from .fetcher import FetchPolicy, fetch
from .item_update import TranscriptHandoff
from .items import FeedDocument, FeedItem, Person, Soundbite, TranscriptLink
from .poller import PollConfig, Poller, PollReport
from .rss import parse_feed
from .storage import feed_folder
from .store import EpisodeRecord, FeedRecord, FeedStore, FeedSummary
from .worker import FeedWorker, StepReport, create_feed_worker

__all__ = [
    "AddressRefused",
    "BadURL",
    "ConnectFailed",
    "EpisodeRecord",
    "FeedDocument",
    "FeedError",
    "FeedItem",
    "FeedRecord",
    "FeedStore",
    "FeedSummary",
    "FeedWorker",
    "FetchError",
    "FetchPolicy",
    "FetchTimeout",
    "HTTPStatusError",
    "NotAFeed",
    "Person",
    "PollConfig",
    "PollReport",
    "Poller",
    "Soundbite",
    "StepReport",
    "TooLarge",
    "TooManyRedirects",
    "TranscriptHandoff",
    "TranscriptLink",
    "UnsafeXML",
    "WrongType",
    "create_feed_worker",
    "feed_folder",
    "fetch",
    "parse_feed",
]
