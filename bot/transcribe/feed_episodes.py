"""Queuing an episode of a followed feed: what the feed wing hands over when an item has
audio but no usable transcript and its feed says `transcribe: true`.

The feed has already written the episode's `<stem>.yaml` (its metadata) and, when the feed
has chapters, `<stem>.chapters.json`; the transcript goes beside them as `<stem>.md`, its
front matter taken from that sidecar, its sections from those chapters.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import TranscriptError
from ..transcripts.companions import read_chapters, read_sidecar
from .queue import QUEUED, TranscriptionQueue
from .request import EpisodeRequest, Person

TRANSCRIPT_SUFFIX = ".md"


def feed_job_key(feed: str, guid: str) -> str:
    """The queue key of a feed's episode: stable across polls, unique across feeds."""
    return f"feed:{feed}:{guid}"


def queue_feed_episode(
    queue: TranscriptionQueue,
    feed: str,
    guid: str,
    audio_url: str,
    folder: Path,
    stem: str,
    persons: Iterable[tuple[str, str]] = (),
) -> str:
    """Queue the episode (once) and return the status to show for it: `queued`."""
    output = folder / f"{stem}{TRANSCRIPT_SUFFIX}"
    try:
        metadata = read_sidecar(output)
        chapters = tuple(read_chapters(output))
    except TranscriptError:
        # A broken sidecar or chapters file is the feed's to report; transcribe without them.
        metadata, chapters = {}, ()
    metadata.pop("speakers", None)  # the manager's mapping stays in the sidecar
    request = EpisodeRequest(
        audio=audio_url,
        output=output,
        metadata=metadata,
        persons=tuple(Person(name, role or "host") for name, role in persons),
        chapters=chapters,
        origin={"feed": feed, "guid": guid},
    )
    queue.enqueue(feed_job_key(feed, guid), request)
    return QUEUED
