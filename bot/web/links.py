"""Addresses of the quote pages, and which outside links a page may carry.

A transcript's front matter is input from whoever wrote the file: only `http` and `https`
addresses ever become a link or an audio source, so a `javascript:` or `data:` URL stays text.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from ..models import Episode, Passage

# Front-matter keys (or feed metadata) that may hold the episode's audio file.
AUDIO_KEYS = ("audio_url", "enclosure_url", "audio")


def safe_url(url: object) -> str | None:
    """`url` when it is an absolute http(s) address without credentials, else None."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    if parts.username or parts.password or any(c in text for c in "\r\n\t<>\"' "):
        return None
    return text


def origin(url: str) -> str:
    """`scheme://host[:port]` of a safe URL, as a Content-Security-Policy source."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def audio_url(episode: Episode) -> str | None:
    """The episode's audio file, where its metadata names one with a safe address."""
    for key in AUDIO_KEYS:
        url = safe_url(episode.metadata.get(key))
        if url:
            return url
    return None


def audio_at(episode: Episode, seconds: int) -> str | None:
    """The audio file with a media fragment (`#t=SECONDS`) that starts the player there."""
    url = audio_url(episode)
    if url is None:
        return None
    return f"{url.split('#', 1)[0]}#t={max(0, int(seconds))}"


def episode_link(passage: Passage) -> str | None:
    """The deep link into the episode at the passage, when the episode has a safe URL."""
    return safe_url(passage.url)


def quote_path(key: str) -> str:
    """The path of a passage's page: `/q/<key>` with the key percent-encoded."""
    return "/q/" + quote(key, safe=":")


def card_path(key: str) -> str:
    return quote_path(key) + "/card.png"


def search_path(query: str, page: int = 1) -> str:
    params = {"q": query}
    if page > 1:
        params["page"] = str(page)
    return "/search?" + urlencode(params)


@dataclass(frozen=True)
class PageLinks:
    """Absolute links to the pages under the bot's public address; every method gives None
    when no public address is configured (chat answers then say nothing about pages)."""

    base: str | None = None

    def quote(self, key: str) -> str | None:
        return f"{self.base}{quote_path(key)}" if self.base else None

    def card(self, key: str) -> str | None:
        return f"{self.base}{card_path(key)}" if self.base else None

    def search(self, query: str) -> str | None:
        return f"{self.base}{search_path(query)}" if self.base else None
