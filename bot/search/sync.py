"""Keeping the index in step with the corpus: re-read what changed, drop what went."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import TranscriptError
from ..transcripts.corpus import transcript_files
from ..transcripts.formats import companions_of
from ..transcripts.podcast_defaults import PodcastDefaults, load_podcast_defaults
from .freshness import changed_folders, companion_stamp, content_digest, folder_stamps
from .fulltext import FullTextIndex, PassageDoc
from .reading import ReadTranscript, read_all
from .store import PassageStore


@dataclass(frozen=True)
class SyncReport:
    """What refreshing the index did: files re-read, episodes dropped, files that failed."""

    parsed: int
    removed: int
    unchanged: int
    errors: tuple[TranscriptError, ...]
    seconds: float


@dataclass
class _Tally:
    parsed: int = 0
    unchanged: int = 0
    removed: int = 0
    changed: bool = False
    errors: list[TranscriptError] = field(default_factory=list)


class Syncer:
    """Brings a PassageStore and its FullTextIndex up to date with a corpus folder."""

    def __init__(self, store: PassageStore, fulltext: FullTextIndex) -> None:
        self.store = store
        self.fulltext = fulltext
        self.defaults = PodcastDefaults()

    def sync(self, corpus: Path, full: bool = False) -> SyncReport:
        """Re-read the transcripts that changed since the last sync; drop the ones that went.

        A start looks only at folder stamps (see freshness.py); `full` compares every file.
        """
        started = time.perf_counter()
        errors: list[TranscriptError] = []
        try:
            self.defaults = load_podcast_defaults(corpus)
        except TranscriptError as exc:
            errors.append(exc)
            self.defaults = PodcastDefaults()
        # New podcast defaults change every episode's links: read everything again.
        stale = self.store.meta("podcast_defaults") != self.defaults.digest
        recorded = self.store.folders()
        changed: set[str] | None = None
        # A single-file corpus is one stat: always compared.
        if not full and not stale and recorded and not corpus.is_file():
            changed = changed_folders(recorded)
            if not changed:
                return self._unchanged(errors, started)
        files = transcript_files(corpus)
        quick = self._report_if_unchanged(files, changed, stale, errors, started)
        if quick is not None:
            self._record_folders_if_free(corpus)
            return quick
        tally = _Tally(errors=list(errors))
        with self.store.transaction():
            self.fulltext.begin()
            try:
                self._apply(files, changed, stale, tally)
                self.store.replace_folders(folder_stamps(corpus))
                if stale:
                    self.store.set_meta("podcast_defaults", self.defaults.digest)
                if tally.changed:
                    self.store.refresh_totals()
                    self.store.set_meta("passages", str(self.store.passage_count()))
                    # The full-text index commits first: should the SQLite commit then fail,
                    # the next open sees the two disagree and refills the full-text index.
                    self.fulltext.commit()
                else:
                    self.fulltext.abandon()
            except BaseException:
                self.fulltext.abandon()
                raise
        if tally.changed:
            # A big rebuild leaves the whole file in the write-ahead log; fold it back.
            self.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return SyncReport(
            tally.parsed,
            tally.removed,
            tally.unchanged,
            tuple(tally.errors),
            time.perf_counter() - started,
        )

    def refill_fulltext(self) -> None:
        """Rebuild the full-text index from the stored passages (it went missing or disagrees
        with them); no transcript is read again."""
        with self.store.transaction():
            self.fulltext.begin()
            try:
                self.fulltext.clear()
                self.fulltext.add(
                    PassageDoc(row[0], row[1], row[3], row[4], row[6])
                    for row in self.store.all_passage_rows(order="p.id")
                )
                self.store.set_meta("passages", str(self.store.passage_count()))
                self.fulltext.commit()
            except BaseException:
                self.fulltext.abandon()
                raise

    # -- steps --------------------------------------------------------------------------------

    def _unchanged(self, errors: list[TranscriptError], started: float) -> SyncReport:
        failed = self.store.failures()
        still_broken = [TranscriptError(*failure[4:]) for failure in failed.values()]
        episodes = self.store.db.execute("SELECT count(*) FROM episodes").fetchone()[0]
        found = (*errors, *still_broken)
        return SyncReport(0, 0, episodes, found, time.perf_counter() - started)

    def _report_if_unchanged(
        self,
        files: list[tuple[str, Path]],
        changed: set[str] | None,
        stale: bool,
        errors: list[TranscriptError],
        started: float,
    ) -> SyncReport | None:
        """The report of a sync where nothing changed after all, found without taking the
        write lock (a replica or a cron job starting while another process rebuilds need not
        wait)."""
        known = self.store.known_episodes()
        failed = self.store.failures()
        if stale or len(files) != len(known) + len(failed):
            return None
        still_broken: list[TranscriptError] = []
        for episode_id, path in files:
            source = str(path)
            trusted = changed is not None and str(path.parent) not in changed
            signature = None if trusted else _signature(path)
            known_here = episode_id in known and known[episode_id][0] == source
            if known_here and (trusted or known[episode_id][1:4] == signature):
                continue
            if source in failed and (trusted or failed[source][:3] == signature):
                still_broken.append(TranscriptError(*failed[source][4:]))
                continue
            return None
        found = (*errors, *still_broken)
        return SyncReport(0, 0, len(known), found, time.perf_counter() - started)

    def _record_folders_if_free(self, corpus: Path) -> None:
        """Remember the folder stamps so the next start is quick, unless another process holds
        the write lock: then the next start simply compares those folders again."""
        db = self.store.db
        db.execute("PRAGMA busy_timeout=0")
        try:
            with self.store.transaction():
                self.store.replace_folders(folder_stamps(corpus))
        except sqlite3.OperationalError:
            pass
        finally:
            db.execute("PRAGMA busy_timeout=30000")

    def _apply(
        self, files: list[tuple[str, Path]], changed: set[str] | None, stale: bool, tally: _Tally
    ) -> None:
        # Read again under the lock: another process may have done some of the work.
        known = self.store.known_episodes()
        failed = self.store.failures()
        to_read: list[tuple[str, Path]] = []
        signatures: dict[str, tuple] = {}
        present: set[str] = set()
        for episode_id, path in files:
            present.add(episode_id)
            source = str(path)
            known_here = episode_id in known and known[episode_id][0] == source
            if changed is not None and str(path.parent) not in changed and not stale:
                # Its folder did not change: neither did it (see freshness.py).
                if known_here:
                    tally.unchanged += 1
                    continue
                if source in failed:
                    tally.errors.append(TranscriptError(*failed[source][4:]))
                    continue
            signature = self._compare(episode_id, path, known_here and not stale, known, failed)
            if signature is None:
                tally.unchanged += 1
            elif isinstance(signature, TranscriptError):
                tally.errors.append(signature)
                self._remove(episode_id, tally)
            else:
                to_read.append((episode_id, path))
                signatures[episode_id] = signature
        for episode_id in known:
            if episode_id not in present:
                self._remove(episode_id, tally)
                tally.removed += 1
        live_sources = {str(path) for _, path in files}
        for source in failed:
            if source not in live_sources:
                self.store.forget_failure(source)
        for episode_id, path, read in read_all(to_read, self.defaults):
            self._store(episode_id, path, signatures[episode_id], read, tally)

    def _compare(
        self,
        episode_id: str,
        path: Path,
        known_here: bool,
        known: dict[str, tuple],
        failed: dict[str, tuple],
    ) -> tuple | TranscriptError | None:
        """None when the stored episode is still right; the cached error of a file that is
        still broken; else the signature to store it under once read again."""
        source = str(path)
        stat = path.stat()
        # A transcript is read together with its sidecar and chapters: a change to any of
        # them (added, edited, removed) re-reads it.
        companions = companions_of(path)
        stamp = companion_stamp(companions)
        signature = (stat.st_size, stat.st_mtime_ns, stamp)
        if known_here and known[episode_id][1:4] == signature:
            return None
        if source in failed and failed[source][:3] == signature:
            return TranscriptError(*failed[source][4:])
        digest = content_digest(path, companions)
        if known_here and known[episode_id][4] == digest:
            self.store.touch_episode(episode_id, *signature)
            return None
        return (*signature, digest)

    def _store(
        self,
        episode_id: str,
        path: Path,
        signature: tuple,
        read: ReadTranscript | TranscriptError,
        tally: _Tally,
    ) -> None:
        source = str(path)
        self._remove(episode_id, tally)
        if isinstance(read, TranscriptError):
            tally.errors.append(read)
            self.store.record_failure(source, signature, (read.source, read.line, read.message))
            return
        self.store.forget_failure(source)
        ids = self.store.add_episode(read.episode, read.format, signature, read.drafts, read.words)
        self.fulltext.add(
            PassageDoc(pid, read.episode.id, d.section, d.speaker, d.text, pairs)
            for pid, d, pairs in zip(ids, read.drafts, read.pairs, strict=True)
        )
        tally.parsed += 1
        tally.changed = True

    def _remove(self, episode_id: str, tally: _Tally) -> None:
        if self.store.remove_episode(episode_id):
            self.fulltext.remove_episode(episode_id)
            tally.changed = True


def _signature(path: Path) -> tuple[int, int, str] | None:
    try:
        stat = path.stat()
        return (stat.st_size, stat.st_mtime_ns, companion_stamp(companions_of(path)))
    except OSError:
        return None
