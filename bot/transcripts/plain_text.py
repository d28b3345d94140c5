"""Parser for plain-text transcripts (`NAME.plain.txt`), the Podcasting 2.0 `text/plain` one.

Plain text says neither who speaks nor when: each paragraph (lines up to a blank line) is one
turn of UNKNOWN_SPEAKER at 0:00. The name ends `.plain.txt` because a bare `.txt` is the
markdown format, which needs front matter and timestamps.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import TranscriptError
from ..models import UNKNOWN_SPEAKER, Transcript
from .cues import Cue, transcript_from_cues
from .markdown import read_text

PLAIN_SUFFIX = ".plain.txt"


def parse_plain_transcript(path: Path, episode_id: str, text: str | None = None) -> Transcript:
    source = str(path)
    text = read_text(path) if text is None else text
    if "\x00" in text:
        raise TranscriptError(source, 1, "not a text file (it holds binary data)")
    cues: list[Cue] = []
    paragraph: list[str] = []
    first_line = 0
    for number, line in enumerate([*text.split("\n"), ""], 1):
        if line.strip():
            if not paragraph:
                first_line = number
            paragraph.append(line.strip())
        elif paragraph:
            cues.append(Cue(UNKNOWN_SPEAKER, 0.0, " ".join(paragraph), first_line, True))
            paragraph = []
    if not cues:
        raise TranscriptError(source, 1, "the file is empty")
    return transcript_from_cues(path, episode_id, cues)
