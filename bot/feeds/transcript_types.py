"""Podcasting 2.0 transcript types: the spellings feeds use, and which one to fetch first.

Feeds write the SRT type several ways (`application/x-subrip` is the spec's, `application/srt`
and `text/srt` are common), and some leave the type out; the file name then tells.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from .items import TranscriptLink

VTT, SRT, JSON, HTML, PLAIN = (
    "text/vtt",
    "application/x-subrip",
    "application/json",
    "text/html",
    "text/plain",
)
ALIASES = {
    "text/vtt": VTT,
    "text/webvtt": VTT,
    "application/vtt": VTT,
    "application/x-subrip": SRT,
    "application/srt": SRT,
    "application/x-srt": SRT,
    "text/srt": SRT,
    "text/x-srt": SRT,
    "application/json": JSON,
    "text/json": JSON,
    "application/x-json": JSON,
    "text/html": HTML,
    "application/xhtml+xml": HTML,
    "text/plain": PLAIN,
}
EXTENSIONS = {
    ".vtt": VTT,
    ".srt": SRT,
    ".json": JSON,
    ".html": HTML,
    ".htm": HTML,
    ".txt": PLAIN,
}
# Speaker-labelled, timed formats first; plain text (no speakers, no times) last.
PREFERENCE = (JSON, VTT, SRT, HTML, PLAIN)
# The extension a fetched transcript is stored under, which is what the corpus reads it by.
STORED_SUFFIX = {
    VTT: ".vtt",
    SRT: ".srt",
    JSON: ".json",
    HTML: ".html",
    PLAIN: ".plain.txt",
}
# Content types a server may send for each type without it being "the wrong type".
SERVED_AS = {
    VTT: {VTT, "text/plain", "application/octet-stream", "binary/octet-stream", ""},
    SRT: {SRT, "text/plain", "application/octet-stream", "binary/octet-stream", ""},
    JSON: {JSON, "text/plain", "application/octet-stream", "binary/octet-stream", ""},
    HTML: {HTML, "text/plain", ""},
    PLAIN: {PLAIN, "application/octet-stream", "binary/octet-stream", ""},
}


def normalise_type(declared: str | None, url: str = "") -> str | None:
    """The canonical type for a declared one (`application/srt` -> `application/x-subrip`),
    or from the URL's extension when undeclared or unknown; None when neither tells."""
    text = (declared or "").split(";")[0].strip().lower()
    if text in ALIASES:
        return ALIASES[text]
    path = urlsplit(url).path.lower()
    for extension, kind in EXTENSIONS.items():
        if path.endswith(extension):
            return kind
    return None


def by_preference(links: Iterable[TranscriptLink], language: str = "") -> list[TranscriptLink]:
    """Readable transcripts, best first: in the show's `language` (a translation is a last
    resort), then JSON, VTT, SRT, HTML, plain text; `rel="captions"` files (often without
    speakers) after the others of their type; feed order breaks ties."""
    wanted = _primary(language)
    readable = [link for link in links if link.type in PREFERENCE]
    return sorted(
        readable,
        key=lambda link: (
            bool(wanted and link.language and _primary(link.language) != wanted),
            PREFERENCE.index(link.type or ""),
            link.rel.lower() == "captions",
        ),
    )


def _primary(language: str) -> str:
    """`en-US` -> `en`."""
    return language.strip().lower().replace("_", "-").split("-")[0]


def served_as_expected(kind: str, content_type: str) -> bool:
    """Whether a server's Content-Type fits a transcript of `kind`."""
    served = ALIASES.get(content_type, content_type)
    return served in SERVED_AS.get(kind, {kind})


SRT_START = re.compile(rb"\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->")


def sniff(kind: str, body: bytes) -> str:
    """The type the body shows, where it says more than the declared one: a WebVTT header is
    WebVTT whatever was declared, and a `text/plain` transcript that is really SRT cues or
    Podcasting 2.0 JSON (hosts label them loosely) is read as what it is, speakers and all."""
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"WEBVTT"):
        return VTT
    if kind == PLAIN:
        if head.startswith(b"{") and b'"segments"' in body[:65536]:
            return JSON
        if SRT_START.match(head):
            return SRT
    return kind
