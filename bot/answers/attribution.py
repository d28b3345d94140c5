"""Who said a quote, where and when: the attribution line's parts, decided once."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Hit, Passage
from ..text import shorten

# A part longer than this (a section title that is a paragraph) is shortened at a word.
PART_CHARS = 200
SEPARATOR = " · "


@dataclass(frozen=True)
class Attribution:
    """`Speaker · Section · HH:MM:SS · Podcast — Episode`; `url` links the time when known."""

    speaker: str
    section: str
    timestamp: str
    title: str
    url: str | None = None

    @property
    def parts(self) -> tuple[str, ...]:
        """The parts that are known, in reading order."""
        return tuple(p for p in (self.speaker, self.section, self.timestamp, self.title) if p)

    def text(self) -> str:
        """The line as plain text."""
        return SEPARATOR.join(self.parts)


def attribution_of(hit: Hit | Passage) -> Attribution:
    """The attribution of a hit or passage, each part at most PART_CHARS long."""
    episode = hit.episode
    title = " — ".join(part for part in (episode.podcast, episode.title) if part)
    return Attribution(
        shorten(" ".join(hit.speaker.split()), PART_CHARS),
        shorten(" ".join(hit.section.split()), PART_CHARS),
        hit.timestamp,
        shorten(" ".join(title.split()), PART_CHARS),
        hit.url,
    )
