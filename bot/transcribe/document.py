"""Heard words, their speakers and the episode's chapters made into a transcript in the seed's
markdown format: front matter, `### Section` headings, `Speaker HH:MM:SS:` turns."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from ..models import Episode, Segment, Transcript, Turn
from ..transcripts.cues import chapter_title, whole_seconds
from ..transcripts.markdown_writer import to_markdown
from ..transcripts.word_times import TimedWord
from .request import EpisodeRequest

# A paragraph ends at a sentence end after a pause this long, or once it is this many words.
PARAGRAPH_PAUSE = 1.5
PARAGRAPH_WORDS = 120
SENTENCE_END = (".", "?", "!", "…")


def speaker_names(request: EpisodeRequest, voices: int) -> list[str]:
    """A name for each voice. A person's name only where it cannot be wrong: one voice heard
    and one host or guest listed. Otherwise `Speaker 1`, `Speaker 2` … for the manager to name
    once in the sidecar; guessing that the first voice is the host would misquote people."""
    speaking = request.speaking_persons
    if voices == 1 and len(speaking) == 1:
        return [speaking[0].name]
    return [f"Speaker {n}" for n in range(1, voices + 1)]


def build_transcript(
    request: EpisodeRequest,
    words: Sequence[TimedWord],
    labels: Sequence[int],
    names: Sequence[str],
    episode_id: str = "transcribed",
) -> Transcript:
    """Consecutive words of one voice within one chapter make a turn; pauses make paragraphs."""
    chapters = list(request.chapters)
    starts = [chapter.start for chapter in chapters]
    turns: list[Turn] = []
    current: list[int] = []  # word indexes of the turn being built

    def close() -> None:
        if not current:
            return
        first = words[current[0]]
        section = chapter_title(chapters, starts, first.start)
        seconds = whole_seconds(first.start)
        segments = tuple(
            Segment(text, seconds) for text in _paragraphs([words[i] for i in current])
        )
        turns.append(Turn(names[labels[current[0]]], seconds, section, segments))

    for index, word in enumerate(words):
        if current:
            before = current[-1]
            same_voice = labels[before] == labels[index]
            same_section = chapter_title(chapters, starts, words[current[0]].start) == (
                chapter_title(chapters, starts, word.start)
            )
            if not (same_voice and same_section):
                close()
                current = []
        current.append(index)
    close()
    sections = tuple(dict.fromkeys(turn.section for turn in turns if turn.section))
    metadata = dict(request.metadata)
    episode = Episode(
        id=episode_id,
        title=str(metadata.get("episode_title") or metadata.get("title") or ""),
        podcast=str(metadata.get("podcast_name") or metadata.get("podcast") or ""),
        date=None,
        url=None,
        source=str(request.output),
        metadata=metadata,
        sections=sections,
        speakers=tuple(dict.fromkeys(turn.speaker for turn in turns)),
    )
    return Transcript(episode, tuple(turns))


def _paragraphs(words: Sequence[TimedWord]) -> list[str]:
    paragraphs: list[str] = []
    current: list[str] = []
    for index, word in enumerate(words):
        current.append(word.text)
        following = words[index + 1] if index + 1 < len(words) else None
        if following is None:
            break
        at_sentence_end = word.text.endswith(SENTENCE_END)
        paused = following.start - word.end >= PARAGRAPH_PAUSE
        if at_sentence_end and (paused or len(current) >= PARAGRAPH_WORDS):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def markdown_of(transcript: Transcript, title_fallback: Path) -> str:
    """The transcript's markdown; an episode with no title is named after its file."""
    if not transcript.episode.title:
        stem = title_fallback.name.rsplit(".", 1)[0]
        metadata = {"episode_title": stem, **transcript.episode.metadata}
        episode = dataclasses.replace(transcript.episode, metadata=metadata, title=stem)
        transcript = Transcript(episode, transcript.turns)
    return to_markdown(transcript)
