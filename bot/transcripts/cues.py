"""From timed cues (WebVTT, SRT, Podcasting 2.0 JSON) to the turns every format produces.

The subtitle parsers only find cues: who speaks, from when, saying what. Here cues become
turns (consecutive cues of one speaker, within one chapter), chapters become sections, and the
sidecar metadata becomes the Episode, the same way for every format.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import TranscriptError
from ..models import Segment, Transcript, Turn
from .companions import Chapter, read_chapters, read_sidecar, sidecar_path, stem_of
from .metadata import episode_from_metadata, full_names, renamed, speaker_names


@dataclass(frozen=True)
class Cue:
    """One timed piece of text. `new_turn` marks a speaker change even when the name repeats
    (an SRT `>>` with no name)."""

    speaker: str
    start: float
    text: str
    line: int
    new_turn: bool = False


def whole_seconds(start: float) -> int:
    """Cue starts are rounded down, so a deep link starts just before the words, not after."""
    return int(math.floor(start + 1e-6))


def chapter_title(chapters: Sequence[Chapter], starts: Sequence[float], start: float) -> str:
    """The title of the chapter playing at `start` ("" before the first chapter)."""
    position = bisect.bisect_right(starts, start + 1e-6)
    return chapters[position - 1].title if position else ""


def turns_from_cues(cues: Sequence[Cue], chapters: Sequence[Chapter] = ()) -> list[Turn]:
    """Consecutive cues of one speaker make a turn; a chapter starting mid-turn splits it at
    the first cue of the chapter, so every turn lies in one section."""
    starts = [chapter.start for chapter in chapters]
    turns: list[Turn] = []
    segments: list[Segment] = []
    speaker = section = ""
    first: Cue | None = None

    def close() -> None:
        if first is not None and segments:
            turns.append(
                Turn(speaker, whole_seconds(first.start), section, tuple(segments), first.line)
            )

    for cue in cues:
        text = " ".join(cue.text.split())
        if not text:
            continue
        cue_section = chapter_title(chapters, starts, cue.start)
        if first is None or cue.new_turn or cue.speaker != speaker or cue_section != section:
            close()
            first, speaker, section, segments = cue, cue.speaker, cue_section, []
        # Cues continue each other's sentences: none of them starts a paragraph.
        segments.append(Segment(text, whole_seconds(cue.start), cue.line, starts_paragraph=False))
    close()
    return turns


def check_timings(source: str, line: int, start: float, end: float) -> None:
    """A cue must not end before it starts: a typo there (`00:00:20 --> 00:00:02`) would put its
    words at the wrong time without a word."""
    if end + 1e-6 < start:
        raise TranscriptError(
            source,
            line,
            f"the cue ends at {format_seconds(end)}, before it starts ({format_seconds(start)})",
        )


def format_seconds(seconds: float) -> str:
    """`00:01:02.500`: a cue time as subtitle files write it."""
    whole, millis = divmod(round(seconds * 1000), 1000)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}.{millis:03d}"


def check_order(cues: Sequence[Cue], source: str, unit: str = "cue") -> None:
    """Cues must not go back in time (as turns must not in the markdown format)."""
    for before, cue in zip(cues, cues[1:], strict=False):
        if cue.start + 1e-6 < before.start:
            raise TranscriptError(
                source,
                cue.line,
                f"{unit} starts at {cue.start:g}s, before the {unit} above it ({before.start:g}s)",
            )


def transcript_from_cues(
    path: Path,
    episode_id: str,
    cues: Sequence[Cue],
    chapters: Sequence[Chapter] | None = None,
) -> Transcript:
    """The Transcript of a subtitle-format file: its cues plus its sidecar and chapters."""
    source = str(path)
    if not cues:
        raise TranscriptError(source, 1, "no cues with text found")
    metadata = read_sidecar(path)
    if chapters is None:
        chapters = read_chapters(path)
    turns = full_names(turns_from_cues(cues, chapters), metadata)
    turns = renamed(turns, speaker_names(metadata, str(sidecar_path(path) or source)))
    sections = list(dict.fromkeys(chapter.title for chapter in chapters))
    episode = episode_from_metadata(metadata, episode_id, source, sections, turns)
    if not (metadata.get("episode_title") or metadata.get("title")):
        # No sidecar title: the file name as written (`Episode 12 - Bees`), not its id.
        episode = dataclasses.replace(episode, title=" ".join(stem_of(path).split()))
    return Transcript(episode, tuple(turns))


def with_chapters(transcript: Transcript, chapters: Sequence[Chapter]) -> Transcript:
    """A markdown transcript without headings, its turns put under the chapters' titles.

    Markdown turns carry one timestamp, so a turn goes wholly under the chapter it starts in.
    """
    if not chapters or transcript.episode.sections:
        return transcript
    # Compared in whole seconds, the precision of the markdown format's timestamps.
    starts = [float(whole_seconds(chapter.start)) for chapter in chapters]
    turns = tuple(
        dataclasses.replace(turn, section=chapter_title(chapters, starts, turn.seconds))
        for turn in transcript.turns
    )
    sections = tuple(dict.fromkeys(chapter.title for chapter in chapters))
    episode = dataclasses.replace(transcript.episode, sections=sections)
    return dataclasses.replace(transcript, episode=episode, turns=turns)
