"""Cutting turns into passages: one to a few whole sentences, the unit a chat message quotes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..models import Segment, Transcript, Turn
from ..text import split_sentences, words

# A passage grows sentence by sentence until it has MIN_WORDS; it never grows past MAX_WORDS
# unless one sentence alone is that long. A tail shorter than ORPHAN_WORDS joins the passage
# before it, so that "Right." does not stand alone after a long answer.
MIN_WORDS = 15
MAX_WORDS = 50
ORPHAN_WORDS = 6


@dataclass(frozen=True)
class PassageDraft:
    """A passage before it is stored: text plus where it stands in its episode."""

    ordinal: int
    turn: int
    section: str
    speaker: str
    seconds: int
    text: str


def build_passages(transcript: Transcript) -> list[PassageDraft]:
    """All passages of a transcript, numbered in reading order."""
    drafts: list[PassageDraft] = []
    for turn_index, turn in enumerate(transcript.turns):
        for seconds, text in _turn_passages(turn):
            drafts.append(
                PassageDraft(len(drafts), turn_index, turn.section, turn.speaker, seconds, text)
            )
    return drafts


def _turn_passages(turn: Turn) -> Iterator[tuple[int, str]]:
    for paragraph in _paragraphs(turn.segments):
        groups: list[list[tuple[int, str, int]]] = []
        count = 0
        for seconds, sentence in _timed_sentences(paragraph):
            size = len(words(sentence))
            if groups and count >= MIN_WORDS and count + size > MAX_WORDS:
                groups.append([])
                count = 0
            if not groups:
                groups.append([])
            groups[-1].append((seconds, sentence, size))
            count += size
        if len(groups) > 1 and sum(size for *_, size in groups[-1]) < ORPHAN_WORDS:
            groups[-2].extend(groups.pop())
        for group in groups:
            yield group[0][0], " ".join(sentence for _, sentence, _ in group)


def _paragraphs(segments: tuple[Segment, ...]) -> Iterator[list[Segment]]:
    paragraph: list[Segment] = []
    for segment in segments:
        if segment.starts_paragraph and paragraph:
            yield paragraph
            paragraph = []
        paragraph.append(segment)
    if paragraph:
        yield paragraph


def _timed_sentences(paragraph: list[Segment]) -> Iterator[tuple[int, str]]:
    """Sentences of a paragraph, each with the start of the segment it begins in."""
    text = ""
    starts: list[tuple[int, int]] = []
    for segment in paragraph:
        piece = " ".join(segment.text.split())
        if not piece:
            continue
        if text:
            text += " "
        starts.append((len(text), segment.seconds))
        text += piece
    position = 0
    for sentence in split_sentences(text):
        offset = text.find(sentence, position)
        position = offset + len(sentence)
        seconds = starts[0][1]
        for start, segment_seconds in starts:
            if start > offset:
                break
            seconds = segment_seconds
        yield seconds, sentence
