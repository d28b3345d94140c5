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

from bot import (
    Context,
    Hit,
    Library,
    Page,
    QueryError,
    QueryExamples,
    SearchResult,
    fold,
    messages,
    no_match,
    page_at,
)
from bot.cards import CardStyle, render_card
from bot.web import PageLinks

from . import embeds
from . import messages as discord_messages
from .replies import DEFER_AFTER

MAX_CHOICES = 25
CHOICE_LIMIT = 100
MAX_CONTEXT = 3
RANDOM_FOOTER = "/quote-random"
PICKED_FOOTER = "/quote · picked from the suggestions"
BUTTON_SOURCE = "discord-button"
AUTOCOMPLETE_SOURCE = "discord-autocomplete"
# The value of a suggested quote: what /quote receives when the member picks it.
PICK_PREFIX = "quote:"
_FOOTER = re.compile(r"^Result (?P<n>\d+) of (?P<total>\d+\+?) · /quote (?P<query>.+)$", re.DOTALL)


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
    # Addresses of the quote pages (none without QUOTEBOT_PUBLIC_URL) and the cards' look.
    links: PageLinks = field(default_factory=PageLinks)
    card_style: CardStyle = field(default_factory=CardStyle)
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

    def picked(self, query: str) -> Hit | None:
        """The passage a suggestion stands for (`quote:<key>`), or None for a typed query."""
        if not query.startswith(PICK_PREFIX):
            return None
        try:
            return Hit(self.library.passage(query.removeprefix(PICK_PREFIX)), 0.0)
        except QueryError:
            return None

    def card(self, hit_key: str) -> tuple[Hit, bytes]:
        """The passage and its quote card PNG; QueryError when it is gone."""
        hit = Hit(self.library.passage(hit_key), 0.0)
        return hit, render_card(hit.passage, self.card_style)

    def page_url(self, hit_key: str) -> str | None:
        return self.links.quote(hit_key)

    def context(self, hit_key: str, width: int) -> Context:
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

    def quote_choices(self, typed: str) -> list[app_commands.Choice[str]]:
        """The best matching quotes for what is typed so far, as `Speaker · HH:MM:SS · text`;
        picking one answers with exactly that passage. Searches: run it off the event loop."""
        choices: list[app_commands.Choice[str]] = []
        seen: set[str] = set()
        for hit in self.library.suggest(typed, MAX_CHOICES, source=AUTOCOMPLETE_SOURCE):
            value = PICK_PREFIX + hit.key
            if len(value) > CHOICE_LIMIT:
                # An episode id too long for a choice value: picking runs the typed query.
                value = " ".join(typed.split())[:CHOICE_LIMIT]
            if value in seen or not value:
                continue
            seen.add(value)
            choices.append(app_commands.Choice(name=choice_label(hit), value=value))
        return choices

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
            pairs = [(title, title) for title in self.library.section_titles()]
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
            sections = ", ".join(
                f'“{embeds.safe_markdown(title)}” (`in:"{_typed(title)}"`)'
                for title in answer.sections
            )
            lines.append(messages.NEAREST_SECTIONS.format(sections=sections))
        lines.append(discord_messages.TRY)
        lines.extend(f"• {tip}" for tip in discord_messages.TRY_TIPS)
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


def _typed(title: str) -> str:
    """A section title as it can be typed in an `in:"…"` filter inside a code span: no
    backtick (it would end the span), no double quote (it would end the value); `in:` finds
    a section by its first words, so a long title is cut."""
    return embeds.shorten(" ".join(title.replace("`", " ").replace('"', " ").split()), 80)


def choice_label(hit: Hit) -> str:
    """`Stefan Mai · 00:40:49 · I think if the assumption is…`, within Discord's 100."""
    head = f"{hit.speaker} · {hit.timestamp} · " if hit.speaker else f"{hit.timestamp} · "
    head = embeds.shorten(" ".join(head.split()), CHOICE_LIMIT // 2) + " "
    return head + embeds.shorten(" ".join(hit.text.split()), CHOICE_LIMIT - len(head))


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
    "PICK_PREFIX",
    "Quoter",
    "build_query",
    "choice_label",
    "compact_key",
    "footer_of",
    "help_text",
    "page_footer",
    "query_from_footer",
]
