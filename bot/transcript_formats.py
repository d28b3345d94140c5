"""Which parser reads which transcript file, chosen by file name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .markdown_transcript import parse_markdown_transcript
from .models import Transcript

Parser = Callable[[Path, str], Transcript]

# Suffix -> (format name, parser). Files with other suffixes (advice.yaml, sidecars, READMEs
# named *.rst …) are not transcripts and are skipped without complaint.
FORMATS: dict[str, tuple[str, Parser]] = {
    ".txt": ("markdown", parse_markdown_transcript),
    ".md": ("markdown", parse_markdown_transcript),
    ".markdown": ("markdown", parse_markdown_transcript),
}

IGNORED_NAMES = frozenset({"readme.md", "readme.txt", "license.txt", "license.md"})


def format_of(path: Path) -> str | None:
    """The format name a file would be read as, or None when it is not a transcript."""
    if path.name.lower() in IGNORED_NAMES or path.name.startswith("."):
        return None
    entry = FORMATS.get(path.suffix.lower())
    return entry[0] if entry else None


def parse_transcript(path: Path, episode_id: str) -> Transcript:
    """Parse a transcript with the parser its file name calls for."""
    return FORMATS[path.suffix.lower()][1](path, episode_id)
