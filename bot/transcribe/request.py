"""What an episode's transcription needs besides its audio: metadata, people, chapters.

The same for `quotebot transcribe --episode-metadata FILE` and for a feed that queues an
episode: a plain mapping that survives a trip through JSON into the queue and back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import TranscriptError
from ..transcripts.companions import Chapter, number
from ..transcripts.json_source import load_json
from ..transcripts.markdown import read_text
from ..transcripts.metadata import yaml_mapping

# Podcasting 2.0 `podcast:person` roles whose voice is on the episode. A person tag without a
# role is a host, as the namespace says.
SPEAKING_ROLES = frozenset({"host", "co-host", "guest", "guest host"})


@dataclass(frozen=True)
class Person:
    """A `podcast:person` of the feed or the item: a name and a role (host, guest …)."""

    name: str
    role: str = "host"

    @property
    def speaks(self) -> bool:
        return self.role in SPEAKING_ROLES


@dataclass(frozen=True)
class EpisodeRequest:
    """One episode to transcribe: where its audio is, where the transcript goes, and what is
    known about it. `metadata` becomes the transcript's front matter as given."""

    audio: str
    output: Path
    metadata: dict[str, Any] = field(default_factory=dict)
    persons: tuple[Person, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    # How many voices, when someone knows; else the hosts and guests, else estimated.
    speakers: int | None = None
    # Who asked, for whoever reports progress back (a feed: {"feed": name, "guid": guid}).
    origin: dict[str, str] = field(default_factory=dict)

    @property
    def speaking_persons(self) -> tuple[Person, ...]:
        return tuple(person for person in self.persons if person.speaks)

    @property
    def expected_speakers(self) -> int | None:
        if self.speakers:
            return self.speakers
        return len(self.speaking_persons) or None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready mapping, read back by `from_json` (the queue stores it)."""
        return {
            "audio": self.audio,
            "output": str(self.output),
            "metadata": self.metadata,
            "persons": [{"name": p.name, "role": p.role} for p in self.persons],
            "chapters": [{"startTime": c.start, "title": c.title} for c in self.chapters],
            "speakers": self.speakers,
            "origin": self.origin,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EpisodeRequest:
        return cls(
            audio=str(data["audio"]),
            output=Path(data["output"]),
            metadata=dict(data.get("metadata") or {}),
            persons=tuple(persons_from(data.get("persons"), "queued request")),
            chapters=tuple(chapters_from(data.get("chapters"), "queued request")),
            speakers=data.get("speakers"),
            origin={str(k): str(v) for k, v in (data.get("origin") or {}).items()},
        )


def persons_from(value: Any, source: str) -> list[Person]:
    """People from a list of names or of {name, role} mappings (`podcast:person` as JSON)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise TranscriptError(source, 1, "persons must be a list of names or {name, role}")
    found: list[Person] = []
    for item in value:
        if isinstance(item, str) and item.strip():
            found.append(Person(" ".join(item.split())))
        elif isinstance(item, dict) and str(item.get("name") or "").strip():
            role = str(item.get("role") or "host").strip().lower()
            found.append(Person(" ".join(str(item["name"]).split()), role))
        else:
            raise TranscriptError(source, 1, f"persons: cannot read {item!r} as a person")
    return found


def chapters_from(value: Any, source: str) -> list[Chapter]:
    """Sections from Podcasting 2.0 chapters (a list, or {"chapters": [...]}), by start.

    Chapters marked `"toc": false` (ad markers, images) are not sections.
    """
    if isinstance(value, dict):
        value = value.get("chapters")
    if value is None:
        return []
    if not isinstance(value, list):
        raise TranscriptError(source, 1, "chapters must be a list of {startTime, title}")
    found: list[Chapter] = []
    for index, item in enumerate(value):
        start = number(item.get("startTime")) if isinstance(item, dict) else None
        title = item.get("title") if isinstance(item, dict) else None
        if start is None or not isinstance(title, str) or not title.strip():
            raise TranscriptError(
                source, 1, f"chapter {index + 1}: needs a startTime in seconds and a title"
            )
        if item.get("toc") is False:
            continue
        found.append(Chapter(start, " ".join(title.split())))
    return sorted(found, key=lambda chapter: chapter.start)


def request_from_file(audio: str, output: Path, path: Path | None) -> EpisodeRequest:
    """The request for `quotebot transcribe`: an episode metadata YAML (or JSON) file gives
    front matter keys, plus `persons`, `chapters` (a list, or the name of a chapters file
    beside it) and `speakers`, which are not front matter."""
    if path is None:
        return EpisodeRequest(audio, output)
    data = yaml_mapping(read_text(path), str(path), 1, "episode metadata")
    persons = persons_from(data.pop("persons", None), str(path))
    chapters_value = data.pop("chapters", None)
    chapters_source = str(path)
    if isinstance(chapters_value, str):
        # The name of a Podcasting 2.0 chapters file, beside the metadata file.
        chapters_file = path.parent / chapters_value
        chapters_source = str(chapters_file)
        if not chapters_file.is_file():
            raise TranscriptError(str(path), 1, f"chapters: no such file {chapters_file}")
        chapters_value = load_json(read_text(chapters_file), chapters_source)
    chapters = chapters_from(chapters_value, chapters_source)
    speakers = data.pop("speakers", None)
    if speakers is not None and (not isinstance(speakers, int) or speakers < 1):
        raise TranscriptError(str(path), 1, "speakers must be a whole number of at least 1")
    return EpisodeRequest(audio, output, data, tuple(persons), tuple(chapters), speakers)
