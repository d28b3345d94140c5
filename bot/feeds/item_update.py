"""One feed item brought up to date: its transcript (the best type that fetches and parses),
chapters and sidecar written unless edited by hand, and its record for the feed store.

A problem with one item is recorded on that item (and logged); the files stored before stay.
An item without a usable transcript is handed to the transcription wing, when the feed asks.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from ..errors import TranscriptError
from .episode_files import (
    check_chapters,
    check_transcript,
    describe_problem,
    sidecar_bytes,
    sidecar_metadata,
)
from .errors import FeedError, WrongType
from .fetcher import FetchPolicy, fetch
from .items import FeedDocument, FeedItem
from .storage import (
    HAND_EDITED,
    REMOVED_BY_HAND,
    UNCHANGED,
    WRITTEN,
    digest,
    file_digest,
    remove_if_ours,
    write_file,
)
from .store import FAILED, FETCHED, NONE, EpisodeRecord, FeedRecord
from .transcript_types import STORED_SUFFIX, by_preference, served_as_expected, sniff

log = logging.getLogger(__name__)


class TranscriptHandoff(Protocol):
    """Where an episode with audio but no usable transcript goes, on a feed with
    `transcribe: true` (the transcription wing queues it). Returns the transcript status to
    record (e.g. "queued"), or None to record "none"."""

    def __call__(self, feed: FeedRecord, item: FeedItem, folder: Path, stem: str) -> str | None: ...


class ItemUpdater:
    """Fetches and writes what changed for one item; shared by a poll's worker threads."""

    def __init__(
        self,
        policy: FetchPolicy,
        max_bytes: int,
        handoff: TranscriptHandoff | None,
        clock: Callable[[], float],
    ) -> None:
        self.policy = policy
        self.max_bytes = max_bytes
        self.handoff = handoff
        self.clock = clock

    def update(
        self,
        feed: FeedRecord,
        document: FeedDocument,
        item: FeedItem,
        previous: EpisodeRecord | None,
        stem: str,
        folder: Path,
    ) -> tuple[EpisodeRecord, int]:
        """Fetch what changed for one item and write it; (its record, files written)."""
        files = dict(previous.files) if previous else {}
        stamps = dict(previous.stamps) if previous else {}
        hand_edited: set[str] = set()
        notes: list[str] = []
        errors: list[str] = []
        written = 0
        if previous and previous.title != item.title:
            notes.append(f"title changed from “{previous.title}” to “{item.title}”")
            log.warning("feed %s: guid %s %s", feed.name, item.guid, notes[-1])
        links = digest(
            json.dumps(
                [[link.url, link.type] for link in item.transcripts] + [item.chapters_url],
            ).encode()
        )
        refresh = previous is None or previous.links_digest != links or bool(previous.error)

        transcript = None  # (suffix, bytes, url, type)
        status = previous.transcript_status if previous else NONE
        transcript_url = previous.transcript_url if previous else None
        transcript_type = previous.transcript_type if previous else None
        transcript_file = previous.transcript_file if previous else None
        chapters = None
        if refresh:
            transcript, problems = self._fetch_transcript(item, folder, document.language)
            if transcript is None and problems:
                status = FAILED if not transcript_file else status
                errors.append("transcript: " + "; ".join(problems))
            elif transcript is None:
                status = NONE if not transcript_file else status
            if item.chapters_url:
                try:
                    chapters = self._fetch_chapters(item.chapters_url, folder)
                except (FeedError, TranscriptError) as exc:
                    errors.append(f"chapters {item.chapters_url}: {_problem(exc)}")

        def store(name: str, data: bytes) -> bool:
            nonlocal written
            outcome = write_file(folder / name, data, files)
            if outcome == WRITTEN:
                files[name] = digest(data)
                stamps[name] = (folder / name).stat().st_mtime_ns
                written += 1
            elif outcome == HAND_EDITED:
                hand_edited.add(name)
            elif outcome == REMOVED_BY_HAND:
                notes.append(f"{name} was deleted by hand: not fetched again")
            return outcome in (WRITTEN, UNCHANGED)

        # Companions first, so the transcript never appears without its metadata.
        store(f"{stem}.yaml", sidecar_bytes(sidecar_metadata(feed.name, document, item)))
        if chapters is not None:
            store(f"{stem}.chapters.json", chapters)
        if transcript is not None:
            suffix, data, url, kind = transcript
            name = f"{stem}{suffix}"
            if transcript_file and transcript_file != name:
                if remove_if_ours(folder / transcript_file, files):
                    files.pop(transcript_file, None)
                    stamps.pop(transcript_file, None)
                    written += 1
                else:
                    hand_edited.add(transcript_file)
                    name = ""  # the edited file stays the episode's transcript
            if name and store(name, data):
                transcript_file, transcript_url, transcript_type, status = name, url, kind, FETCHED
        # Files this poll did not touch may have been edited since the last one.
        hand_edited |= edited_files(folder, files, stamps)
        if not transcript_file and status != FAILED:
            status = self._hand_off(feed, item, folder, stem, previous)
        for problem in errors:
            log.warning("feed %s: episode “%s”: %s", feed.name, item.title, problem)
        return (
            EpisodeRecord(
                feed=feed.name,
                guid=item.guid,
                stem=stem,
                title=item.title,
                published=item.published,
                in_feed=True,
                links_digest=links,
                transcript_url=transcript_url,
                transcript_type=transcript_type,
                transcript_file=transcript_file,
                transcript_status=status,
                files=files,
                stamps=stamps,
                hand_edited=tuple(sorted(hand_edited)),
                error="; ".join(errors) or None,
                note="; ".join(notes) or (previous.note if previous and not refresh else None),
                updated_at=int(self.clock()),
            ),
            written,
        )

    def _fetch_transcript(
        self, item: FeedItem, folder: Path, language: str
    ) -> tuple[tuple[str, bytes, str, str] | None, list[str]]:
        """The best transcript that fetches and parses, falling back type by type."""
        problems: list[str] = []
        for link in by_preference(item.transcripts, language):
            kind = link.type or ""
            try:
                fetched = fetch(link.url, self.max_bytes, self.policy)
                if not served_as_expected(kind, fetched.content_type):
                    raise WrongType(f"served as {fetched.content_type or 'no type'}, not {kind}")
                kind = sniff(kind, fetched.body)
                check_transcript(folder, fetched.body, STORED_SUFFIX[kind])
            except (FeedError, TranscriptError) as exc:
                problems.append(f"{link.url}: {_problem(exc)}")
                continue
            return (STORED_SUFFIX[kind], fetched.body, link.url, kind), problems
        unknown = [link for link in item.transcripts if link.type is None]
        if unknown and not problems:
            problems.append(
                f"{unknown[0].url}: unknown transcript type “{unknown[0].declared_type}”"
            )
        return None, problems

    def _fetch_chapters(self, url: str, folder: Path) -> bytes:
        fetched = fetch(url, self.max_bytes, self.policy)
        if fetched.content_type in ("text/html", "application/xhtml+xml"):
            raise WrongType(f"served as {fetched.content_type}, not application/json+chapters")
        check_chapters(folder, fetched.body)
        return fetched.body

    def _hand_off(
        self,
        feed: FeedRecord,
        item: FeedItem,
        folder: Path,
        stem: str,
        previous: EpisodeRecord | None,
    ) -> str:
        """An item without a usable transcript: the transcription wing's turn, if it wants it."""
        if previous and previous.transcript_status not in (NONE, FAILED, FETCHED):
            return previous.transcript_status  # already queued, running or done
        if self.handoff is None or not feed.transcribe or not item.enclosure:
            return NONE
        try:
            return self.handoff(feed, item, folder, stem) or NONE
        except Exception:
            log.exception("feed %s: handing %s on for transcription failed", feed.name, item.guid)
            return NONE


def edited_files(folder: Path, files: dict[str, str], stamps: dict[str, int]) -> set[str]:
    """The files a person changed since the poll wrote them. A file whose modification time
    is the one recorded is not read; a touched but identical file gets its new time recorded."""
    edited = set()
    for name, recorded in files.items():
        try:
            stamp = (folder / name).stat().st_mtime_ns
        except FileNotFoundError:
            continue
        if stamps.get(name) == stamp:
            continue
        if file_digest(folder / name) == recorded:
            stamps[name] = stamp
        else:
            edited.add(name)
    return edited


def _problem(exc: Exception) -> str:
    if isinstance(exc, TranscriptError):
        return describe_problem(exc)
    return str(exc)
