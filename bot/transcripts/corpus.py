"""Finding a corpus on disk: its transcript files and their stable episode ids."""

from __future__ import annotations

import errno
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LibraryUnavailable, TranscriptError, TranscriptWarning
from ..text import fold
from .companions import CHAPTERS_SUFFIX, stem_of, suffix_of
from .formats import FORMATS, format_of
from .reading import unreadable_reason

CORPUS_ENV = "QUOTEBOT_CORPUS"


def bundled_seeds() -> Path:
    """The transcripts shipped with the package (the repo's `seeds/` folder)."""
    installed = Path(__file__).resolve().parents[1] / "seeds"
    if installed.is_dir():
        return installed
    # A source checkout or an editable install: the repo's own folder.
    return Path(__file__).resolve().parents[2] / "seeds"


def default_corpus() -> Path:
    """`QUOTEBOT_CORPUS` when set, else the bundled seeds."""
    configured = os.environ.get(CORPUS_ENV)
    return Path(configured).expanduser() if configured else bundled_seeds()


def episode_id_for(path: Path) -> str:
    """A stable id from the file name: `000_Stefan Mai.txt` -> `000-stefan-mai`."""
    stem = stem_of(path)
    slug = re.sub(r"[^a-z0-9]+", "-", fold(stem)).strip("-")
    return slug or "episode"


def transcript_files(corpus: Path) -> list[tuple[str, Path]]:
    """(episode id, path) for every readable transcript under `corpus`, sorted by path."""
    return discover(corpus).files


@dataclass(frozen=True)
class Discovery:
    """What a corpus folder holds: the transcripts to read, and what could not be read.

    `files` are (episode id, path) in path order; `errors` are files and folders the process
    may not read (each skipped, the rest served); `warnings` explain a corpus with nothing to
    serve. `preference` ranks files for the same episode found twice: lower is kept.
    """

    files: list[tuple[str, Path]]
    errors: tuple[TranscriptError, ...] = ()
    warnings: tuple[TranscriptWarning, ...] = ()
    preference: dict[Path, int] = field(default_factory=dict)


def discover(corpus: Path) -> Discovery:
    """Walk `corpus` for transcripts, skipping hidden folders (`.git/`) and reporting what
    cannot be read by name.

    Ids come from file names and are unique: markdown files claim ids first, so dropping
    `ep.vtt` next to `ep.txt` leaves `ep.txt` its id; a clash between other formats is told
    apart by extension (`ep`, `ep-srt`), then a counter. Unreadable files still claim their id,
    so making one readable again does not rename its neighbours.
    """
    errors: list[TranscriptError] = []
    candidates, others = _walk(corpus, errors)
    transcripts = [(path, fmt) for path in candidates if (fmt := format_of(path)) is not None]
    claim_order = sorted(transcripts, key=lambda item: item[1] != "markdown")
    ids = _claim_ids(claim_order)
    files: list[tuple[str, Path]] = []
    for path, _ in transcripts:
        if os.access(path, os.R_OK):
            files.append((ids[path], path))
        else:
            errors.append(
                TranscriptError(str(path), 0, f"cannot be read: {unreadable_reason(_denied())}")
            )
    warnings: list[TranscriptWarning] = []
    if not transcripts:
        warnings.append(TranscriptWarning(str(corpus), 0, _nothing_to_serve(others)))
    preference = {path: rank for rank, (path, _) in enumerate(claim_order)}
    return Discovery(files, tuple(errors), tuple(warnings), preference)


def supported_formats() -> str:
    """`.txt .md .markdown (markdown), .vtt (webvtt), …`: the suffixes read, by format."""
    by_format: dict[str, list[str]] = {}
    for suffix, (name, _) in FORMATS.items():
        by_format.setdefault(name, []).append(suffix)
    return ", ".join(f"{' '.join(suffixes)} ({name})" for name, suffixes in by_format.items())


def _walk(corpus: Path, errors: list[TranscriptError]) -> tuple[list[Path], Counter[str]]:
    """Files under `corpus` in path order, and a tally by suffix of the non-transcripts."""
    if corpus.is_file():
        return [corpus], Counter() if format_of(corpus) else Counter([_kind(corpus)])

    def unreadable(exc: OSError) -> None:
        folder = exc.filename or str(corpus)
        if Path(folder) == corpus:
            raise LibraryUnavailable(
                f"cannot read the corpus folder {corpus}: {unreadable_reason(exc)}"
            )
        errors.append(
            TranscriptError(folder, 0, f"folder cannot be read: {unreadable_reason(exc)}")
        )

    found: list[Path] = []
    for folder, subfolders, names in os.walk(corpus, onerror=unreadable):
        # Hidden folders hold version control and editor state, never episodes.
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        found.extend(Path(folder, name) for name in names)
    found = sorted(path for path in found if path.is_file())
    others = Counter(
        _kind(path) for path in found if format_of(path) is None and not _companion_or_hidden(path)
    )
    return found, others


def _kind(path: Path) -> str:
    """`.pdf` for a file not read for its suffix; the name (`README.md`) for one skipped by it."""
    suffix = path.suffix.lower()
    return path.name if not suffix or suffix in FORMATS else suffix


def _companion_or_hidden(path: Path) -> bool:
    name = path.name.lower()
    return name.startswith(".") or name.endswith((".yaml", ".yml", CHAPTERS_SUFFIX))


def _claim_ids(claim_order: list[tuple[Path, str]]) -> dict[Path, str]:
    ids: dict[Path, str] = {}
    seen: set[str] = set()
    for path, fmt in claim_order:
        base = episode_id_for(path)
        choices = [base]
        if fmt != "markdown":
            choices.append(f"{base}-{suffix_of(path).lstrip('.').replace('.', '-')}")
        episode_id = next((choice for choice in choices if choice not in seen), None)
        counter = 2
        while episode_id is None or episode_id in seen:
            episode_id = f"{base}-{counter}"
            counter += 1
        seen.add(episode_id)
        ids[path] = episode_id
    return ids


def _denied() -> OSError:
    return PermissionError(errno.EACCES, os.strerror(errno.EACCES))


def _nothing_to_serve(others: Counter[str]) -> str:
    """Why a corpus serves nothing, and what it would read."""
    if others:
        kinds = ", ".join(f"{count} {suffix}" for suffix, count in others.most_common(6))
        found = f"no transcripts found, only files quotebot does not read ({kinds})"
    else:
        found = "no transcripts found (the folder is empty)"
    return (
        f"{found}. Transcripts are read from {supported_formats()} files; save PDF or Word "
        "transcripts as text in the markdown format (front matter, then `Speaker 00:01:23:` "
        "turns; see the README)."
    )
