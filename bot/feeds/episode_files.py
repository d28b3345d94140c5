"""What a poll writes for one item: the sidecar's metadata, and checks on fetched files.

The sidecar holds the front-matter keys every transcript format reads (`podcast_name`,
`episode_title`, `episode_date`, `host_name`, `guest_name`, `episode_url` …), so a fetched
VTT, SRT, JSON, HTML or plain-text transcript gets its episode's title, date, full speaker
names and audio deep links, and the feed's own fields (guid, season, soundbites …) travel
with it for whoever reads them next (advice takes the soundbites).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path
from typing import Any

import yaml

from ..errors import TranscriptError
from ..transcripts.companions import read_chapters
from ..transcripts.formats import parse_transcript
from .items import FeedDocument, FeedItem


def sidecar_metadata(feed_name: str, document: FeedDocument, item: FeedItem) -> dict[str, Any]:
    """The `<stem>.yaml` content for an item, keys in a stable order (so it only changes when
    the feed does)."""
    meta: dict[str, Any] = {
        "podcast_name": document.title or feed_name,
        "episode_title": item.title,
    }
    if item.published:
        meta["episode_date"] = item.published
    hosts, guests = item.people("host"), item.people("guest")
    if hosts:
        meta["host_name"] = hosts
    if guests:
        meta["guest_name"] = guests
    if item.enclosure:
        # The audio at the passage's second: `#t=` is the Media Fragments way players honour.
        meta["episode_url"] = item.enclosure.split("#", 1)[0] + "#t={seconds}"
    for key, value in (
        ("season", item.season),
        ("episode_number", item.episode),
        ("link", item.link),
        ("image", item.image),
        ("enclosure", item.enclosure),
    ):
        if value is not None:
            meta[key] = value
    if item.soundbites:
        meta["soundbites"] = [
            {"start": bite.start, "duration": bite.duration, "title": bite.title}
            for bite in item.soundbites
        ]
    meta["guid"] = item.guid
    meta["feed"] = feed_name
    return meta


def sidecar_bytes(meta: dict[str, Any]) -> bytes:
    text = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    return (
        "# Written by `quotebot feeds poll`; edit freely, a poll never overwrites an edit.\n" + text
    ).encode()


def check_transcript(folder: Path, data: bytes, suffix: str) -> None:
    """Parse a fetched transcript before it replaces anything; TranscriptError if malformed.

    The file is parsed under a hidden name (the corpus skips dot files) and removed again.
    """
    probe = folder / f".check-{uuid.uuid4().hex}{suffix}"
    folder.mkdir(parents=True, exist_ok=True)
    probe.write_bytes(data)
    try:
        parse_transcript(probe, "check")
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(probe)


def check_chapters(folder: Path, data: bytes) -> int:
    """Read fetched chapters as the corpus will; the number of sections, or TranscriptError."""
    name = f".check-{uuid.uuid4().hex}"
    probe = folder / f"{name}.chapters.json"
    folder.mkdir(parents=True, exist_ok=True)
    probe.write_bytes(data)
    try:
        return len(read_chapters(folder / f"{name}.vtt"))
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(probe)


def describe_problem(exc: TranscriptError) -> str:
    """A transcript problem without the temporary file's name."""
    return f"line {exc.line}: {exc.message}" if exc.line else exc.message
