"""What the bot answers to each command and button, as Messages.

Plain synchronous functions over the core's Library: the Slack wiring in `app.py` runs them in
a worker thread after acknowledging, so a slow search never delays the ack.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from rapidfuzz import fuzz, process

from bot import Context, Hit, Library, QueryError, SearchResult

from . import blocks
from .blocks import Message
from .escaping import escape
from .state import MAX_QUERY_CHARS, View

COMMAND = "/quote"
HELP_WORDS = {"", "help", "?", "-h", "--help"}
SUGGESTIONS = 3
SUGGESTION_CUTOFF = 60
# The `source` of searches in the core's metrics: what people type counts as "slack"; a button
# press (Next, Previous, More context, Send) looks the same query up again and counts apart.
SOURCE = "slack"
BUTTON_SOURCE = "slack-button"


def for_command(
    library: Library, text: str, rng: random.Random | None = None, command: str = COMMAND
) -> Message:
    """The answer to `/quote TEXT`: help, a random quote, or the top search result."""
    text = " ".join((text or "").split())
    if text.lower() in HELP_WORDS:
        return help_for(library, command)
    if text.lower() == "random":
        return random_quote(library, rng)
    return search(library, View(query=_cap(text)), command)


def help_for(library: Library, command: str = COMMAND) -> Message:
    """Usage, examples and the library's sections."""
    return blocks.help_message(
        command, [section.title for section in library.sections()], library.examples
    )


def random_quote(library: Library, rng: random.Random | None = None) -> Message:
    """A preview of a random passage, with a button for another."""
    try:
        hit = library.random(rng)
    except QueryError as exc:
        return error_notice(exc)
    return blocks.preview(hit, View(key=hit.key))


def search(library: Library, view: View, command: str = COMMAND, source: str = SOURCE) -> Message:
    """The preview for a query at a position (and widening), or why there is none.
    `source`: BUTTON_SOURCE when a button asks again for a query already searched."""
    try:
        hit, result = _lookup(library, view, source)
    except QueryError as exc:
        return error_notice(exc)
    if hit is None:
        # The search that found nothing also says how many there are, and which words
        # matched nothing: no second search for the no-match answer.
        assert result is not None
        if view.offset and result.total and view.offset >= result.total:
            # Past the end (the library changed since the preview): show the last one.
            return search(library, view.at(result.total - 1), command, BUTTON_SOURCE)
        return no_match(library, view.query or "", result, command)
    return blocks.preview(
        hit,
        view,
        total=result.total if result else None,
        total_label=result.total_label if result else None,
        context=_widen(library, hit, view),
        corrected_query=result.corrected_query if result else None,
        ignored_words=result.ignored_words if result else (),
    )


def share(library: Library, view: View, user_id: str) -> Message:
    """The channel message for the quote a preview shows, "shared by" the user."""
    found = resolve(library, view)
    if found is None:
        raise QueryError("That quote is no longer in the library.")
    hit, _ = found
    return blocks.hit_message(hit, context=_widen(library, hit, view), shared_by=user_id)


def resolve(
    library: Library, view: View, source: str = BUTTON_SOURCE
) -> tuple[Hit, SearchResult | None] | None:
    """The hit a view points at: searched again (for its highlights), else looked up by key."""
    hit, result = _lookup(library, view, source)
    return None if hit is None else (hit, result)


def _lookup(library: Library, view: View, source: str) -> tuple[Hit | None, SearchResult | None]:
    """The hit a view points at and the search that found it (None for a passage by key);
    no hit but the search, when the query has nothing at that position."""
    if view.query is not None:
        result = library.search(view.query, limit=1, offset=view.offset, source=source)
        if result.hits and (view.key is None or result.hits[0].key == view.key):
            return result.hits[0], result
        if view.key is None:
            return None, result
    # A random quote, or the library changed since the preview was made: the passage itself.
    return Hit(library.passage(view.key or ""), 0.0), None


def no_match(library: Library, query: str, result: SearchResult, command: str) -> Message:
    """No hits: the query back, words that matched nothing, and the nearest sections."""
    return blocks.no_match_message(
        command, query, nearest_sections(library, query), result.ignored_words
    )


def nearest_sections(library: Library, query: str, limit: int = SUGGESTIONS) -> Sequence[str]:
    """Section titles that look most like the query (fuzzy, case-insensitive)."""
    titles = list(dict.fromkeys(section.title for section in library.sections()))
    words = " ".join(word for word in query.split() if ":" not in word).strip("\"' ")
    if not words or not titles:
        return []
    matches = process.extract(
        words,
        titles,
        scorer=fuzz.token_set_ratio,
        processor=str.casefold,
        limit=limit,
        score_cutoff=SUGGESTION_CUTOFF,
    )
    return [title for title, _score, _index in matches]


def error_notice(error: QueryError) -> Message:
    """The core's message for the user. It is written as mrkdwn (backticks for examples), so
    it is escaped (no mentions or links can come through) but its formatting is kept."""
    return blocks.notice(escape(str(error)))


def _widen(library: Library, hit: Hit, view: View) -> Context | None:
    if not view.context:
        return None
    return library.context(hit, before=view.context, after=view.context)


def _cap(text: str) -> str:
    """The query without non-printable characters (control, format, lone surrogates: JSON
    would write some as six characters in a button value), at most MAX_QUERY_CHARS long."""
    text = " ".join("".join(c for c in text if c.isprintable() or c.isspace()).split())
    if len(text) <= MAX_QUERY_CHARS:
        return text
    cut = text.rfind(" ", 0, MAX_QUERY_CHARS + 1)
    return text[: cut if cut > 0 else MAX_QUERY_CHARS]
