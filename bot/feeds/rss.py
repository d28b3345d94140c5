"""Reading an RSS 2.0 podcast feed, with the Podcasting 2.0 and iTunes tags, safely.

The XML goes through defusedxml: a feed that declares entities (the "billion laughs" bomb) or
reaches for external ones is refused unread, instead of trusting the parser's own limits.
The `podcast:` tags are read under both namespace URIs in use (the podcastindex.org one and
the older GitHub one); feedparser keeps only one `podcast:transcript` per item and
podcastparser misses the official namespace, hence our own reader over ElementTree.
"""

from __future__ import annotations

import email.utils
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

import defusedxml
import defusedxml.ElementTree as SafeET

from .errors import NotAFeed, UnsafeXML
from .items import FeedDocument, FeedItem, Person, Soundbite, TranscriptLink
from .transcript_types import normalise_type

PODCAST_NAMESPACES = (
    "https://podcastindex.org/namespace/1.0",
    "http://podcastindex.org/namespace/1.0",
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
)
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)


def parse_feed(body: bytes, content_type: str = "") -> FeedDocument:
    """The feed's show and items; NotAFeed or UnsafeXML (one sentence) when it cannot be."""
    if not body.strip():
        raise NotAFeed("the server sent an empty body, not a feed")
    if HTML_START.match(body[:4096]) or content_type == "text/html":
        raise NotAFeed("the server sent an HTML page (HTTP 200), not an RSS feed")
    try:
        root = SafeET.fromstring(body)
    except defusedxml.DefusedXmlException as exc:
        raise UnsafeXML(
            f"refused: the feed's XML declares entities or external references ({exc}); "
            "a podcast feed needs none, and they can make an XML bomb"
        ) from None
    except ET.ParseError as exc:
        line, column = exc.position
        raise NotAFeed(f"not XML: {_parse_problem(exc)} at line {line}, column {column}") from None
    if _local(root.tag) != "rss":
        raise NotAFeed(f"not an RSS feed: the document is <{_local(root.tag)}>, not <rss>")
    channel = root.find("channel")
    if channel is None:
        raise NotAFeed("not an RSS feed: <rss> has no <channel>")
    channel_persons = _persons(channel)
    channel_image = _image(channel)
    items: list[FeedItem] = []
    skipped: list[str] = []
    for number, element in enumerate(channel.findall("item"), 1):
        item = _item(element, channel_persons, channel_image)
        if item is None:
            skipped.append(f"item {number} has no guid, enclosure, link or title to know it by")
            continue
        items.append(item)
    return FeedDocument(
        title=_text(channel, "title"),
        link=_text(channel, "link") or None,
        image=channel_image,
        items=tuple(items),
        skipped=tuple(skipped),
        language=_text(channel, "language"),
    )


def _item(
    element: ET.Element, channel_persons: tuple[Person, ...], channel_image: str | None
) -> FeedItem | None:
    enclosure = element.find("enclosure")
    enclosure_url = (enclosure.get("url") or "").strip() if enclosure is not None else ""
    title = _text(element, "title") or _text(element, f"{{{ITUNES}}}title")
    link = _text(element, "link")
    guid = _text(element, "guid") or enclosure_url or link or title
    if not guid:
        return None
    transcripts = tuple(
        TranscriptLink(
            url=url,
            type=normalise_type(tag.get("type"), url),
            declared_type=(tag.get("type") or "").strip(),
            language=(tag.get("language") or "").strip(),
            rel=(tag.get("rel") or "").strip(),
        )
        for tag in _podcast(element, "transcript")
        if (url := (tag.get("url") or "").strip())
    )
    chapters = next(
        (url for tag in _podcast(element, "chapters") if (url := (tag.get("url") or "").strip())),
        None,
    )
    persons = _persons(element) or channel_persons
    return FeedItem(
        guid=guid,
        title=title or guid,
        published=_date(_text(element, "pubDate")),
        season=_number(_podcast_text(element, "season") or _text(element, f"{{{ITUNES}}}season")),
        episode=_number(
            _podcast_text(element, "episode") or _text(element, f"{{{ITUNES}}}episode")
        ),
        link=link or None,
        image=_image(element) or channel_image,
        enclosure=enclosure_url or None,
        enclosure_type=(enclosure.get("type") or "") if enclosure is not None else "",
        transcripts=transcripts,
        chapters_url=chapters,
        persons=persons,
        soundbites=tuple(_soundbites(element)),
    )


def _persons(element: ET.Element) -> tuple[Person, ...]:
    found = []
    for tag in _podcast(element, "person"):
        name = " ".join((tag.text or "").split())
        # The spec's default role is host.
        role = (tag.get("role") or "host").strip().lower()
        if name:
            found.append(Person(name, role))
    return tuple(found)


def _soundbites(element: ET.Element) -> Iterable[Soundbite]:
    for tag in _podcast(element, "soundbite"):
        start, duration = _seconds(tag.get("startTime")), _seconds(tag.get("duration"))
        if start is None or duration is None or duration <= 0:
            continue
        yield Soundbite(start, duration, " ".join((tag.text or "").split()))


def _image(element: ET.Element) -> str | None:
    itunes = element.find(f"{{{ITUNES}}}image")
    if itunes is not None and (itunes.get("href") or "").strip():
        return (itunes.get("href") or "").strip()
    url = element.find("image/url")
    if url is not None and (url.text or "").strip():
        return (url.text or "").strip()
    return None


def _podcast(element: ET.Element, name: str) -> list[ET.Element]:
    found: list[ET.Element] = []
    for namespace in PODCAST_NAMESPACES:
        found.extend(element.findall(f"{{{namespace}}}{name}"))
    return found


def _podcast_text(element: ET.Element, name: str) -> str:
    tags = _podcast(element, name)
    return " ".join((tags[0].text or "").split()) if tags else ""


def _text(element: ET.Element, path: str) -> str:
    found = element.find(path)
    if found is None:
        return ""
    return " ".join("".join(found.itertext()).split())


def _date(value: str) -> str | None:
    """An RFC 822 `pubDate` as an ISO date; ISO dates pass; None when unreadable."""
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        match = re.match(r"\d{4}-\d{2}-\d{2}", value)
        return match.group(0) if match else None


def _number(value: str) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _seconds(value: str | None) -> float | None:
    try:
        number = float((value or "").strip())
    except ValueError:
        return None
    return number if number >= 0 else None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse_problem(exc: ET.ParseError) -> str:
    return str(exc).split(":")[0]
