"""Finding a corpus on disk: its transcript files and their stable episode ids."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..text import fold
from .companions import stem_of, suffix_of
from .formats import format_of

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
    """(episode id, path) for every transcript under `corpus`, sorted; ids made unique.

    Companion files (`<name>.yaml`, `<name>.chapters.json`) are not transcripts. Markdown
    files claim ids first, so dropping `ep.vtt` next to `ep.txt` leaves `ep.txt` its id; a
    clash between other formats is told apart by extension (`ep`, `ep-srt`), then a counter.
    """
    if corpus.is_file():
        candidates = [corpus]
    else:
        candidates = sorted(p for p in corpus.rglob("*") if p.is_file())
    transcripts = [(path, fmt) for path in candidates if (fmt := format_of(path)) is not None]
    claim_order = sorted(transcripts, key=lambda item: item[1] != "markdown")
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
    return [(ids[path], path) for path, _ in transcripts]
