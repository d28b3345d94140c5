"""Parser for Podcasting 2.0 JSON transcripts (`.json`, `application/json`).

    {"version": "1.0.0",
     "segments": [{"speaker": "Alice", "startTime": 0.5, "endTime": 2.1, "body": "Hello."}]}

Segments may hold phrases or single words (the word-per-segment variety). Words are joined
back into text with the spacing punctuation wants (`Hello` `,` `world` `.` -> `Hello, world.`)
and grouped into sentence-long cues, each starting at its first word, so excerpt timestamps
stay as precise as the file. A segment without a speaker is spoken by UNKNOWN_SPEAKER.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import TranscriptError
from ..models import UNKNOWN_SPEAKER, Transcript
from .companions import number, read_chapters
from .cues import Cue, chapter_title, transcript_from_cues
from .json_source import line_of, load_json
from .reading import read_text

# Tokens that attach to the word before them, and text after which the next token attaches.
CLOSING = re.compile(r"^(?:[,.;:!?%)\]}…”’»]|['’](?:s|d|m|t|re|ve|ll)\b|n['’]t\b)", re.I)
OPENING = re.compile(r"[(\[{“‘«¿¡]$")
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def parse_json_transcript(path: Path, episode_id: str, text: str | None = None) -> Transcript:
    source = str(path)
    text = read_text(path) if text is None else text
    data = load_json(text, source)
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        raise TranscriptError(
            source,
            1,
            'not a Podcasting 2.0 transcript (expected {"version": ..., "segments": [...]})',
        )
    chapters = read_chapters(path)
    starts = [chapter.start for chapter in chapters]
    cues: list[Cue] = []
    # The cue being gathered: speaker, start, words so far, line.
    speaker, start, pieces, first_line = "", 0.0, "", 0
    previous = 0.0

    def flush() -> None:
        nonlocal pieces
        if pieces:
            cues.append(Cue(speaker, start, pieces, first_line))
            pieces = ""

    for index, segment in enumerate(data["segments"]):
        where = ("segments", index)
        if not isinstance(segment, dict):
            raise TranscriptError(
                source, line_of(text, where), f"segment {index + 1}: not an object"
            )
        seconds = number(segment.get("startTime"))
        if seconds is None:
            raise TranscriptError(
                source,
                line_of(text, where),
                f"segment {index + 1}: startTime must be a number of seconds",
            )
        if seconds + 1e-6 < previous:
            raise TranscriptError(
                source,
                line_of(text, where),
                f"segment {index + 1} starts at {seconds:g}s, before the segment above it "
                f"({previous:g}s)",
            )
        previous = seconds
        end = number(segment.get("endTime"))
        if end is not None and end + 1e-6 < seconds:
            raise TranscriptError(
                source,
                line_of(text, where),
                f"segment {index + 1} ends at {end:g}s, before it starts ({seconds:g}s)",
            )
        body = segment.get("body", "")
        if not isinstance(body, str):
            raise TranscriptError(
                source, line_of(text, where), f"segment {index + 1}: body must be text"
            )
        body = " ".join(body.split())
        if not body:
            continue
        who = segment.get("speaker")
        who = " ".join(str(who).split()) if who not in (None, "") else UNKNOWN_SPEAKER
        new_chapter = chapter_title(chapters, starts, seconds) != chapter_title(
            chapters, starts, start
        )
        if who != speaker or " " in body or new_chapter:
            flush()
        if not pieces and CLOSING.match(body) and cues and cues[-1].speaker == who:
            # A closing quote or full stop after a finished sentence belongs to it.
            last = cues[-1]
            cues[-1] = Cue(last.speaker, last.start, join_words(last.text, body), last.line)
            continue
        if not pieces:
            speaker, start, first_line = who, seconds, index + 1
        pieces = join_words(pieces, body)
        if " " in body or SENTENCE_END.search(body):
            flush()
    flush()
    _number_lines(cues, text, len(data["segments"]))
    return transcript_from_cues(path, episode_id, cues, chapters)


def join_words(text: str, word: str) -> str:
    """`text` + `word` with the space English punctuation wants (none before `,`, `'s`, `)`)."""
    if not text:
        return word
    if word == '"':
        closing = text.count('"') % 2 == 1
        return text + word if closing else f"{text} {word}"
    if CLOSING.match(word) or OPENING.search(text) or (text.endswith('"') and text.count('"') % 2):
        return text + word
    return f"{text} {word}"


def _number_lines(cues: list[Cue], text: str, segments: int) -> None:
    """Cue lines are segment numbers until here: make them file lines where segments can be
    told apart by line (one `"startTime"` per segment), else 0 (unknown)."""
    lines = [n for n, line in enumerate(text.split("\n"), 1) if '"startTime"' in line]
    for position, cue in enumerate(cues):
        line = lines[cue.line - 1] if len(lines) == segments else 0
        cues[position] = Cue(cue.speaker, cue.start, cue.text, line, cue.new_turn)
