"""Parser for the markdown transcript format the seeds use.

A file is YAML front matter between `---` lines, an optional `Transcript` line, `### Section`
headings, and turns that start `Speaker HH:MM:SS:` (or `MM:SS`) with the text on the same line
or on the lines below, paragraphs split by blank lines.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import TranscriptError, TranscriptWarning
from ..models import Segment, Transcript, Turn
from .metadata import episode_from_metadata, full_names, yaml_mapping
from .reading import read_text
from .turn_lookalikes import looks_like_turn_header

TURN_HEADER = re.compile(
    r"^(?P<speaker>[^\W\d_][\w .'’\-]{0,80}?)\s+"
    r"\[?(?P<time>\d{1,2}:\d{2}(?::\d{2})?)(?!:?\d)\]?\s*:\s*(?P<rest>.*)$"
)
HEADING = re.compile(r"^#{1,6}\s+(?P<title>.*?)\s*#*\s*$")
FRONT_MATTER_FENCE = "---"


def parse_timestamp(text: str) -> int:
    """Seconds from `HH:MM:SS` or `MM:SS`."""
    parts = [int(part) for part in text.split(":")]
    if len(parts) == 2:
        parts.insert(0, 0)
    hours, minutes, seconds = parts
    if minutes >= 60 or seconds >= 60:
        raise ValueError(f"minutes and seconds must be below 60 in “{text}”")
    return hours * 3600 + minutes * 60 + seconds


def parse_markdown_transcript(path: Path, episode_id: str, text: str | None = None) -> Transcript:
    """Parse one markdown transcript; raise TranscriptError naming the file and line."""
    source = str(path)
    lines = (read_text(path) if text is None else text).split("\n")
    metadata, body_start = _front_matter(lines, source)
    turns: list[Turn] = []
    sections: list[str] = []
    section = ""
    speaker: str | None = None
    speaker_line = 0
    seconds = 0
    paragraphs: list[Segment] = []
    paragraph: list[str] = []
    paragraph_line = 0

    def close_paragraph() -> None:
        nonlocal paragraph
        if paragraph:
            paragraphs.append(Segment(" ".join(paragraph), seconds, paragraph_line))
            paragraph = []

    def close_turn() -> None:
        nonlocal paragraphs
        close_paragraph()
        if speaker is not None and paragraphs:
            turns.append(Turn(speaker, seconds, section, tuple(paragraphs), speaker_line))
        paragraphs = []

    # (line, text, speaker whose turn it joins) of lines that are not turn headers but look
    # like one: judged once every speaker of the file is known.
    suspects: list[tuple[int, str, str | None]] = []
    previous_seconds = -1
    for index in range(body_start, len(lines)):
        number = index + 1
        line = lines[index].strip()
        if not line:
            close_paragraph()
            continue
        heading = HEADING.match(line)
        if heading:
            close_turn()
            speaker = None
            section = heading.group("title").strip()
            if section and section not in sections:
                sections.append(section)
            continue
        header = TURN_HEADER.match(line)
        if header and _looks_like_speaker(header.group("speaker")):
            close_turn()
            try:
                seconds = parse_timestamp(header.group("time"))
            except ValueError as exc:
                raise TranscriptError(source, number, f"bad timestamp: {exc}") from None
            if seconds < previous_seconds:
                raise TranscriptError(
                    source,
                    number,
                    f"timestamp {header.group('time')} goes backwards "
                    f"(the turn before starts later)",
                )
            previous_seconds = seconds
            speaker = " ".join(header.group("speaker").split())
            speaker_line = number
            rest = header.group("rest").strip()
            if rest:
                paragraph, paragraph_line = [rest], number
            continue
        if ":" in line:
            suspects.append((number, line, speaker))
        if speaker is None:
            if not turns and not paragraphs and line.lower() in {"transcript", "transcript:"}:
                continue
            # Text with no speaker cannot be attributed, so it cannot be quoted.
            continue
        if not paragraph:
            paragraph_line = number
        paragraph.append(line)
    close_turn()

    if not turns:
        raise TranscriptError(
            source, body_start + 1, "no turns found (expected lines like `Speaker 00:01:23:`)"
        )
    warnings = _lookalike_warnings(source, suspects, turns)
    turns = full_names(turns, metadata)
    episode = episode_from_metadata(metadata, episode_id, source, sections, turns)
    return Transcript(episode, tuple(turns), warnings)


def _lookalike_warnings(
    source: str, suspects: list[tuple[int, str, str | None]], turns: list[Turn]
) -> tuple[TranscriptWarning, ...]:
    """Warnings for lines that look like a turn header in another style."""
    speakers = {turn.speaker for turn in turns}
    speakers |= {name.split()[0] for name in speakers}
    warnings = []
    for number, line, joined in suspects:
        name = looks_like_turn_header(line, speakers)
        if name is None or (joined is not None and name == joined):
            continue
        shown = line if len(line) <= 60 else line[:59] + "…"
        fate = f"its words are read as {joined}'s" if joined else "its words are not served"
        warnings.append(
            TranscriptWarning(
                source,
                number,
                f"“{shown}” looks like a turn of {name} but is not a `Speaker 00:01:23:` "
                f"line: {fate}",
            )
        )
    return tuple(warnings)


def _looks_like_speaker(name: str) -> bool:
    # Sentences such as "the meeting at 10:30: ..." must not open a turn.
    first = name.strip()[:1]
    return bool(first) and (first.isupper() or not first.isascii()) and len(name.split()) <= 5


def _front_matter(lines: list[str], source: str) -> tuple[dict[str, Any], int]:
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines) or lines[start].strip() != FRONT_MATTER_FENCE:
        raise TranscriptError(source, start + 1, "no front matter (the file must start with ---)")
    for end in range(start + 1, len(lines)):
        if lines[end].strip() == FRONT_MATTER_FENCE:
            break
    else:
        raise TranscriptError(source, start + 1, "front matter is never closed with ---")
    block = "\n".join(lines[start + 1 : end])
    return yaml_mapping(block, source, start + 2, "front matter"), end + 1
