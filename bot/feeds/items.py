"""What a feed says, as plain dataclasses: the show, its items, and what each item links to."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TranscriptLink:
    """One `podcast:transcript`: its URL, its type normalised (None when unknown)."""

    url: str
    type: str | None
    declared_type: str = ""
    language: str = ""
    rel: str = ""


@dataclass(frozen=True)
class Person:
    """A `podcast:person`: the full name and its role (`host`, `guest`, …) in lower case."""

    name: str
    role: str = "host"


@dataclass(frozen=True)
class Soundbite:
    """A `podcast:soundbite`: a highlight the publisher picked, in seconds."""

    start: float
    duration: float
    title: str = ""


@dataclass(frozen=True)
class FeedItem:
    """One `<item>`: an episode."""

    guid: str
    title: str
    published: str | None = None
    season: int | None = None
    episode: int | None = None
    link: str | None = None
    image: str | None = None
    enclosure: str | None = None
    enclosure_type: str = ""
    transcripts: tuple[TranscriptLink, ...] = ()
    chapters_url: str | None = None
    persons: tuple[Person, ...] = ()
    soundbites: tuple[Soundbite, ...] = ()

    def people(self, role: str) -> list[str]:
        """Full names of the people with `role` (host or guest), in feed order."""
        return [person.name for person in self.persons if person.role == role]


@dataclass(frozen=True)
class FeedDocument:
    """A parsed feed: the show's title, link, image and its items in feed order."""

    title: str
    link: str | None
    image: str | None
    items: tuple[FeedItem, ...]
    skipped: tuple[str, ...] = ()  # items that could not be read, one sentence each
    language: str = ""
