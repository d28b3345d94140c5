"""What the bot answers, independent of how Discord delivers it: pages of hits, context, choices.

`Quoter` wraps the core's Library for the adapter: it runs searches (off the event loop), builds
the message for a page, and keeps the small lookup tables autocomplete and buttons need.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from discord import app_commands

from bot import Hit, Library, QueryError, QueryExamples, SearchResult, fold

from . import embeds
from .replies import DEFER_AFTER

MAX_CHOICES = 25
CHOICE_LIMIT = 100
MAX_CONTEXT = 3
RANDOM_FOOTER = "/quote-random"
BUTTON_SOURCE = "discord-button"
_FOOTER = re.compile(r"^Result (?P<n>\d+) of (?P<total>\d+\+?) · /quote (?P<query>.+)$", re.DOTALL)
SUGGESTIONS = (
    "fewer or different words (`layoffs`, `promotion`)",
    'an exact phrase in quotes (`"stack ranking"`)',
    "no `speaker:`, `section:` or `episode:` filter",
    "`/quote-random` for a surprise",
)


def build_query(
    text: str, speaker: str | None = None, section: str | None = None, episode: str | None = None
) -> str:
    """One query string with the option filters inline, as the core parses it.

    The options come last so they win over the same filter typed in the text, as the core's
    own arguments would.
    """
    parts = [" ".join(text.split())]
    for name, value in (("speaker", speaker), ("section", section), ("episode", episode)):
        value = " ".join((value or "").replace('"', " ").split())
        if value:
            parts.append(f'{name}:"{value}"')
    return " ".join(part for part in parts if part)


def page_footer(query: str, index: int, total: int | str) -> str:
    """The footer of a search answer; buttons read the query back from it. `total` may read
    `1000+` when matches were counted only up to the core's cap."""
    return f"Result {index + 1} of {total} · /quote {query}"


def query_from_footer(footer: str | None) -> tuple[str, int] | None:
    """The query and 0-based position a search answer's footer names; None for other messages."""
    match = _FOOTER.match(footer or "")
    return (match.group("query"), int(match.group("n")) - 1) if match else None


def episode_tag(episode_id: str) -> str:
    """A short stable tag for an episode id (long ids would not fit in a custom_id)."""
    return hashlib.sha1(episode_id.encode()).hexdigest()[:10]


def compact_key(hit_key: str) -> str:
    """A passage key `episode-id:ordinal` as `tag.ordinal`, short enough for a custom_id."""
    episode_id, _, ordinal = hit_key.rpartition(":")
    return f"{episode_tag(episode_id)}.{ordinal}"


class Option(NamedTuple):
    """An autocomplete choice with its name and value folded for matching what was typed."""

    name: str
    value: str
    folded_name: str
    folded_value: str


@dataclass(frozen=True)
class Page:
    """One hit of a search, with its position among all matches."""

    query: str
    index: int
    result: SearchResult

    @property
    def hit(self) -> Hit:
        return self.result.hits[0]

    @property
    def total(self) -> int:
        return self.result.total

    @property
    def footer(self) -> str:
        return page_footer(self.query, self.index, self.result.total_label)


