"""Which parser reads which transcript file, chosen by file name, and the files it also reads."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from ..models import Transcript
from .companions import (
    CHAPTERS_SUFFIX,
    companion_files,
    read_chapters,
    read_sidecar,
    sidecar_path,
    suffix_of,
)
from .cues import with_chapters
from .html_transcript import parse_html_transcript
from .markdown import parse_markdown_transcript
from .metadata import renamed, speaker_names
from .plain_text import PLAIN_SUFFIX, parse_plain_transcript
from .podcast_json import parse_json_transcript
from .srt import parse_srt_transcript
from .vtt import parse_vtt_transcript
from .word_times import WORDS_SUFFIX, read_timed_words, with_word_times, words_path

Parser = Callable[[Path, str], Transcript]


def parse_markdown_with_chapters(path: Path, episode_id: str) -> Transcript:
    """The markdown format; a `<name>.chapters.json` gives sections when it has no headings.

    A transcript made from audio also has a `<name>.words.json` (the time of every word, so
    passages inside long turns get their own timestamps) and a `<name>.yaml` whose `speakers:`
    names the `Speaker 1`, `Speaker 2` labels.
    """
    transcript = parse_markdown_transcript(path, episode_id)
    if not transcript.episode.sections:
        transcript = with_chapters(transcript, read_chapters(path))
    transcript = with_word_times(transcript, read_timed_words(path))
    return with_speaker_names(transcript, path)


def with_speaker_names(transcript: Transcript, path: Path) -> Transcript:
    """Speaker labels renamed by the `speakers:` mapping of the front matter or the sidecar."""
    names = speaker_names(transcript.episode.metadata, transcript.episode.source)
    sidecar = sidecar_path(path)
    if sidecar is not None:
        names.update(speaker_names(read_sidecar(path), str(sidecar)))
    if not names:
        return transcript
    turns = renamed(transcript.turns, names)
    speakers = tuple(dict.fromkeys(turn.speaker for turn in turns))
    episode = dataclasses.replace(transcript.episode, speakers=speakers)
    return Transcript(episode, tuple(turns))


# Suffix -> (format name, parser). Files with other suffixes (advice.yaml, sidecars, READMEs
# named *.rst …) are not transcripts and are skipped without complaint.
FORMATS: dict[str, tuple[str, Parser]] = {
    ".txt": ("markdown", parse_markdown_with_chapters),
    ".md": ("markdown", parse_markdown_with_chapters),
    ".markdown": ("markdown", parse_markdown_with_chapters),
    ".vtt": ("webvtt", parse_vtt_transcript),
    ".srt": ("srt", parse_srt_transcript),
    ".json": ("podcasting2-json", parse_json_transcript),
    ".html": ("html", parse_html_transcript),
    ".htm": ("html", parse_html_transcript),
    PLAIN_SUFFIX: ("plain-text", parse_plain_transcript),
}
# Formats whose episode metadata comes from a `<name>.yaml` sidecar (markdown has front matter).
SIDECAR_FORMATS = frozenset({"webvtt", "srt", "podcasting2-json", "html", "plain-text"})

IGNORED_NAMES = frozenset({"readme.md", "readme.txt", "license.txt", "license.md"})
# Files that travel with a transcript and are read by its parser, never on their own.
COMPANION_SUFFIXES = (CHAPTERS_SUFFIX, WORDS_SUFFIX)


def format_of(path: Path) -> str | None:
    """The format name a file would be read as, or None when it is not a transcript."""
    name = path.name.lower()
    if name in IGNORED_NAMES or name.startswith(".") or name.endswith(COMPANION_SUFFIXES):
        return None
    entry = FORMATS.get(suffix_of(path))
    return entry[0] if entry else None


def parse_transcript(path: Path, episode_id: str) -> Transcript:
    """Parse a transcript with the parser its file name calls for."""
    return FORMATS[suffix_of(path)][1](path, episode_id)


def companions_of(path: Path) -> list[tuple[str, Path]]:
    """(kind, path) of the files besides `path` that its parse reads: a change to any of them
    changes the transcript. Markdown reads only the `speakers:` of its sidecar, and its
    word-timed sidecar."""
    fmt = format_of(path)
    found = companion_files(path, with_sidecar=fmt in SIDECAR_FORMATS or fmt == "markdown")
    if fmt == "markdown" and words_path(path).is_file():
        found.append(("words", words_path(path)))
    return found
