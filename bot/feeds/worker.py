"""The running bot's feed loop: poll due feeds, and keep the library in step with the corpus.

At start and then every `tick` seconds it polls the feeds that are due (the claim in the
database lets one replica poll each feed per interval), and refreshes the library when files
changed: written by this poll, by another replica's poll (the feeds' generation in the
database moved), or by hand (a rescan every `rescan_interval`). All of that blocking work runs
in a thread, so answers never wait for it; a failing step is logged and tried again next tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..library import Library
from ..search.index import SyncReport
from ..settings import ConfigError, Settings
from ..transcribe.queue import TranscriptionQueue
from ..transcripts.corpus import bundled_seeds
from .errors import FeedError
from .poller import PollConfig, Poller, PollReport, TranscriptHandoff
from .store import FeedStore
from .transcription import transcription_handoff

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StepReport:
    """What one step did: the polls, and the index refresh (None when none was due)."""

    polls: tuple[PollReport, ...]
    refresh: SyncReport | None


class FeedWorker:
    """Polls and refreshes on a timer; `run()` is the task, `stop()` ends it."""

    def __init__(
        self,
        library: Library,
        poller: Poller | None,
        rescan_interval: float = 300,
        tick: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.library = library
        self.poller = poller
        self.rescan_interval = rescan_interval
        interval = poller.config.interval if poller else rescan_interval
        self.tick = tick if tick is not None else max(1.0, min(60.0, interval, rescan_interval))
        self.clock = clock
        self.refresh_listeners: list[Callable[[SyncReport], None]] = []
        self._stop = asyncio.Event()
        self._generation: str | None = None
        self._next_rescan = clock() + rescan_interval
        self.last: StepReport | None = None
        self._stepped = False  # the first step is the poll at start
        self.store: FeedStore | None = poller.store if poller else None

    def close(self) -> None:
        if self.store is not None:
            self.store.close()

    def stop(self) -> None:
        """End the loop; a poll in progress stops after the items already started."""
        self._stop.set()
        if self.poller is not None:
            self.poller.cancel()

    async def run(self) -> None:
        """Step at once (the poll at start), then every tick until stopped."""
        while not self._stop.is_set():
            try:
                self.last = await asyncio.to_thread(self.step)
            except Exception:  # the loop must outlive a database hiccup or a bug in one step
                log.exception("feed worker step failed; trying again in %.0f s", self.tick)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.tick)

    def step(self) -> StepReport:
        """Poll what is due, then refresh the library if anything may have changed."""
        polls: tuple[PollReport, ...] = ()
        changed = False
        if self.poller is not None:
            polls = tuple(self.poller.poll_due(at_start=not self._stepped))
            changed = any(report.changed for report in polls)
        self._stepped = True
        if self.store is not None:
            generation = self.store.generation()
            # Another replica wrote files to the shared corpus: read them too.
            changed = changed or (self._generation is not None and generation != self._generation)
            self._generation = generation
        now = self.clock()
        if not changed and now < self._next_rescan:
            return StepReport(polls, None)
        self._next_rescan = now + self.rescan_interval
        if self.poller is not None:
            self.poller.recheck_files()
        report = self.library.refresh()
        if report.parsed or report.removed:
            log.info(
                "index refreshed: %d transcripts read, %d removed in %.1f s",
                report.parsed,
                report.removed,
                report.seconds,
            )
            for listener in self.refresh_listeners:
                try:
                    listener(report)
                except Exception:
                    log.exception("a refresh listener failed")
        for error in report.errors:
            log.warning("skipped %s", error)
        return StepReport(polls, report)


def create_feed_worker(
    library: Library, settings: Settings, handoff: TranscriptHandoff | None = None
) -> FeedWorker:
    """The worker for a running bot: the feed store in DATABASE_URL (the config file's
    `feeds:` list synced into it) and a poller into the library's corpus.

    Feeds need a corpus of the operator's own: with feeds to poll and the bundled seeds as the
    corpus, ConfigError names QUOTEBOT_CORPUS. Without feeds the worker still rescans.
    """
    store = FeedStore.open(settings.database_url)
    if settings.sources.get("feeds", "default") != "default":
        try:
            store.sync_config(list(settings.feeds))
        except FeedError as exc:
            store.close()
            raise ConfigError(str(exc)) from None
    seeds = library.corpus.resolve() == bundled_seeds().resolve()
    if seeds and store.all():
        store.close()
        raise ConfigError(
            "QUOTEBOT_CORPUS: feeds are followed but the corpus is the bundled seeds; "
            "set it to a folder of your own where fetched transcripts can be stored"
        )
    poller = None
    if not seeds:
        if handoff is None:
            # Feeds with `transcribe: true` queue in the same database; a transcription worker
            # process takes the queue.
            handoff = transcription_handoff(TranscriptionQueue(store.db))
        poller = Poller(store, library.corpus, PollConfig.from_settings(settings), handoff=handoff)
    worker = FeedWorker(library, poller, rescan_interval=settings.rescan_interval)
    worker.store = store
    return worker
