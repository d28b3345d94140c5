"""Writing any parsed transcript in the seed's markdown format (`quotebot convert --to md`).

Front matter from the episode metadata, `### Section` headings, `Speaker HH:MM:SS:` turns and
paragraphs. Cues of a turn flow into one paragraph; the markdown format keeps one timestamp
per turn, so cue-level timestamps do not survive the conversion.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..models import Transcript, Turn, format_timestamp
from .markdown import parse_markdown_transcript


@dataclass(frozen=True)
class TurnSummary:
    """What a turn says, independent of the file's layout: compared in round trips."""

    speaker: str
    seconds: int
    section: str
    paragraphs: tuple[str, ...]


def summarise(turn: Turn) -> TurnSummary:
    return TurnSummary(turn.speaker, turn.seconds, turn.section, tuple(paragraphs(turn)))


def paragraphs(turn: Turn) -> Iterator[str]:
    """The turn's paragraphs, cues that continue a paragraph joined to it."""
    current: list[str] = []
    for segment in turn.segments:
        if segment.starts_paragraph and current:
            yield " ".join(current)
            current = []
        text = " ".join(segment.text.split())
        if text:
            current.append(text)
    if current:
        yield " ".join(current)


def to_markdown(transcript: Transcript) -> str:
    episode = transcript.episode
    metadata = dict(episode.metadata)
    if not (metadata.get("episode_title") or metadata.get("title")):
        # Without it the converted file would take its title from its own (new) file name.
        metadata = {"episode_title": episode.title, **metadata}
    front = yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True, width=1_000_000)
    lines = ["---", front.rstrip("\n"), "---", "Transcript"]
    section = ""
    for turn in transcript.turns:
        if turn.section and turn.section != section:
            lines += ["", f"### {turn.section}"]
            section = turn.section
        lines += ["", f"{turn.speaker} {format_timestamp(turn.seconds)}:"]
        for paragraph in paragraphs(turn):
            lines += ["", paragraph]
    return "\n".join(lines) + "\n"


def round_trip_difference(transcript: Transcript, markdown: str, path: Path) -> str | None:
    """None when `markdown` reads back as the same turns; else what differs, for a warning.

    Text can defeat the format: a paragraph starting `Anna at 10:30: …` reads as a turn.
    """
    again = parse_markdown_transcript(path, transcript.episode.id, text=markdown)
    before = [summarise(turn) for turn in transcript.turns]
    after = [summarise(turn) for turn in again.turns]
    for number, (old, new) in enumerate(zip(before, after, strict=False), 1):
        if old != new:
            return (
                f"turn {number} ({old.speaker} {format_timestamp(old.seconds)}) reads back as "
                f"{new.speaker} {format_timestamp(new.seconds)} with different text or section"
            )
    if len(before) != len(after):
        return f"{len(before)} turns read back as {len(after)}"
    return None
