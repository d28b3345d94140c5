"""Where a feed's files go: `<corpus>/feeds/<feed name>/<stem>.*`, and never over a hand edit.

Each episode is stored as ordinary corpus files (a transcript, its `<stem>.yaml` sidecar and
`<stem>.chapters.json`), so `check`, `convert`, search and advice read them like any other.
The poll remembers the SHA-256 of every file it wrote; a file whose content no longer matches
was edited by hand and is left alone (the episode says so in `feeds list`), and one that was
deleted by hand is not brought back.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path

from ..text import fold

FEEDS_FOLDER = "feeds"
WRITTEN, UNCHANGED, HAND_EDITED, REMOVED_BY_HAND = "written", "unchanged", "hand-edited", "removed"
MAX_STEM = 60


def feed_folder(corpus: Path, feed_name: str) -> Path:
    return corpus / FEEDS_FOLDER / feed_name


def slug(text: str, limit: int = MAX_STEM) -> str:
    """Lower-case words joined by `-`: a name safe in a path and as an episode id."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:limit].strip("-")


def stem_for(feed_name: str, guid: str) -> str:
    """A stable file name from the feed's name and an item's guid: `garden-buzzsprout-1001`.

    The guid's slug is kept whole when it says the whole guid; URLs and long guids become a
    short slug plus a hash, so two guids never share a name. The feed's name in front keeps
    the episode ids (taken from file names) apart across feeds whose hosts number guids 1, 2, 3.
    """
    plain = slug(guid, 200)
    if plain and plain == guid.lower() and len(plain) <= MAX_STEM:
        return f"{feed_name}-{plain}"
    digest = hashlib.sha256(guid.encode()).hexdigest()[:10]
    tail = slug(guid.rsplit("/", 1)[-1] if "://" in guid else guid, 40)
    return f"{feed_name}-{tail}-{digest}" if tail else f"{feed_name}-{digest}"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str | None:
    try:
        return digest(path.read_bytes())
    except FileNotFoundError:
        return None


def write_file(path: Path, data: bytes, recorded: Mapping[str, str]) -> str:
    """Write `data` unless a person changed or deleted the file since the last poll wrote it.

    `recorded` maps file names to the digest the poll last wrote. Returns WRITTEN, UNCHANGED,
    HAND_EDITED (kept: differs from what the poll wrote, or was never written by it) or
    REMOVED_BY_HAND (not recreated).
    """
    was = recorded.get(path.name)
    now = file_digest(path)
    if now is None and was is not None:
        return REMOVED_BY_HAND
    if now is not None and now != was:
        return HAND_EDITED
    if now == digest(data):
        return UNCHANGED
    replace_atomically(path, data)
    return WRITTEN


def replace_atomically(path: Path, data: bytes) -> None:
    """Write to a hidden temporary name, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def remove_if_ours(path: Path, recorded: Mapping[str, str]) -> bool:
    """Delete a file the poll wrote and nobody edited (a transcript replaced by a better
    type); True when it is gone."""
    now = file_digest(path)
    if now is None:
        return True
    if now != recorded.get(path.name):
        return False
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    return True
