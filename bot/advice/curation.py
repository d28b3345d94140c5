"""The advice curation file (`advice.yaml`): excerpts chosen by hand, and ones ruled out.

It applies on top of the stored heuristic candidates when the pool loads; resolving it reads
only the episodes it names, so it stays cheap at any catalogue size.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from ..errors import QueryError, QuotebotError
from ..library import Library
from ..models import Passage, format_timestamp
from ..text import fold
from ..transcripts.reading import unreadable_reason
from .scoring import Candidate, score_passage

CURATION_FILE = "advice.yaml"


class CurationError(QuotebotError):
    """A bad entry in the advice curation file, reported as `file:line: problem`."""


@dataclass(frozen=True)
class CurationEntry:
    """One include or exclude line: a key, or an episode and timestamp, and optional text."""

    line: int
    episode: str | None = None
    seconds: int | None = None
    key: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class Curation:
    """The parsed curation file: chosen excerpts, excluded ones, and whether heuristics add more."""

    path: Path
    include: tuple[CurationEntry, ...] = ()
    exclude: tuple[CurationEntry, ...] = ()
    heuristic: bool = True


def load_curation(path: Path | str) -> Curation:
    """Parse a curation file; raise CurationError naming file and line for anything wrong.

    Format::

        heuristic: false          # optional; default false when `include` lists anything
        include:
          - episode: peterman-pod-2025-08-15-stefan-mai   # episode id (or unique prefix)
            timestamp: "01:24:34"                        # where the turn starts
            text: My main thing would be to learn to be a critic first. … Go read a doc.
          - key: peterman-pod-2025-08-15-stefan-mai:470  # or a passage key
        exclude:
          - episode: peterman-pod-2025-08-15-stefan-mai
            timestamp: "01:30:26"
    """
    path = Path(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CurationError(f"{path}: no such file (QUOTEBOT_ADVICE_FILE)") from None
    except OSError as exc:  # mode 600 under another uid, a folder: one line, not a traceback
        raise CurationError(f"{path}: cannot be read: {unreadable_reason(exc)}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise CurationError(f"{path}:{line}: not valid YAML") from None
    if root is None:
        return Curation(path)
    if not isinstance(root, yaml.MappingNode):
        raise CurationError(f"{path}:{_line(root)}: expected keys include, exclude, heuristic")
    sections: dict[str, list[CurationEntry]] = {"include": [], "exclude": []}
    heuristic: bool | None = None
    for key_node, value in root.value:
        name = key_node.value
        if name == "heuristic":
            try:
                parsed = yaml.safe_load(yaml.serialize(value))
            except (yaml.YAMLError, ValueError):  # `heuristic: 2025-13-45`
                parsed = None
            if not isinstance(parsed, bool):
                raise CurationError(f"{path}:{_line(value)}: heuristic must be true or false")
            heuristic = parsed
        elif name in sections:
            if isinstance(value, yaml.ScalarNode) and value.value in ("", "~", "null"):
                continue
            if not isinstance(value, yaml.SequenceNode):
                raise CurationError(f"{path}:{_line(value)}: {name} must be a list of entries")
            sections[name] = [_entry(path, node) for node in value.value]
        else:
            raise CurationError(
                f"{path}:{_line(key_node)}: unknown key `{name}` "
                "(known keys: include, exclude, heuristic)"
            )
    if heuristic is None:
        heuristic = not sections["include"]
    return Curation(path, tuple(sections["include"]), tuple(sections["exclude"]), heuristic)


def _entry(path: Path, node: yaml.Node) -> CurationEntry:
    where = f"{path}:{_line(node)}"
    if not isinstance(node, yaml.MappingNode):
        raise CurationError(f"{where}: expected `episode:` and `timestamp:` (or `key:`)")
    fields: dict[str, Any] = {}
    for key_node, value in node.value:
        name = key_node.value
        if name not in ("episode", "timestamp", "key", "text"):
            raise CurationError(
                f"{path}:{_line(key_node)}: unknown field `{name}` "
                "(known: episode, timestamp, key, text)"
            )
        if not isinstance(value, yaml.ScalarNode):
            raise CurationError(f"{path}:{_line(value)}: `{name}` must be a single value")
        fields[name] = value.value.strip()
    line = _line(node)
    if "key" in fields:
        if "episode" in fields or "timestamp" in fields:
            raise CurationError(f"{where}: give either `key:` or `episode:` + `timestamp:`")
        return CurationEntry(line, key=fields["key"], text=fields.get("text") or None)
    if not fields.get("episode") or not fields.get("timestamp"):
        raise CurationError(f"{where}: an entry needs `episode:` and `timestamp:` (or `key:`)")
    seconds = _seconds(fields["timestamp"])
    if seconds is None:
        raise CurationError(
            f"{where}: timestamp {fields['timestamp']!r} is not HH:MM:SS, MM:SS or seconds"
        )
    return CurationEntry(line, fields["episode"], seconds, text=fields.get("text") or None)


@dataclass(frozen=True)
class CuratedPool:
    """What a curation file does to the pool: its excerpts, the keys it removes, and whether the
    heuristic's candidates stay in."""

    included: tuple[Candidate, ...]
    excluded: frozenset[str]
    heuristic: bool
    replaced: frozenset[str]


