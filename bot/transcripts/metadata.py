"""Turning a transcript's metadata (front matter or sidecar) into an Episode.

Shared by every transcript format: the markdown format's front matter and the `<name>.yaml`
sidecar of the subtitle formats hold the same keys and are read the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import yaml

from ..errors import TranscriptError
from ..models import Episode, Turn
from ..text import fold

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%B %d, %Y", "%b %d, %Y", "%d %B %Y")


def normalise_date(value: Any) -> str | None:
    """An ISO date from the forms podcasts write (`15/08/2025`, `2025-08-15`, …), else as given."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return text


def episode_from_metadata(
    metadata: dict[str, Any],
    episode_id: str,
    source: str,
    sections: Sequence[str],
    turns: Sequence[Turn],
    url_template: str | None = None,
) -> Episode:
    """Build the Episode; unknown metadata keys are kept as they are."""
    speakers: list[str] = []
    for turn in turns:
        if turn.speaker not in speakers:
            speakers.append(turn.speaker)
    title = str(metadata.get("episode_title") or metadata.get("title") or episode_id)
    podcast = str(metadata.get("podcast_name") or metadata.get("podcast") or "")
    url = metadata.get("episode_url") or metadata.get("url")
    if not url and url_template:
        url = fill_template(url_template, {**metadata, "episode_id": episode_id})
    return Episode(
        id=episode_id,
        title=" ".join(title.split()),
        podcast=" ".join(podcast.split()),
        date=normalise_date(metadata.get("episode_date") or metadata.get("date")),
        url=str(url) if url else None,
        source=source,
        metadata=dict(metadata),
        sections=tuple(sections),
        speakers=tuple(speakers),
    )


def fill_template(template: str, values: dict[str, Any]) -> str | None:
    """Fill `{key}` fields from metadata; None when a key is missing.

    `{seconds}` and `{timestamp}` stay for Episode.link_at to fill per passage.
    """
    missing = False

    def substitute(match: re.Match[str]) -> str:
        nonlocal missing
        key = match.group(1)
        if key in ("seconds", "timestamp"):
            return match.group(0)
        if values.get(key) in (None, ""):
            missing = True
            return ""
        return str(values[key])

    filled = re.sub(r"\{(\w+)\}", substitute, template)
    return None if missing else filled


def yaml_mapping(text: str, source: str, first_line: int, what: str) -> dict[str, Any]:
    """Metadata from YAML `text` that starts at line `first_line` of `source`.

    Raises TranscriptError pointing at the line of the problem; `what` names the block
    (`front matter`, `sidecar`) in the message.
    """
    try:
        data = yaml.safe_load(text) or {}
    # PyYAML raises ValueError for values that look typed but are impossible (`date: 2025-13-45`,
    # `!!int abc`): found by the fuzz tests.
    except (yaml.YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + (mark.line if mark is not None else 0)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise TranscriptError(source, line, f"{what} is not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise TranscriptError(source, first_line, f"{what} must be a mapping of key: value")
    return {str(key): value for key, value in data.items()}


def full_names(turns: list[Turn], metadata: dict[str, Any]) -> list[Turn]:
    """Replace first names in turns with the full names the metadata gives."""
    people: list[str] = []
    for key in ("host_name", "guest_name", "host_names", "guest_names", "hosts", "guests"):
        people.extend(_names(metadata.get(key)))
    mapping: dict[str, str] = {}
    for speaker in {turn.speaker for turn in turns}:
        folded = fold(speaker)
        candidates = [
            person
            for person in people
            if fold(person) == folded or fold(person).split()[0] == folded
        ]
        if len(candidates) == 1:
            mapping[speaker] = candidates[0]
    if not mapping:
        return turns
    return [
        Turn(mapping.get(t.speaker, t.speaker), t.seconds, t.section, t.segments, t.line)
        for t in turns
    ]


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        parts = re.split(r",|;|\s+&\s+|\s+and\s+", value)
        return [" ".join(part.split()) for part in parts if part.strip()]
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


def speaker_names(metadata: dict[str, Any], source: str) -> dict[str, str]:
    """The `speakers:` mapping (`Speaker 1: Ryan Peterman`) a manager fills in once.

    Labels left empty are not named yet and keep their label. Anything but a mapping of
    label to name is an error naming the file.
    """
    value = metadata.get("speakers")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TranscriptError(source, 1, "speakers must be a mapping of label: name")
    names: dict[str, str] = {}
    for label, name in value.items():
        if name is None or (isinstance(name, str) and not name.strip()):
            continue
        if not isinstance(name, str | int | float):
            raise TranscriptError(source, 1, f"speakers: the name of {label} must be text")
        names[" ".join(str(label).split())] = " ".join(str(name).split())
    return names


def renamed(turns: Sequence[Turn], names: dict[str, str]) -> list[Turn]:
    """Turns with their speaker labels replaced by the names the mapping gives."""
    if not names:
        return list(turns)
    return [
        Turn(names.get(t.speaker, t.speaker), t.seconds, t.section, t.segments, t.line)
        for t in turns
    ]
