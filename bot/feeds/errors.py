"""Named errors of feed fetching and reading: each says, in one sentence, what went wrong.

A poll catches these per feed or per episode and records the sentence (`feeds list`, logs);
none of them is retried within a poll: the next interval tries again.
"""

from __future__ import annotations

from ..errors import QuotebotError


class FeedError(QuotebotError):
    """Base class: something about a feed or one of its files that a poll reports."""


class FetchError(FeedError):
    """A URL that could not be fetched; `url` is the one asked for."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(message)
        self.url = url


class BadURL(FetchError):
    """Not an http(s) URL with a host."""


class AddressRefused(FetchError):
    """The host resolves to a private, loopback, link-local or otherwise non-public address."""


class ConnectFailed(FetchError):
    """No connection: the name does not resolve, or the server refuses or resets it."""


class FetchTimeout(FetchError):
    """The server took too long to connect, to answer, or to send the whole body."""


class HTTPStatusError(FetchError):
    """The server answered with an error status (404, 410, 5xx …)."""

    def __init__(self, url: str, status: int, message: str) -> None:
        super().__init__(url, message)
        self.status = status


class TooManyRedirects(FetchError):
    """More redirects than allowed (5), or a redirect loop."""


class TooLarge(FetchError):
    """The body (after decompression) is larger than its size cap."""


class NotAFeed(FeedError):
    """The body is not an RSS feed: an HTML page, not XML, or XML of another kind."""


class UnsafeXML(FeedError):
    """The XML declares entities or external references (a possible XML bomb): refused unread."""


class WrongType(FeedError):
    """A linked file (transcript, chapters) is not of the type the feed announced."""
