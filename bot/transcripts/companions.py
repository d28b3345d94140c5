"""Files that travel with a transcript: `<name>.yaml` metadata and `<name>.chapters.json`.

`<name>` is the transcript's file name without its extension, so `ep12.vtt`, `ep12.srt` and
`ep12.json` all pair with `ep12.yaml` and `ep12.chapters.json`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import TranscriptError
from .json_source import line_of, load_json
from .metadata import yaml_mapping
from .reading import read_text

CHAPTERS_SUFFIX = ".chapters.json"
SIDECAR_SUFFIXES = (".yaml", ".yml")
# Extensions of two parts: a plain-text transcript is `NAME.plain.txt` (`.txt` alone is the
# markdown format), and its companions are `NAME.yaml` and `NAME.chapters.json`.
COMPOUND_SUFFIXES = (".plain.txt",)


@dataclass(frozen=True)
class Chapter:
    """A Podcasting 2.0 chapter: where it starts (seconds, fractional) and its title."""

    start: float
    title: str


def suffix_of(path: Path) -> str:
    """The extension that says the format, in lower case: `.vtt`, or `.plain.txt`."""
    name = path.name.lower()
    compound = next((s for s in COMPOUND_SUFFIXES if name.endswith(s) and name != s), None)
    return compound or path.suffix.lower()


def stem_of(path: Path) -> str:
    """`ep12.vtt` -> `ep12`, `ep12.plain.txt` -> `ep12`: the name companions share."""
    suffix = suffix_of(path)
    return path.name[: -len(suffix)] if suffix else path.name


def chapters_path(path: Path) -> Path:
    return path.with_name(stem_of(path) + CHAPTERS_SUFFIX)


def sidecar_path(path: Path) -> Path | None:
    """The `<name>.yaml` (or `.yml`) next to a transcript, when there is one."""
    for suffix in SIDECAR_SUFFIXES:
        candidate = path.with_name(stem_of(path) + suffix)
        if candidate.is_file():
            return candidate
    return None


def companion_files(path: Path, with_sidecar: bool = True) -> list[tuple[str, Path]]:
    """(kind, path) of the companions present: `sidecar` and `chapters`."""
    found: list[tuple[str, Path]] = []
    sidecar = sidecar_path(path) if with_sidecar else None
    if sidecar is not None:
        found.append(("sidecar", sidecar))
    chapters = chapters_path(path)
    if chapters.is_file():
        found.append(("chapters", chapters))
    return found


def read_sidecar(path: Path) -> dict[str, Any]:
    """The episode metadata of a `<name>.yaml` sidecar; {} when there is none."""
    sidecar = sidecar_path(path)
    if sidecar is None:
        return {}
    return yaml_mapping(read_text(sidecar), str(sidecar), 1, "sidecar metadata")


def read_chapters(path: Path) -> list[Chapter]:
    """The chapters of a transcript's `<name>.chapters.json`, by start; [] when there is none.

    Chapters marked `"toc": false` (ad markers, images) are not sections and are left out.
    """
    chapters_file = chapters_path(path)
    if not chapters_file.is_file():
        return []
    source = str(chapters_file)
    text = read_text(chapters_file)
    data = load_json(text, source)
    if not isinstance(data, dict) or not isinstance(data.get("chapters"), list):
        raise TranscriptError(
            source, 1, 'not a Podcasting 2.0 chapters file (expected {"chapters": [...]})'
        )
    chapters: list[Chapter] = []
    for index, item in enumerate(data["chapters"]):
        where = ("chapters", index)
        if not isinstance(item, dict):
            raise TranscriptError(
                source, line_of(text, where), f"chapter {index + 1}: not an object"
            )
        start = number(item.get("startTime"))
        if start is None:
            raise TranscriptError(
                source,
                line_of(text, where),
                f"chapter {index + 1}: startTime must be a number of seconds",
            )
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            raise TranscriptError(
                source, line_of(text, where), f"chapter {index + 1}: title is missing"
            )
        if item.get("toc") is False:
            continue
        chapters.append(Chapter(start, " ".join(title.split())))
    return sorted(chapters, key=lambda chapter: chapter.start)


def number(value: Any) -> float | None:
    """A time in seconds as JSON gives it (a number, or a numeric string); None if it is not."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, int | float) and math.isfinite(value) and value >= 0:
        return float(value)
    return None