def apply_curation(library: Library, curation: Curation) -> CuratedPool:
    """Resolve every entry against the library, one episode at a time (never the whole
    catalogue): the includes as candidates, the excludes as passage keys."""
    episode_ids = {episode.id for episode in library.episodes()}
    turns: dict[str, list[Passage]] = {}

    def passages_of(episode_id: str) -> list[Passage]:
        if episode_id not in turns:
            turns[episode_id] = library.episode_passages(episode_id)
        return turns[episode_id]

    def resolve(entry: CurationEntry, include: bool) -> list[Passage]:
        return _resolve(curation.path, entry, library, episode_ids, passages_of, include)

    included: list[Candidate] = []
    for entry in curation.include:
        for passage in resolve(entry, True):
            score, reasons = score_passage(passage, "any")
            included.append(Candidate(passage, max(score, 10.0), ("curated", *reasons), True))
    excluded: set[str] = set()
    for entry in curation.exclude:
        excluded.update(p.key for p in resolve(entry, False))
    # A curated excerpt replaces the heuristic's whole passage it was cut from.
    replaced = frozenset(c.passage.key for c in included)
    kept = {c.id: c for c in included if c.passage.key not in excluded}
    return CuratedPool(tuple(kept.values()), frozenset(excluded), curation.heuristic, replaced)


def _resolve(
    path: Path,
    entry: CurationEntry,
    library: Library,
    episode_ids: set[str],
    passages_of: Callable[[str], list[Passage]],
    include: bool,
) -> list[Passage]:
    where = f"{path}:{entry.line}"
    if entry.key is not None:
        try:
            passage = library.passage(entry.key)
        except QueryError:
            raise CurationError(f"{where}: no passage has key {entry.key!r}") from None
        turn = [passage]
    else:
        episode_id = _episode_id(where, entry.episode or "", episode_ids)
        passages = passages_of(episode_id)
        turn = [p for p in passages if p.seconds == entry.seconds]
        if not turn:
            starts = sorted({p.seconds for p in passages})
            nearest = sorted(starts, key=lambda s: abs(s - (entry.seconds or 0)))[:3]
            shown = ", ".join(format_timestamp(s) for s in sorted(nearest))
            raise CurationError(
                f"{where}: nothing is said at {format_timestamp(entry.seconds or 0)} in "
                f"{episode_id} (nearest: {shown})"
            )
    if entry.text is None:
        # Without text, an include picks the first passage there; an exclude drops the turn.
        return turn[:1] if include else turn
    joined = " ".join(p.text for p in turn)
    start = _find_normalised(joined, entry.text)
    if start is None:
        raise CurationError(f"{where}: text not found in what is said there: {entry.text[:60]!r}")
    if not include:
        return turn
    # The excerpt keeps the key of the passage it starts in, so links and context still work.
    offset, owner = 0, turn[0]
    for passage in turn:
        if offset > start:
            break
        owner = passage
        offset += len(passage.text) + 1
    return [replace(owner, text=" ".join(entry.text.split()))]


def _episode_id(where: str, wanted: str, episode_ids: set[str]) -> str:
    if wanted in episode_ids:
        return wanted
    matches = [e for e in episode_ids if e.startswith(wanted.lower())]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(sorted(episode_ids)[:10])
    problem = "is ambiguous" if matches else "is not in the library"
    raise CurationError(f"{where}: episode {wanted!r} {problem} (episodes: {known})")


def _find_normalised(haystack: str, needle: str) -> int | None:
    """Where `needle` starts in `haystack`, ignoring case, spacing and curly quotes; an
    ellipsis (`…` or `...`) in `needle` skips words, the pieces still in order."""

    def norm(text: str) -> str:
        return " ".join(fold(text).replace("’", "'").split())

    text = norm(haystack)
    pieces = [norm(piece) for piece in re.split(r"…|\.\.\.", needle)]
    pieces = [piece for piece in pieces if piece]
    if not pieces:
        return None
    start = position = text.find(pieces[0])
    for piece in pieces[1:]:
        if position < 0:
            break
        position = text.find(piece, position + 1)
    return start if start >= 0 and position >= 0 else None


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _seconds(value: str) -> int | None:
    parts = value.strip().split(":")
    if not all(part.isdigit() for part in parts) or not 1 <= len(parts) <= 3:
        return None
    total = 0
    for part in parts:
        total = total * 60 + int(part)
    return total
