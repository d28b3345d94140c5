"""Keeping the index in step with the corpus: re-read what changed, drop what went."""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import TranscriptError, TranscriptWarning
from ..models import Passage
from ..transcripts.corpus import discover
from ..transcripts.formats import companions_of
from ..transcripts.identity import duplicate_warning
from ..transcripts.podcast_defaults import PodcastDefaults, load_podcast_defaults
from ..transcripts.reading import unreadable_reason
from .freshness import changed_folders, companion_stamp, content_digest, folder_stamps
from .fulltext import FullTextIndex, PassageDoc
from .hooks import EpisodeListener
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
    # Served, but worth a look: the same episode twice, a corpus with nothing to serve, lines
    # that look like turns but do not read as one (in the transcripts read this time).
    warnings: tuple[TranscriptWarning, ...] = ()


@dataclass
class _Tally:
    parsed: int = 0
    unchanged: int = 0
    removed: int = 0
    changed: bool = False
    errors: list[TranscriptError] = field(default_factory=list)
    warnings: list[TranscriptWarning] = field(default_factory=list)


class Syncer:
    """Brings a PassageStore and its FullTextIndex up to date with a corpus folder."""

    def __init__(self, store: PassageStore, fulltext: FullTextIndex, version: str) -> None:
        self.store = store
        self.fulltext = fulltext
        self.version = version
        self.listener: EpisodeListener | None = None
        self.defaults = PodcastDefaults()
        # Preference of each file (lower is kept) when one episode is found in two files.
        self.rank: dict[str, int] = {}

    def sync(
        self, corpus: Path, full: bool = False, listener: EpisodeListener | None = None
    ) -> SyncReport:
        """Re-read the transcripts that changed since the last sync; drop the ones that went.

        A start looks only at folder stamps (see freshness.py); `full` compares every file.
        `listener` hears of every episode (re)indexed or dropped (see hooks.py).
        """
        self.listener = listener
        try:
            return self._sync(corpus, full)
        finally:
            self.listener = None
            if listener is not None:
                listener.sync_finished()

    def _sync(self, corpus: Path, full: bool) -> SyncReport:
        started = time.perf_counter()
        errors: list[TranscriptError] = []
        found = None
        if corpus.is_dir() and not os.access(corpus, os.R_OK | os.X_OK):
            # Walking it says why in one line (LibraryUnavailable), before anything else fails.
            found = discover(corpus)
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
        found = found or discover(corpus)
        # One episode found in two files: the preferred file is read first and is the one kept.
        self.rank = {str(path): found.preference.get(path, 0) for _, path in found.files}
        files = sorted(found.files, key=lambda item: self.rank[str(item[1])])
        errors.extend(found.errors)
        warnings = list(found.warnings)
        quick = self._report_if_unchanged(files, changed, stale, errors, warnings, started)
        if quick is not None:
            self._record_folders_if_free(corpus)
            return quick
        tally = _Tally(errors=list(errors), warnings=warnings)
        if self.listener is not None:
            self.listener.sync_started(len(files))
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
        if tally.changed and big_change(tally.parsed + tally.removed, len(files)):
            # A big rebuild leaves the whole file in the write-ahead log; fold it back. Not for
            # a feed's new episode: a TRUNCATE checkpoint waits for every reader to finish, and
            # SQLite's own checkpoints fold a small change in. tantivy merges its segments by
            # its log-merge policy as it goes, so no whole-index merge is ever asked for here.
            self.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return SyncReport(
            tally.parsed,
            tally.removed,
            tally.unchanged,
            tuple(tally.errors),
            time.perf_counter() - started,
            tuple(tally.warnings),
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
        copies = [
            duplicate_warning(source, *d[3:]) for source, d in self.store.duplicates().items()
        ]
        episodes = self.store.db.execute("SELECT count(*) FROM episodes").fetchone()[0]
        found = (*errors, *still_broken)
        return SyncReport(0, 0, episodes, found, time.perf_counter() - started, tuple(copies))

    def _report_if_unchanged(
        self,
        files: list[tuple[str, Path]],
        changed: set[str] | None,
        stale: bool,
        errors: list[TranscriptError],
        warnings: list[TranscriptWarning],
        started: float,
    ) -> SyncReport | None:
        """The report of a sync where nothing changed after all, found without taking the
        write lock (a replica or a cron job starting while another process rebuilds need not
        wait)."""
        known = self.store.known_episodes()
        failed = self.store.failures()
        doubles = self.store.duplicates()
        if stale or len(files) != len(known) + len(failed) + len(doubles):
            return None
        still_broken: list[TranscriptError] = []
        copies: list[TranscriptWarning] = []
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
            if source in doubles and (trusted or doubles[source][:3] == signature):
                copies.append(duplicate_warning(source, *doubles[source][3:]))
                continue
            return None
        found = (*errors, *still_broken)
        return SyncReport(
            0, 0, len(known), found, time.perf_counter() - started, (*warnings, *copies)
        )

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
        doubles = self.store.duplicates()
        to_read: list[tuple[str, Path]] = []
        # Files last found to be copies of another: decided once the files before them are in.
        copies: list[tuple[str, Path]] = []
        signatures: dict[str, tuple] = {}
        present: set[str] = set()
        for episode_id, path in files:
            present.add(episode_id)
            source = str(path)
            if source in doubles:
                copies.append((episode_id, path))
                continue
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
        for source in doubles:
            if source not in live_sources:
                self.store.forget_duplicate(source)
        for episode_id, path, read in read_all(to_read, self.defaults):
            self._store(episode_id, path, signatures[episode_id], read, tally)
        # Still a copy of a file that is served, preferred and unchanged: not read again.
        again: list[tuple[str, Path]] = []
        for episode_id, path in copies:
            source = str(path)
            double = doubles[source]
            original, key = double[3:]
            signature = _signature(path)
            preferred = self.rank.get(original, self.rank[source]) < self.rank[source]
            if double[:3] == signature and preferred and self.store.serves(original, key):
                tally.warnings.append(duplicate_warning(source, original, key))
                self._remove(episode_id, tally)
                continue
            self.store.forget_duplicate(source)
            found = self._compare(episode_id, path, False, known, failed)
            if isinstance(found, TranscriptError):
                tally.errors.append(found)
                self._remove(episode_id, tally)
            elif found is not None:
                again.append((episode_id, path))
                signatures[episode_id] = found
        for episode_id, path, read in read_all(again, self.defaults):
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
        try:
            # A transcript is read together with its sidecar and chapters: a change to any of
            # them (added, edited, removed) re-reads it.
            stat = path.stat()
            companions = companions_of(path)
            stamp = companion_stamp(companions)
        except OSError as exc:
            # Not remembered as a failure: a chmod does not change the mtime.
            return TranscriptError(source, 0, f"cannot be read: {unreadable_reason(exc)}")
        signature = (stat.st_size, stat.st_mtime_ns, stamp)
        if known_here and known[episode_id][1:4] == signature:
            return None
        if source in failed and failed[source][:3] == signature:
            return TranscriptError(*failed[source][4:])
        try:
            digest = content_digest(path, companions)
        except TranscriptError as exc:
            return exc
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
        copy_of = self._keep_one(source, read.keys, tally)
        if copy_of is not None:
            original, key = copy_of
            self.store.record_duplicate(source, signature, original, key)
            tally.warnings.append(duplicate_warning(source, original, key))
            return
        tally.warnings.extend(read.warnings)
        ids = self.store.add_episode(
            read.episode, read.format, signature, read.drafts, read.words, read.keys
        )
        self.fulltext.add(
            PassageDoc(pid, read.episode.id, d.section, d.speaker, d.text, pairs)
            for pid, d, pairs in zip(ids, read.drafts, read.pairs, strict=True)
        )
        if self.listener is not None:
            episode = read.episode
            passages = [
                Passage(
                    f"{episode.id}:{d.ordinal}",
                    episode,
                    d.ordinal,
                    d.section,
                    d.speaker,
                    d.seconds,
                    d.text,
                )
                for d in read.drafts
            ]
            digest = signature[3]
            self.listener.episode_indexed(
                episode, fingerprint(self.version, self.defaults.digest, digest), passages
            )
        tally.parsed += 1
        tally.changed = True

    def _keep_one(
        self, source: str, keys: tuple[str, ...], tally: _Tally
    ) -> tuple[str, str] | None:
        """(original, key) when a stored file holds the same episode and is preferred: then
        `source` is the copy. A stored copy that `source` is preferred to leaves the index,
        recorded as a duplicate."""
        matches = self.store.holders_of(keys)
        mine = self.rank.get(source, 0)
        last = len(self.rank)
        # The preferred file first; of its keys, the words (the plainer reason to give).
        matches.sort(key=lambda m: (self.rank.get(m[2], last), not m[0].startswith("w")))
        for key, _, other_source in matches:
            if self.rank.get(other_source, last) < mine:
                return other_source, key
        for key, other_id, other_source in matches:
            stored = self.store.episode_signature(other_id)
            self._remove(other_id, tally)
            if stored is not None and other_source in self.rank and stored[0] == other_source:
                self.store.record_duplicate(other_source, stored[1:], source, key)
                tally.warnings.append(duplicate_warning(other_source, source, key))
        return None

    def _remove(self, episode_id: str, tally: _Tally) -> None:
        if self.store.remove_episode(episode_id):
            self.fulltext.remove_episode(episode_id)
            tally.changed = True
            if self.listener is not None:
                self.listener.episode_removed(episode_id)


def big_change(changed: int, files: int) -> bool:
    """Whether a sync touched enough of the catalogue (a tenth) to pay for whole-index upkeep."""
    return changed * 10 >= files


def fingerprint(version: str, defaults: str, digest: str) -> str:
    """What an episode's passages depend on: its files, the podcast defaults, the cutting."""
    return f"{version}:{defaults}:{digest}"


def _signature(path: Path) -> tuple[int, int, str] | None:
    try:
        stat = path.stat()
        return (stat.st_size, stat.st_mtime_ns, companion_stamp(companions_of(path)))
    except OSError:
        return None
