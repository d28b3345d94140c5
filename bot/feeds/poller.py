"""Polling feeds: fetch each due feed, store what changed as corpus files, record the outcome.

One feed's failure is recorded on that feed and never stops the others; one episode's failure
is recorded on that episode and its previously stored files keep being served. Work for the
items of a feed (transcripts, chapters) runs on a small thread pool.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from ..settings import Settings
from .errors import FeedError
from .fetcher import FetchPolicy, fetch
from .item_update import ItemUpdater, TranscriptHandoff, edited_files
from .items import FeedDocument, FeedItem
from .rss import parse_feed
from .storage import digest, feed_folder, stem_for
from .store import EpisodeRecord, FeedRecord, FeedStore

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
# A bot starting polls every feed not polled within this many seconds.
START_GRACE = 60
FEED_ACCEPT = "application/rss+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"


@dataclass(frozen=True)
class PollConfig:
    """Limits and timing of polls; `PollConfig.from_settings` reads them from Settings."""

    policy: FetchPolicy = FetchPolicy()
    max_feed_bytes: int = 32 * 1024 * 1024
    max_transcript_bytes: int = 16 * 1024 * 1024
    interval: int = 1800
    lease: int = 600
    workers: int = 8

    @classmethod
    def from_settings(cls, settings: Settings) -> PollConfig:
        policy = FetchPolicy(
            connect_timeout=settings.feeds_connect_timeout,
            read_timeout=settings.feeds_read_timeout,
            deadline=settings.feeds_deadline,
            allow_private=settings.feeds_allow_private,
        )
        return cls(
            policy=policy,
            max_feed_bytes=settings.feeds_max_feed_bytes,
            max_transcript_bytes=settings.feeds_max_transcript_bytes,
            interval=settings.feeds_interval,
        )


@dataclass(frozen=True)
class PollReport:
    """What one poll of one feed did."""

    feed: str
    outcome: str  # "not modified", "unchanged", "updated", "failed", "busy", "interrupted"
    error: str | None = None
    items: int = 0
    new: int = 0
    written: int = 0
    failed_episodes: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return self.written > 0


def default_replica() -> str:
    """Who holds a claim, for `feeds list` and the logs: host name and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Poller:
    """Polls the feeds of one store into one corpus folder."""

    def __init__(
        self,
        store: FeedStore,
        corpus: Path,
        config: PollConfig | None = None,
        replica: str | None = None,
        handoff: TranscriptHandoff | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.corpus = corpus
        self.config = config or PollConfig()
        self.replica = replica or default_replica()
        self.clock = clock
        self.items = ItemUpdater(
            self.config.policy, self.config.max_transcript_bytes, handoff, clock
        )
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        """Stop soon (at shutdown): items not started yet are left for the next poll."""
        self._cancelled.set()

    # -- which feeds -------------------------------------------------------------------------

    def poll_due(
        self, progress: Progress | None = None, at_start: bool = False
    ) -> list[PollReport]:
        """Poll every feed that is due and not held by another replica.

        `at_start` (a bot starting) also polls the feeds not polled in the last minute, due or
        not: an unchanged feed costs a 304, and replicas restarted one after another in a
        rolling update do not each poll again.
        """
        reports = []
        now = int(self.clock())
        recently = now - START_GRACE if at_start else None
        for name in self.store.due(now, recently):
            if self._cancelled.is_set():
                break
            if self.store.claim(
                name, self.replica, self.config.lease, int(self.clock()), polled_before=recently
            ):
                reports.append(self._poll_claimed(name, progress, recheck=False))
        return reports

    def poll_now(
        self, names: Iterable[str] | None = None, progress: Progress | None = None
    ) -> list[PollReport]:
        """Poll the named feeds (all when None) now, due or not; a feed another replica is
        polling at this moment is reported as busy."""
        wanted = list(names) if names is not None else [f.name for f in self.store.all()]
        reports = []
        for name in wanted:
            if self.store.get(name) is None:
                raise FeedError(f"no feed named {name} (see `quotebot feeds list`)")
            if self.store.claim(
                name, self.replica, self.config.lease, int(self.clock()), due_only=False
            ):
                reports.append(self._poll_claimed(name, progress, recheck=True))
            else:
                reports.append(PollReport(name, "busy", "another replica is polling it now"))
        return reports

    # -- one feed ----------------------------------------------------------------------------

    def _poll_claimed(self, name: str, progress: Progress | None, recheck: bool) -> PollReport:
        started = time.perf_counter()
        record = self.store.get(name)
        if record is None:  # written just above, in the same transaction
            raise RuntimeError("the feed record vanished while it was being written")
        now = int(self.clock())
        next_poll = now + self.config.interval
        try:
            report = self._poll(record, progress, recheck)
        except FeedError as exc:
            log.warning("feed %s: %s", name, exc)
            self.store.finish(name, self.replica, next_poll, last_poll_at=now, last_error=str(exc))
            return PollReport(name, "failed", str(exc), seconds=time.perf_counter() - started)
        except Exception as exc:  # a bug must not stop the other feeds; it is logged in full
            log.exception("feed %s: poll failed", name)
            message = f"internal error: {type(exc).__name__}"
            self.store.finish(name, self.replica, next_poll, last_poll_at=now, last_error=message)
            return PollReport(name, "failed", message, seconds=time.perf_counter() - started)
        return replace(report, seconds=time.perf_counter() - started)

    def _poll(self, record: FeedRecord, progress: Progress | None, recheck: bool) -> PollReport:
        """One feed. An unchanged feed (304, or the same body) reads no episode rows: a poll
        of many unchanged feeds costs a request and two statements each. `recheck` (a poll
        asked for by hand) also looks for files edited by hand; the worker does that on its
        rescan."""
        now = int(self.clock())
        next_poll = now + self.config.interval
        # Episodes that failed last time are retried: ask for the whole feed again.
        retry = self.store.has_failing_episodes(record.name)
        fetched = fetch(
            record.url,
            self.config.max_feed_bytes,
            self.config.policy,
            etag=None if retry else record.etag,
            last_modified=None if retry else record.last_modified,
            accept=FEED_ACCEPT,
        )
        body_digest = "" if fetched.not_modified else digest(fetched.body)
        validators = (
            {}
            if fetched.not_modified
            else {"etag": fetched.etag, "last_modified": fetched.last_modified}
        )
        if fetched.not_modified or (body_digest == record.feed_digest and not retry):
            # Nothing new in the feed: only the files already fetched may need a look.
            if recheck:
                self.recheck_files(record.name)
            self.store.finish(
                record.name,
                self.replica,
                next_poll,
                last_poll_at=now,
                last_success_at=now,
                last_error=None,
                **validators,
            )
            return PollReport(record.name, "not modified" if fetched.not_modified else "unchanged")
        document = parse_feed(fetched.body, fetched.content_type)
        known = self.store.episodes(record.name)
        episodes, written, new = self._store_items(record, document, known, progress)
        self.store.save_episodes(episodes)
        if self._cancelled.is_set():
            # Interrupted: what was stored is recorded, the rest is fetched at the next start.
            self.store.finish(
                record.name,
                self.replica,
                now,
                last_poll_at=now,
                last_error="interrupted by shutdown; the next poll finishes it",
                **({"changed_at": now} if written else {}),
            )
            return PollReport(record.name, "interrupted", None, len(document.items), new, written)
        present = {episode.guid for episode in episodes}
        self.store.mark_gone(record.name, present)
        failed = sum(1 for episode in episodes if episode.error)
        warning = "; ".join(document.skipped) or None
        values = {
            "last_poll_at": now,
            "last_success_at": now,
            "last_error": warning,
            "feed_digest": body_digest,
            "title": document.title,
            **validators,
        }
        if written:
            values["changed_at"] = now
        self.store.finish(record.name, self.replica, next_poll, **values)
        log.info(
            "feed %s: %d items, %d new, %d files written, %d episodes with problems",
            record.name,
            len(document.items),
            new,
            written,
            failed,
        )
        return PollReport(
            record.name, "updated", warning, len(document.items), new, written, failed
        )

    def recheck_files(self, feed: str | None = None) -> None:
        """Notice files edited by hand since the last poll (one feed, or all), for `feeds list`.
        A stat per file; only files whose modification time moved are read."""
        for name in [feed] if feed else [record.name for record in self.store.all()]:
            self._recheck_files(name)

    def _recheck_files(self, feed: str) -> None:
        folder = feed_folder(self.corpus, feed)
        changed = []
        for episode in self.store.episodes(feed).values():
            stamps = dict(episode.stamps)
            edited = tuple(sorted(edited_files(folder, episode.files, stamps)))
            if edited != episode.hand_edited or stamps != episode.stamps:
                changed.append(replace(episode, hand_edited=edited, stamps=stamps))
        if changed:
            self.store.save_episodes(changed)

    def _store_items(
        self,
        record: FeedRecord,
        document: FeedDocument,
        known: dict[str, EpisodeRecord],
        progress: Progress | None,
    ) -> tuple[list[EpisodeRecord], int, int]:
        folder = feed_folder(self.corpus, record.name)
        folder.mkdir(parents=True, exist_ok=True)
        used = {episode.stem for episode in known.values()}
        jobs: list[tuple[FeedItem, EpisodeRecord | None, str]] = []
        seen: set[str] = set()
        for item in document.items:
            if item.guid in seen:
                continue  # a repeated guid: the first item wins, as podcast apps do
            seen.add(item.guid)
            previous = known.get(item.guid)
            stem = previous.stem if previous else _unique_stem(record.name, item.guid, used)
            used.add(stem)
            jobs.append((item, previous, stem))
        total = len(jobs)
        done = 0
        results: list[tuple[EpisodeRecord, int]] = []
        if progress:
            progress(record.name, 0, total)

        def work(
            job: tuple[FeedItem, EpisodeRecord | None, str],
        ) -> tuple[EpisodeRecord, int] | None:
            if self._cancelled.is_set():
                return None
            item, previous, stem = job
            return self.items.update(record, document, item, previous, stem, folder)

        with ThreadPoolExecutor(self.config.workers, thread_name_prefix="feed-item") as pool:
            for result in pool.map(work, jobs):
                if result is None:
                    continue
                results.append(result)
                done += 1
                if progress:
                    progress(record.name, done, total)
        new = sum(1 for _, previous, _ in jobs if previous is None)
        return [episode for episode, _ in results], sum(n for _, n in results), new


def _unique_stem(feed_name: str, guid: str, used: set[str]) -> str:
    stem = stem_for(feed_name, guid)
    if stem not in used:
        return stem
    counter = 2
    while f"{stem}-{counter}" in used:
        counter += 1
    return f"{stem}-{counter}"
