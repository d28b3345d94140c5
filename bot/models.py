"""Plain data that crosses the boundary between the core and its front ends."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import TranscriptWarning

# The speaker of subtitle cues that name nobody (a WebVTT cue without a `<v>` tag, SRT cues
# before the first `NAME:`). Kept out of speaker aliases so `speaker:` filters never take it
# for a person.
UNKNOWN_SPEAKER = "Unknown speaker"


def format_timestamp(seconds: int) -> str:
    """Render whole seconds as HH:MM:SS, the form transcripts and chat show."""
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


@dataclass(frozen=True)
class Segment:
    """A piece of spoken text with the second it starts at (a paragraph, or a subtitle cue)."""

    text: str
    seconds: int
    line: int = 0
    # Subtitle cues continue the sentence of the cue before; markdown paragraphs do not.
    starts_paragraph: bool = True


@dataclass(frozen=True)
class Turn:
    """One speaker's uninterrupted contribution, under one section."""

    speaker: str
    seconds: int
    section: str
    segments: tuple[Segment, ...]
    line: int = 0

    @property
    def text(self) -> str:
        return "\n\n".join(segment.text for segment in self.segments)


@dataclass(frozen=True)
class Episode:
    """An episode's identity and metadata; `metadata` keeps every front-matter key as given."""

    id: str
    title: str
    podcast: str
    date: str | None
    url: str | None
    source: str
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    sections: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()

    def link_at(self, seconds: int) -> str | None:
        """A deep link into the episode's audio or video at `seconds`, where a URL is known."""
        if not self.url:
            return None
        if "{seconds}" in self.url or "{timestamp}" in self.url:
            return self.url.replace("{seconds}", str(seconds)).replace(
                "{timestamp}", format_timestamp(seconds)
            )
        separator = "&" if "?" in self.url else "?"
        return f"{self.url}{separator}t={seconds}"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "podcast": self.podcast, "date": self.date}


@dataclass(frozen=True)
class Transcript:
    """A parsed transcript file: the episode and its turns in order."""

    episode: Episode
    turns: tuple[Turn, ...]
    # Lines served as they read but worth a look (e.g. a turn header in another style).
    warnings: tuple[TranscriptWarning, ...] = ()


@dataclass(frozen=True)
class Passage:
    """A quotable unit: one to a few whole sentences of one turn."""

    key: str
    episode: Episode
    ordinal: int
    section: str
    speaker: str
    seconds: int
    text: str

    @property
    def timestamp(self) -> str:
        return format_timestamp(self.seconds)

    @property
    def url(self) -> str | None:
        return self.episode.link_at(self.seconds)


@dataclass(frozen=True)
class Hit:
    """A search result: a passage, its score and the character spans of matched words."""

    passage: Passage
    score: float
    highlights: tuple[tuple[int, int], ...] = ()

    # Shortcuts, because every front end reads these.
    @property
    def key(self) -> str:
        return self.passage.key

    @property
    def text(self) -> str:
        return self.passage.text

    @property
    def speaker(self) -> str:
        return self.passage.speaker

    @property
    def section(self) -> str:
        return self.passage.section

    @property
    def episode(self) -> Episode:
        return self.passage.episode

    @property
    def timestamp(self) -> str:
        return self.passage.timestamp

    @property
    def seconds(self) -> int:
        return self.passage.seconds

    @property
    def url(self) -> str | None:
        return self.passage.url

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract shared by the CLI and anything else that prints hits."""
        return {
            "key": self.key,
            "text": self.text,
            "speaker": self.speaker,
            "section": self.section,
            "timestamp": self.timestamp,
            "seconds": self.seconds,
            "episode": self.episode.to_dict(),
            "score": round(self.score, 4),
            "highlights": [list(span) for span in self.highlights],
            "url": self.url,
        }


@dataclass(frozen=True)
class Correction:
    """A query word that was not in the library, and what it was read as."""

    original: str
    replacement: str


@dataclass(frozen=True)
class ParsedQuery:
    """What the user asked for, split into words, phrases and filters."""

    text: str
    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    speaker: str | None = None
    section: str | None = None
    episode: str | None = None

    @property
    def has_terms(self) -> bool:
        return bool(self.words or self.phrases)

    @property
    def has_filters(self) -> bool:
        return any((self.speaker, self.section, self.episode))


@dataclass(frozen=True)
class SearchResult:
    """A page of hits plus what the engine did to the query to get them."""

    query: ParsedQuery
    hits: tuple[Hit, ...]
    total: int
    offset: int = 0
    corrections: tuple[Correction, ...] = ()
    matched_all_words: bool = True
    # Words that matched nothing and resembled nothing, so the search went on without them.
    ignored_words: tuple[str, ...] = ()
    # True when matches were counted only up to a cap: `total` is then a lower bound.
    total_capped: bool = False

    @property
    def total_label(self) -> str:
        """The total as people should read it: `7`, or `1000+` when counting stopped."""
        return f"{self.total}+" if self.total_capped else str(self.total)

    @property
    def corrected_query(self) -> str | None:
        """The query as the engine read it, when typo correction changed it."""
        if not self.corrections:
            return None
        text = self.query.text
        for correction in self.corrections:
            text = _replace_word(text, correction.original, correction.replacement)
        return text


@dataclass(frozen=True)
class Context:
    """A passage widened with its neighbours in the same episode."""

    passage: Passage
    before: tuple[Passage, ...]
    after: tuple[Passage, ...]

    @property
    def passages(self) -> tuple[Passage, ...]:
        return (*self.before, self.passage, *self.after)


@dataclass(frozen=True)
class QueryExamples:
    """Queries that work on the loaded library, for help texts: each field is "" when the
    library has nothing to show it with (no named speaker, no section titles, no passages)."""

    word: str = ""
    phrase: str = ""
    speaker_filter: str = ""  # `speaker:stefan`
    speaker_name: str = ""  # `Stefan Mai`
    speaker_word: str = ""
    section_filter: str = ""  # `in:pip`
    section_hint: str = ""  # `pip`
    section_word: str = ""
    episode_filter: str = ""  # `episode:intern`
    episode_word: str = ""

    @property
    def speaker_query(self) -> str:
        return f"{self.speaker_filter} {self.speaker_word}" if self.speaker_filter else ""

    @property
    def section_query(self) -> str:
        return f"{self.section_filter} {self.section_word}" if self.section_filter else ""

    @property
    def episode_query(self) -> str:
        return f"{self.episode_filter} {self.episode_word}" if self.episode_filter else ""

    def with_speaker(self, speaker_filter: str, name: str, word: str) -> QueryExamples:
        return replace(self, speaker_filter=speaker_filter, speaker_name=name, speaker_word=word)

    def with_section(self, section_filter: str, hint: str, word: str) -> QueryExamples:
        return replace(self, section_filter=section_filter, section_hint=hint, section_word=word)

    def with_episode(self, episode_filter: str, word: str) -> QueryExamples:
        return replace(self, episode_filter=episode_filter, episode_word=word)


@dataclass(frozen=True)
class SpeakerInfo:
    name: str
    aliases: tuple[str, ...]
    passages: int


@dataclass(frozen=True)
class SectionInfo:
    title: str
    episode_id: str
    passages: int


def _replace_word(text: str, old: str, new: str) -> str:
    return re.sub(rf"(?i)(?<!\w){re.escape(old)}(?!\w)", new, text, count=1)
