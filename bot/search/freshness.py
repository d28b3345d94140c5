"""Has the corpus changed since the index was built? Asked on every start, so it must be cheap.

A start stats the corpus's folders, not its files: adding, removing, renaming or atomically
replacing a transcript (how editors save, how `cp`, `mv`, `rsync` and the feed fetcher write)
changes its folder's modification time. Only the files of a changed folder are then compared
one by one (size, mtime, companions, then content digest).

The trade: a transcript rewritten in place, without its folder changing (`>>`, some editors),
is not seen by a start; `quotebot index` compares every file and picks it up. A folder stamp
taken within RACY_NS of its own change is not trusted (the change may have landed in the same
clock tick), so that folder is compared file by file again on the next start.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path

from ..transcripts.reading import read_bytes

RACY_NS = 2_000_000_000


def companion_stamp(companions: Sequence[tuple[str, Path]]) -> str:
    """Which companions a transcript has, with their sizes and mtimes (cheap to compare)."""
    stamps = []
    for kind, path in companions:
        stat = path.stat()
        stamps.append([kind, path.name, stat.st_size, stat.st_mtime_ns])
    return json.dumps(stamps)


def content_digest(path: Path, companions: Sequence[tuple[str, Path]]) -> str:
    """A digest of the transcript's content and its companions' (kind, name, content);
    TranscriptError when one cannot be read."""
    digest = hashlib.blake2b(read_bytes(path), digest_size=16)
    for kind, companion in companions:
        digest.update(f"\0{kind}\0{companion.name}\0".encode())
        digest.update(read_bytes(companion))
    return digest.hexdigest()


def folder_stamps(corpus: Path) -> dict[str, tuple[int, int]]:
    """folder -> (mtime_ns, when stamped) for every folder of the corpus."""
    now = time.time_ns()
    root = corpus.parent if corpus.is_file() else corpus
    folders = [root, *(Path(d) for d, _, _ in os.walk(root) if d != str(root))]
    stamps = {}
    for folder in folders:
        try:
            stamps[str(folder)] = (folder.stat().st_mtime_ns, now)
        except OSError:
            continue
    return stamps


def changed_folders(recorded: dict[str, tuple[int, int]]) -> set[str]:
    """The recorded folders whose modification time moved, that went, or whose stamp was
    taken too close to their last change to be trusted."""
    changed = set()
    for folder, (mtime_ns, seen_ns) in recorded.items():
        try:
            current = os.stat(folder).st_mtime_ns
        except OSError:
            changed.add(folder)
            continue
        if current != mtime_ns or seen_ns - mtime_ns < RACY_NS:
            changed.add(folder)
    return changed
