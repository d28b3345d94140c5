"""The word-timed sidecar `<name>.words.json` of a machine-made transcript.

The markdown format keeps one timestamp per turn; a transcript made from audio knows when each
word was said. The sidecar keeps those times so that a passage starting in the middle of a long
turn links to its own second, not the turn's. A manager may correct the markdown by hand
(spelling, a misheard word, a merged turn): the sidecar's words are matched to the file's words
in order, so corrected text keeps the times of the words around it.

    {"version": 1, "words": [[0.0, 0.4, "Welcome"], [0.4, 0.74, "to"], ...], ...}
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import TranscriptError
from ..models import Segment, Transcript, Turn
from ..text import fold, split_sentences, words
from .companions import stem_of
from .json_source import load_json
from .markdown import read_text

WORDS_SUFFIX = ".words.json"
WORDS_VERSION = 1


@dataclass(frozen=True)
class TimedWord:
    """A word as the recogniser heard it, with its start and end in seconds."""

    start: float
    end: float
    text: str


def words_path(path: Path) -> Path:
    """`ep12.md` -> `ep12.words.json`."""
    return path.with_name(stem_of(path) + WORDS_SUFFIX)


def words_document(words_: Sequence[TimedWord], **extra: Any) -> dict[str, Any]:
    """The sidecar's JSON object: the words plus whatever the writer records beside them."""
    rows = [[round(w.start, 2), round(w.end, 2), w.text] for w in words_]
    return {"version": WORDS_VERSION, **extra, "words": rows}


def read_words_document(path: Path) -> dict[str, Any] | None:
    """The sidecar of transcript `path` as JSON, or None when there is none."""
    sidecar = words_path(path)
    if not sidecar.is_file():
        return None
    data = load_json(read_text(sidecar), str(sidecar))
    if not isinstance(data, dict) or not isinstance(data.get("words"), list):
        raise TranscriptError(
            str(sidecar), 1, 'not a word-timed sidecar (expected {"words": [[start, end, word]]})'
        )
    return data


def read_timed_words(path: Path) -> list[TimedWord]:
    """The words of transcript `path`'s sidecar, in order; [] when there is none."""
    data = read_words_document(path)
    if data is None:
        return []
    found: list[TimedWord] = []
    for index, row in enumerate(data["words"]):
        if (
            not isinstance(row, list)
            or len(row) < 3
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in row[:2])
            or not isinstance(row[2], str)
        ):
            raise TranscriptError(
                str(words_path(path)), 1, f"word {index + 1}: expected [start, end, text]"
            )
        found.append(TimedWord(float(row[0]), float(row[1]), row[2]))
    return found


def with_word_times(transcript: Transcript, timed: Sequence[TimedWord]) -> Transcript:
    """Each paragraph split into sentences, each sentence timed by its first word's time.

    A sentence whose words the sidecar does not know (typed in by hand) takes the time of the
    sentence before it; no sentence is placed before its turn's own timestamp, which stays as
    the file says.
    """
    if not timed:
        return transcript
    heard = [fold(token) for w in timed for token in words(w.text)]
    heard_time = [w.start for w in timed for _ in words(w.text)]
    # (turn, paragraph, sentence) -> the sentence's first word's position in the file's words.
    sentences: list[list[list[str]]] = []
    written: list[str] = []
    firsts: list[int] = []
    for turn in transcript.turns:
        by_paragraph = []
        for segment in turn.segments:
            pieces = split_sentences(" ".join(segment.text.split()))
            for piece in pieces:
                firsts.append(len(written))
                written.extend(fold(token) for token in words(piece))
            by_paragraph.append(pieces)
        sentences.append(by_paragraph)
    at: dict[int, float] = {}
    if written == heard:  # as written by quotebot: no alignment needed
        at = dict(enumerate(heard_time))
    else:  # corrected by hand: match the words that are still the same, in order
        matcher = difflib.SequenceMatcher(None, written, heard, autojunk=False)
        for block in matcher.get_matching_blocks():
            for offset in range(block.size):
                at[block.a + offset] = heard_time[block.b + offset]
    turns: list[Turn] = []
    counter = 0
    for turn, by_paragraph in zip(transcript.turns, sentences, strict=True):
        latest = float(turn.seconds)
        segments: list[Segment] = []
        for segment, pieces in zip(turn.segments, by_paragraph, strict=True):
            for number, piece in enumerate(pieces):
                first = firsts[counter]
                counter += 1
                end = firsts[counter] if counter < len(firsts) else len(written)
                known = [at[i] for i in range(first, end) if i in at]
                if known:
                    # Words before the first matched one were typed in: keep them near it.
                    latest = max(latest, known[0])
                segments.append(
                    Segment(piece, int(latest + 1e-6), segment.line, starts_paragraph=number == 0)
                )
        turns.append(dataclasses.replace(turn, segments=tuple(segments)))
    return Transcript(transcript.episode, tuple(turns))


def dumps(document: dict[str, Any]) -> str:
    """The sidecar's text: one word a line, so a diff of two runs reads like the transcript."""
    lines = ["{"]
    for key, value in document.items():
        if key != "words":
            lines.append(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},")
    rows = [json.dumps(row, ensure_ascii=False) for row in document.get("words", [])]
    lines.append(' "words": [')
    lines.append(",\n".join(f"  {row}" for row in rows))
    lines.append(" ]")
    lines.append("}")
    return "\n".join(lines) + "\n"
