"""Feeds meet the transcription wing: an item with audio and no usable transcript goes to the
transcription queue, and the worker's progress comes back to the feed's episode list.

The worker runs in a process of its own (`quotebot transcribe-worker`), sharing the database;
the poll only queues.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from ..transcribe.feed_episodes import queue_feed_episode
from ..transcribe.queue import DONE, FAILED, RUNNING, Job, TranscriptionQueue
from .items import FeedItem
from .poller import TranscriptHandoff
from .store import QUEUED, TRANSCRIBE_FAILED, TRANSCRIBED, FeedRecord, FeedStore
from .store import RUNNING as FEED_RUNNING

log = logging.getLogger(__name__)

# The worker's job states as `feeds list` words them.
FEED_STATUS = {RUNNING: FEED_RUNNING, DONE: TRANSCRIBED, FAILED: TRANSCRIBE_FAILED}


def transcription_handoff(queue: TranscriptionQueue) -> TranscriptHandoff:
    """The poller's hand-off: queue the item's audio, transcript to `<stem>.md` beside the
    feed's sidecar and chapters."""

    def handoff(feed: FeedRecord, item: FeedItem, folder: Path, stem: str) -> str | None:
        if not item.enclosure:
            return None
        persons = [(person.name, person.role) for person in item.persons]
        return queue_feed_episode(
            queue, feed.name, item.guid, item.enclosure, folder, stem, persons
        )

    return handoff


def feed_status_listener(store: FeedStore) -> Callable[[Job, str, str | None], None]:
    """For the worker: each change of a feed episode's job recorded on the episode."""

    def tell(job: Job, state: str, message: str | None) -> None:
        origin = job.request.origin
        if "feed" not in origin or "guid" not in origin:
            return  # queued by hand, not by a feed
        status = FEED_STATUS.get(state, QUEUED)
        written = job.request.output if state == DONE and job.request.output.is_file() else None
        store.set_transcript_status(origin["feed"], origin["guid"], status, message, written)

    return tell
