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

from bot import Hit, Library, Page, QueryError, SearchResult, fold, messages, no_match, page_at

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
NEAREST_SECTIONS = "Nearest sections: "


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


def footer_of(page: Page) -> str:
    """The footer of the answer showing `page`."""
    return page_footer(page.query, page.index, page.total_label)


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
        return page_at(self.library, query, index, source=source)

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
            raise QueryError(messages.QUOTE_GONE)
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
        """A friendly reply for a query that found nothing: the core's nearest sections, and
        things to try."""
        answer = no_match(self.library, result)
        lines = [messages.NO_MATCH.format(query=embeds.safe_markdown(answer.query))]
        if answer.ignored_words:
            words = ", ".join(embeds.safe_markdown(w) for w in answer.ignored_words)
            lines.append(messages.WORDS_NOWHERE.format(words=words))
        if answer.sections:
            lines.append(
                NEAREST_SECTIONS
                + ", ".join(
                    f'“{embeds.safe_markdown(title)}” (`in:"{embeds.shorten(title, 80)}"`)'
                    for title in answer.sections
                )
            )
        lines.append("Try:")
        lines.extend(f"• {tip}" for tip in SUGGESTIONS)
        return embeds.fit_content("\n".join(lines))

    @staticmethod
    def notes(page: Page) -> str | None:
        """What the engine did to the query (typo fixes, words left out) and whether this is
        the last page instead of one past the end, for the message text."""
        result = page.result
        notes = [messages.PAST_THE_END] if page.moved_back else []
        if result.corrected_query:
            notes.append(
                messages.SHOWING_RESULTS_FOR.format(
                    query=embeds.safe_markdown(result.corrected_query)
                )
            )
        if result.ignored_words:
            words = ", ".join(embeds.safe_markdown(w) for w in result.ignored_words)
            notes.append(messages.LEFT_OUT.format(words=words))
        return embeds.fit_content("\n".join(notes)) if notes else None


def help_text(public: bool) -> str:
    """What /quote-help says."""
    where = "everyone in the channel" if public else "only you (press **Post to channel** to share)"
    return embeds.fit_content(
        "**/quote** `query:` finds what was said on the podcast and shows it to " + where + ".\n"
        '• words: `/quote layoffs` · an exact phrase: `/quote "stack ranking"`\n'
        "• filters, as options or typed in the query: `speaker:stefan`, `section:pip` "
        "(or `in:pip`), `episode:peterman`\n"
        "• misspelled words are corrected to the nearest word the podcast uses\n"
        "Buttons: **Previous**/**Next** page through the matches, **More context** widens the "
        "quote with what was said around it.\n"
        "**/quote-random** shows a random quote. **/quote-help** shows this."
    )


__all__ = [
    "Quoter",
    "build_query",
    "compact_key",
    "footer_of",
    "help_text",
    "page_footer",
    "query_from_footer",
]
