"""Which parser reads which transcript file, chosen by file name, and the files it also reads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..models import Transcript
from .companions import CHAPTERS_SUFFIX, companion_files, read_chapters, suffix_of
from .cues import with_chapters
from .html_transcript import parse_html_transcript
from .markdown import parse_markdown_transcript
from .plain_text import PLAIN_SUFFIX, parse_plain_transcript
from .podcast_json import parse_json_transcript
from .srt import parse_srt_transcript
from .vtt import parse_vtt_transcript

Parser = Callable[[Path, str], Transcript]


def parse_markdown_with_chapters(path: Path, episode_id: str) -> Transcript:
    """The markdown format; a `<name>.chapters.json` gives sections when it has no headings."""
    transcript = parse_markdown_transcript(path, episode_id)
    if transcript.episode.sections:
        return transcript
    return with_chapters(transcript, read_chapters(path))


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


def format_of(path: Path) -> str | None:
    """The format name a file would be read as, or None when it is not a transcript."""
    name = path.name.lower()
    if name in IGNORED_NAMES or name.startswith(".") or name.endswith(CHAPTERS_SUFFIX):
        return None
    entry = FORMATS.get(suffix_of(path))
    return entry[0] if entry else None


def parse_transcript(path: Path, episode_id: str) -> Transcript:
    """Parse a transcript with the parser its file name calls for."""
    return FORMATS[suffix_of(path)][1](path, episode_id)


def companions_of(path: Path) -> list[tuple[str, Path]]:
    """(kind, path) of the files besides `path` that its parse reads: a change to any of them
    changes the transcript."""
    return companion_files(path, with_sidecar=format_of(path) in SIDECAR_FORMATS)
