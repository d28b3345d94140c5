"""Property tests for the transcript readers and their companions: whatever a file holds, a
reader either returns a transcript or raises the project's own TranscriptError (never another
exception), and a well-formed transcript reads back with its turns in order, word for word."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzz_strategies import (
    JSON_VALUES,
    MARKDOWN_FRAGMENTS,
    SRT_FRAGMENTS,
    TURNS,
    VTT_FRAGMENTS,
    mixed_text,
)
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import QuotebotError
from bot.models import Transcript
from bot.transcripts.companions import read_chapters, read_sidecar
from bot.transcripts.markdown import parse_markdown_transcript
from bot.transcripts.podcast_json import parse_json_transcript
from bot.transcripts.srt import parse_srt_transcript
from bot.transcripts.vtt import parse_vtt_transcript

Turns = list[tuple[str, list[str]]]


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    """One folder for the whole module: each example overwrites the files it needs."""
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def read_or_refuse(parse, *args) -> Transcript | None:  # noqa: ANN001
    """The transcript, or None when the reader refused the input with a QuotebotError."""
    try:
        return parse(*args)
    except QuotebotError:
        return None


def merged(turns: Turns) -> list[tuple[str, str]]:
    """(speaker, words) as turns must read back: consecutive turns of one speaker are one."""
    out: list[tuple[str, str]] = []
    for speaker, sentences in turns:
        text = " ".join(sentences)
        if out and out[-1][0] == speaker:
            out[-1] = (speaker, f"{out[-1][1]} {text}")
        else:
            out.append((speaker, text))
    return out


def read_back(transcript: Transcript) -> list[tuple[str, str]]:
    return [
        (turn.speaker, " ".join(segment.text for segment in turn.segments))
        for turn in transcript.turns
    ]


def timestamp(seconds: int, separator: str) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}{separator}000"


# -- no input raises anything but the project's errors ---------------------------------------


@given(mixed_text(MARKDOWN_FRAGMENTS))
def test_markdown_reader_raises_only_its_own_errors(text: str) -> None:
    """Markdown reader raises only its own errors."""
    read_or_refuse(parse_markdown_transcript, Path("f.md"), "f", text)


@given(mixed_text(VTT_FRAGMENTS))
def test_vtt_reader_raises_only_its_own_errors(folder: Path, text: str) -> None:
    """Vtt reader raises only its own errors."""
    read_or_refuse(parse_vtt_transcript, folder / "f.vtt", "f", text)


@given(mixed_text(SRT_FRAGMENTS))
def test_srt_reader_raises_only_its_own_errors(folder: Path, text: str) -> None:
    """Srt reader raises only its own errors."""
    read_or_refuse(parse_srt_transcript, folder / "f.srt", "f", text)


@given(st.one_of(JSON_VALUES.map(json.dumps), mixed_text(['{"segments": [', "{", "}", ","])))
def test_podcast_json_reader_raises_only_its_own_errors(folder: Path, text: str) -> None:
    """Podcast json reader raises only its own errors."""
    read_or_refuse(parse_json_transcript, folder / "f.json", "f", text)


@given(st.one_of(JSON_VALUES.map(json.dumps), st.text(max_size=60)))
def test_chapters_reader_raises_only_its_own_errors(folder: Path, text: str) -> None:
    """Chapters reader raises only its own errors."""
    (folder / "ch.chapters.json").write_text(text, encoding="utf-8", errors="surrogatepass")
    read_or_refuse(read_chapters, folder / "ch.vtt")


@given(st.one_of(mixed_text(["a: b\n", "- x\n", "{", "[", "&x ", "*x", "!!python/name:x"])))
def test_sidecar_reader_raises_only_its_own_errors(folder: Path, text: str) -> None:
    """Sidecar reader raises only its own errors."""
    (folder / "sc.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    read_or_refuse(read_sidecar, folder / "sc.vtt")


# -- well-formed transcripts keep their turns' order and text --------------------------------


@given(TURNS)
def test_markdown_turns_read_back_in_order(turns: Turns) -> None:
    """Markdown turns read back in order."""
    lines = ["---", "title: T", "---"]
    for number, (speaker, sentences) in enumerate(turns):
        lines.append(f"{speaker} {timestamp(number * 7, '')[:8]}: {sentences[0]}")
        lines.extend(sentences[1:])
    transcript = parse_markdown_transcript(Path("f.md"), "f", "\n".join(lines) + "\n")
    # Markdown turns are never merged: each header opens one.
    assert read_back(transcript) == [(s, " ".join(text)) for s, text in turns]
    assert transcript.warnings == ()


@given(TURNS)
def test_vtt_turns_read_back_in_order(folder: Path, turns: Turns) -> None:
    """Vtt turns read back in order."""
    blocks = ["WEBVTT", ""]
    cue = 0
    for speaker, sentences in turns:
        for sentence in sentences:
            blocks += [
                f"{timestamp(cue, '.')} --> {timestamp(cue + 1, '.')}",
                f"<v {speaker}>{sentence}",
                "",
            ]
            cue += 1
    transcript = parse_vtt_transcript(folder / "f.vtt", "f", "\n".join(blocks))
    assert read_back(transcript) == merged(turns)


@given(TURNS)
def test_srt_turns_read_back_in_order(folder: Path, turns: Turns) -> None:
    """Srt turns read back in order."""
    blocks = []
    cue = 0
    for speaker, sentences in turns:
        for position, sentence in enumerate(sentences):
            cue += 1
            text = f"{speaker}: {sentence}" if position == 0 else sentence
            blocks += [str(cue), f"{timestamp(cue, ',')} --> {timestamp(cue + 1, ',')}", text, ""]
    transcript = parse_srt_transcript(folder / "f.srt", "f", "\n".join(blocks))
    assert read_back(transcript) == merged(turns)


@given(TURNS)
def test_podcast_json_turns_read_back_in_order(folder: Path, turns: Turns) -> None:
    """Podcast json turns read back in order."""
    segments = []
    for speaker, sentences in turns:
        for sentence in sentences:
            start = len(segments) * 1.5
            segments.append(
                {"speaker": speaker, "startTime": start, "endTime": start + 1, "body": sentence}
            )
    text = json.dumps({"version": "1.0.0", "segments": segments}, indent=1)
    transcript = parse_json_transcript(folder / "f.json", "f", text)
    assert read_back(transcript) == merged(turns)
