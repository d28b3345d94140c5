"""Telling that two transcript files hold the same episode (a converted copy left beside its
original, the same episode exported twice), so that its quotes are served once.

Two keys per transcript: its words (case, accents, punctuation and layout ignored, so a
markdown file converted from a WebVTT one matches it) and, when its metadata names them, its
podcast, title and date.
"""

from __future__ import annotations

import hashlib

from ..errors import TranscriptWarning
from ..models import Transcript
from ..text import WORD, fold


def episode_keys(transcript: Transcript) -> tuple[str, ...]:
    """Keys that two files of the same episode share; `words:` always, `episode:` when known."""
    words = hashlib.blake2b(digest_size=16)
    for turn in transcript.turns:
        for segment in turn.segments:
            text = fold(segment.text).replace("’", "'")
            words.update(" ".join(WORD.findall(text)).encode())
            words.update(b" ")
    keys = [f"words:{words.hexdigest()}"]
    episode = transcript.episode
    metadata = episode.metadata
    # A title taken from the file name says nothing about the episode; a dated, titled one does.
    if (metadata.get("episode_title") or metadata.get("title")) and episode.date:
        keys.append(f"episode:{fold(episode.podcast)}|{fold(episode.title)}|{episode.date}")
    return tuple(keys)


def duplicate_warning(source: str, original: str, key: str) -> TranscriptWarning:
    """The warning for a file not served because `original` holds the same episode."""
    why = "the same words" if key.startswith("words:") else "the same podcast, title and date"
    return TranscriptWarning(
        source,
        0,
        f"not served: the same episode as {original} ({why}); only that file is searched. "
        "Remove one of the two (a converted copy belongs instead of its original).",
    )
