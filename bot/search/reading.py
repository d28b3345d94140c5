"""Reading transcripts into what the index stores, in worker processes when there are many.

Parsing, cutting passages and computing the word-pair terms are pure Python and take most of
a build; with several cores, one worker per core does them while the main process writes
SQLite and feeds tantivy's own indexing threads.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import TranscriptError, TranscriptWarning
from ..models import Episode
from ..transcripts.formats import format_of, parse_transcript
from ..transcripts.identity import episode_keys
from ..transcripts.podcast_defaults import PodcastDefaults
from .analysis import Terms, pair_terms, vocabulary_of, words_of
from .passages import PassageDraft, build_passages

# Below this many transcripts, starting worker processes costs more than it saves.
POOL_THRESHOLD = 40
BATCH = 16


@dataclass(frozen=True)
class ReadTranscript:
    """One transcript ready to store: its episode, passages, their word pairs, word counts."""

    episode: Episode
    format: str
    drafts: tuple[PassageDraft, ...]
    pairs: tuple[str, ...]
    words: dict[str, int]
    # What tells this episode apart (see transcripts/identity.py), and what looked odd in it.
    keys: tuple[str, ...] = ()
    warnings: tuple[TranscriptWarning, ...] = ()


_terms: Terms | None = None


def read_transcript(
    episode_id: str, path: Path, defaults: PodcastDefaults
) -> ReadTranscript | TranscriptError:
    """Parse one transcript and prepare its rows; a broken file gives its error instead."""
    global _terms
    if _terms is None:
        _terms = Terms()
    try:
        transcript = parse_transcript(path, episode_id)
    except TranscriptError as exc:
        return exc
    episode = defaults.apply(transcript.episode)
    drafts = tuple(build_passages(replace(transcript, episode=episode)))
    words: Counter[str] = Counter()
    pairs = []
    for draft in drafts:
        found = words_of(draft.text)
        words.update(found)
        pairs.append(" ".join(pair_terms(_terms.terms_of_words(found))))
    vocabulary = vocabulary_of(words)
    return ReadTranscript(
        episode,
        format_of(path) or "",
        drafts,
        tuple(pairs),
        vocabulary,
        episode_keys(transcript),
        tuple(transcript.warnings),
    )


def read_all(
    jobs: Sequence[tuple[str, Path]], defaults: PodcastDefaults
) -> Iterator[tuple[str, Path, ReadTranscript | TranscriptError]]:
    """(episode id, path, what reading gave) for each job, in order."""
    workers = _usable_cores()
    methods = multiprocessing.get_all_start_methods()
    if len(jobs) < POOL_THRESHOLD or workers < 2 or "fork" not in methods:
        for episode_id, path in jobs:
            yield episode_id, path, read_transcript(episode_id, path, defaults)
        return
    # fork, not spawn: spawn would run the caller's main script again in every worker (a
    # script without a `__main__` guard would build the index recursively). The workers only
    # parse and return data; they touch none of the parent's threads or connections.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        # A window of batches in flight: readers run ahead of the writer, but read transcripts
        # never pile up in memory when writing is the slower side.
        batches = [jobs[i : i + BATCH] for i in range(0, len(jobs), BATCH)]
        pending: deque[Future] = deque()
        for batch in batches:
            pending.append(pool.submit(_read_batch, batch, defaults))
            if len(pending) >= workers * 2:
                yield from _unpacked(pending.popleft().result())
        while pending:
            yield from _unpacked(pending.popleft().result())


# An error crosses the process boundary as its fields (TranscriptError does not pickle).
_Packed = tuple[str, Path, "ReadTranscript | tuple[str, int, str]"]


def _read_batch(batch: Sequence[tuple[str, Path]], defaults: PodcastDefaults) -> list[_Packed]:
    packed: list[_Packed] = []
    for episode_id, path in batch:
        read = read_transcript(episode_id, path, defaults)
        if isinstance(read, TranscriptError):
            packed.append((episode_id, path, (read.source, read.line, read.message)))
        else:
            packed.append((episode_id, path, read))
    return packed


def _unpacked(
    packed: list[_Packed],
) -> Iterator[tuple[str, Path, ReadTranscript | TranscriptError]]:
    for episode_id, path, read in packed:
        yield episode_id, path, TranscriptError(*read) if isinstance(read, tuple) else read


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