@dataclass
class Quoter:
    """The adapter's view of the library; `public` says whether answers are shown to everyone."""

    library: Library
    public: bool = False
    # Seconds of searching after which an interaction is deferred (Discord allows 3).
    defer_after: float = DEFER_AFTER
    rng: random.Random = field(default_factory=random.Random)
    _choices: dict[str, list[Option]] = field(default_factory=dict, repr=False)
    _episodes_by_tag: dict[str, str] | None = field(default=None, repr=False)

    # -- searching ----------------------------------------------------------------------------

    def page(self, query: str, index: int, source: str = "discord") -> Page:
        """The hit at `index` for `query` (0-based); QueryError for a query the core rejects.

        `source` labels the search metric: typed `/quote` queries are "discord", button
        presses "discord-button", so that paging does not count as searching again.
        """
        index = max(0, index)
        result = self.library.search(query, limit=1, offset=index, source=source)
        if not result.hits and index > 0 and result.total and index >= result.total:
            # The library changed since the buttons were made: show the last match instead.
            index = result.total - 1
            result = self.library.search(query, limit=1, offset=index, source=BUTTON_SOURCE)
        return Page(query, index, result)

    def random_hit(self) -> Hit:
        return self.library.random(self.rng)

    def context(self, hit_key: str, width: int):
        """The passage `hit_key` with `width` passages either side."""
        width = max(1, min(width, MAX_CONTEXT))
        return self.library.context(hit_key, before=width, after=width)

    # -- keys that fit in a custom_id -----------------------------------------------------------

    def expand_key(self, compact: str) -> str:
        """The passage key a compact key stands for; QueryError when the episode is gone."""
        if self._episodes_by_tag is None:
            self._episodes_by_tag = {episode_tag(e.id): e.id for e in self.library.episodes()}
        tag, _, ordinal = compact.partition(".")
        episode_id = self._episodes_by_tag.get(tag)
        if episode_id is None:
            raise QueryError("That quote is no longer in the library.")
        return f"{episode_id}:{ordinal}"

    # -- autocomplete -------------------------------------------------------------------------

    def choices(self, kind: str, typed: str) -> list[app_commands.Choice[str]]:
        """Up to 25 choices of `kind` matching what was typed, prefix matches first.

        Runs on the event loop for every keystroke, so it only compares strings: the options
        are folded once, when first loaded (they change only with the library).
        """
        options = self._choices.get(kind)
        if options is None:
            options = self._choices[kind] = self._load_choices(kind)
        wanted = fold(" ".join(typed.split()))
        if not wanted:
            picked = options[:MAX_CHOICES]
        else:
            starts: list[Option] = []
            contains: list[Option] = []
            for option in options:
                if option.folded_name.startswith(wanted) or option.folded_value.startswith(wanted):
                    starts.append(option)
                    if len(starts) >= MAX_CHOICES:
                        break
                elif len(contains) < MAX_CHOICES and wanted in option.folded_name:
                    contains.append(option)
            picked = (starts + contains)[:MAX_CHOICES]
        return [app_commands.Choice(name=o.name, value=o.value) for o in picked]

    def _load_choices(self, kind: str) -> list[Option]:
        if kind == "speaker":
            pairs = [(s.name, s.name) for s in self.library.speakers()]
        elif kind == "section":
            pairs = [(s.title, s.title) for s in self.library.sections()]
        elif kind == "episode":
            pairs = [
                (" — ".join(p for p in (e.date, e.podcast, e.title) if p) or e.id, e.id)
                for e in self.library.episodes()
            ]
        else:
            raise ValueError(kind)
        seen: set[str] = set()
        unique = []
        for name, value in pairs:
            # Names and values are capped at 100; the core matches a value by prefix anyway.
            name, value = embeds.shorten(name, CHOICE_LIMIT), value[:CHOICE_LIMIT]
            if value not in seen and name:
                seen.add(value)
                unique.append(Option(name, value, fold(name), fold(value)))
        return unique

    # -- messages -----------------------------------------------------------------------------

    def no_match_text(self, result: SearchResult) -> str:
        """A friendly reply for a query that found nothing, with things to try."""
        lines = [f"No quotes match “{embeds.safe_markdown(result.query.text)}”."]
        if result.ignored_words:
            words = ", ".join(embeds.safe_markdown(w) for w in result.ignored_words)
            lines.append(f"These words are not in any transcript: {words}.")
        lines.append("Try:")
        lines.extend(f"• {tip}" for tip in SUGGESTIONS)
        sections = [s.title for s in self.library.sections()]
        if sections:
            picks = self.rng.sample(sections, min(3, len(sections)))
            lines.append(
                "Topics you could ask about: "
                + ", ".join(f"“{embeds.safe_markdown(title)}”" for title in picks)
            )
        return embeds.fit_content("\n".join(lines))

    @staticmethod
    def notes(result: SearchResult) -> str | None:
        """What the engine did to the query (typo fixes, words left out), for the message text."""
        notes = []
        if result.corrected_query:
            notes.append(f"Showing results for: {embeds.safe_markdown(result.corrected_query)}")
        if result.ignored_words:
            words = ", ".join(embeds.safe_markdown(w) for w in result.ignored_words)
            notes.append(f"No match for: {words} (left out)")
        return embeds.fit_content("\n".join(notes)) if notes else None


def help_text(public: bool, examples: QueryExamples | None = None) -> str:
    """What /quote-help says, with examples that work on the loaded library."""
    ex = examples or QueryExamples()

    def safe(value: str) -> str:
        # Shown in a code span, where markdown escapes would show as backslashes.
        return embeds.neutralise_mentions(value.replace("`", "'"))

    where = "everyone in the channel" if public else "only you (press **Post to channel** to share)"
    words = [f"words: `/quote {safe(ex.word)}`"] if ex.word else []
    if ex.phrase:
        words.append(f'an exact phrase: `/quote "{safe(ex.phrase)}"`')
    filters = [
        safe(value) for value in (ex.speaker_filter, ex.section_filter, ex.episode_filter) if value
    ] or ["speaker:NAME", "section:TITLE", "episode:TITLE"]
    return embeds.fit_content(
        "**/quote** `query:` finds what was said on the podcast and shows it to "
        + where
        + ".\n"
        + ("• " + " · ".join(words) + "\n" if words else "")
        + "• filters, as options or typed in the query: "
        + ", ".join(f"`{value}`" for value in filters)
        + " (`in:` is short for `section:`)\n"
        "• misspelled words are corrected to the nearest word the podcast uses\n"
        "Buttons: **Previous**/**Next** page through the matches, **More context** widens the "
        "quote with what was said around it.\n"
        "**/quote-random** shows a random quote. **/quote-help** shows this."
    )


__all__ = [
    "Page",
    "Quoter",
    "build_query",
    "compact_key",
    "help_text",
    "page_footer",
    "query_from_footer",
]
