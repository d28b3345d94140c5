"""Writing a transcript so that it is never read half-written and never overwrites a person's
corrections.

Each file is written under a hidden name in its folder (corpus discovery skips dot files) and
renamed into place, the markdown last: until that rename the episode is not served at all.
The word-timed sidecar records the hash of the markdown quotebot wrote; a markdown file whose
hash is not one quotebot recorded was edited by hand and is left alone.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import yaml

from ..transcripts.companions import sidecar_path, stem_of
from ..transcripts.word_times import dumps, read_words_document, words_path
from . import messages
from .errors import KeptByHand
from .request import EpisodeRequest


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def machine_hashes(path: Path) -> set[str]:
    """Hashes of the markdown files quotebot wrote at `path` (the last, and the one before in
    case a write stopped between its two renames)."""
    try:
        document = read_words_document(path)
    except Exception:  # an unreadable sidecar proves nothing: treat the file as a person's
        return set()
    if document is None:
        return set()
    keys = ("markdown_sha256", "previous_markdown_sha256")
    return {str(document[key]) for key in keys if document.get(key)}


def check_writable(path: Path) -> str | None:
    """The hash of the machine-made file at `path` (None when there is none yet); raises
    KeptByHand when a person wrote or corrected it."""
    if not path.exists():
        return None
    current = digest(path.read_text(encoding="utf-8"))
    hashes = machine_hashes(path)
    if not hashes:
        raise KeptByHand(messages.NOT_MACHINE_MADE.format(path=path))
    if current not in hashes:
        raise KeptByHand(messages.HAND_CORRECTED_KEPT.format(path=path))
    return current


def replace_atomically(path: Path, text: str) -> None:
    """`path` holds `text` or what it held before, never a part of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def speakers_sidecar(labels: list[str], request: EpisodeRequest) -> str:
    """The `<name>.yaml` a manager edits once to name the voices."""
    lines = [
        "# Who is who in the machine-made transcript next to this file. Write each speaker's",
        "# name once after the colon (Speaker 1: Ryan Peterman); quotes then carry the name.",
    ]
    if request.speaking_persons:
        listed = ", ".join(f"{p.name} ({p.role})" for p in request.speaking_persons)
        lines.append(f"# The feed lists: {listed}.")
    lines.append("speakers:")
    lines += [f"  {label}:" for label in labels]
    return "\n".join(lines) + "\n"


def write_outputs(
    request: EpisodeRequest,
    markdown: str,
    words_document: dict[str, Any],
    unnamed: list[str],
) -> Path | None:
    """Write the sidecars and then the markdown; returns the speakers sidecar when the manager
    has voices to name in it."""
    path = request.output
    previous = check_writable(path)
    document = {**words_document, "markdown_sha256": digest(markdown)}
    if previous:
        document["previous_markdown_sha256"] = previous
    replace_atomically(words_path(path), dumps(document))
    sidecar = sidecar_path(path)
    if unnamed and sidecar is None:
        sidecar = path.with_name(stem_of(path) + ".yaml")
        replace_atomically(sidecar, speakers_sidecar(unnamed, request))
    elif unnamed and sidecar is not None and not _has_speakers(sidecar):
        # A sidecar of episode metadata (a feed writes one): the mapping goes below what it
        # says. One that already maps speakers is the manager's and is never rewritten.
        before = sidecar.read_text(encoding="utf-8")
        joiner = "" if before.endswith("\n") or not before else "\n"
        replace_atomically(sidecar, before + joiner + speakers_sidecar(unnamed, request))
    replace_atomically(path, markdown)
    return sidecar if unnamed else None


def _has_speakers(sidecar: Path) -> bool:
    try:
        data = yaml.safe_load(sidecar.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return True  # unreadable: leave it to the person who wrote it
    return not isinstance(data, dict) or "speakers" in data
