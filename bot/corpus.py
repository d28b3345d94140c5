"""Finding a corpus on disk: its transcript files and their stable episode ids."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .text import fold
from .transcript_formats import format_of

CORPUS_ENV = "QUOTEBOT_CORPUS"


def bundled_seeds() -> Path:
    """The transcripts shipped with the package (the repo's `seeds/` folder)."""
    installed = Path(__file__).resolve().parent / "seeds"
    if installed.is_dir():
        return installed
    # A source checkout or an editable install: the repo's own folder.
    return Path(__file__).resolve().parent.parent / "seeds"


def default_corpus() -> Path:
    """`QUOTEBOT_CORPUS` when set, else the bundled seeds."""
    configured = os.environ.get(CORPUS_ENV)
    return Path(configured).expanduser() if configured else bundled_seeds()


def episode_id_for(path: Path) -> str:
    """A stable id from the file name: `000_Stefan Mai.txt` -> `000-stefan-mai`."""
    stem = path.name
    for suffix in reversed(path.suffixes[-1:]):
        stem = stem[: -len(suffix)]
    slug = re.sub(r"[^a-z0-9]+", "-", fold(stem)).strip("-")
    return slug or "episode"


def transcript_files(corpus: Path) -> list[tuple[str, Path]]:
    """(episode id, path) for every transcript under `corpus`, sorted; ids made unique."""
    if corpus.is_file():
        candidates = [corpus]
    else:
        candidates = sorted(p for p in corpus.rglob("*") if p.is_file())
    found: list[tuple[str, Path]] = []
    seen: set[str] = set()
    for path in candidates:
        if format_of(path) is None:
            continue
        episode_id = base = episode_id_for(path)
        counter = 2
        while episode_id in seen:
            episode_id = f"{base}-{counter}"
            counter += 1
        seen.add(episode_id)
        found.append((episode_id, path))
    return found
