"""What the bot answers to each command and button, as Messages.

Plain synchronous functions over the core's Library: the Slack wiring in `app.py` runs them in
a worker thread after acknowledging, so a slow search never delays the ack.
"""

from __future__ import annotations

import random

from bot import Context, Hit, Library, Page, QueryError, no_match, page_at
from bot.web import PageLinks

from . import blocks
from .blocks import Message
from .escaping import escape
from .state import MAX_QUERY_CHARS, View

COMMAND = "/quote"
HELP_WORDS = {"", "help", "?", "-h", "--help"}
# The `source` of searches in the core's metrics: what people type counts as "slack"; a button
# press (Next, Previous, More context, Send) looks the same query up again and counts apart.
SOURCE = "slack"
BUTTON_SOURCE = "slack-button"
# No public address: answers say nothing about pages.
NO_PAGES = PageLinks()


def for_command(
    library: Library,
    text: str,
    rng: random.Random | None = None,
    command: str = COMMAND,
    links: PageLinks = NO_PAGES,
) -> Message:
    """The answer to `/quote TEXT`: help, a random quote, or the top search result."""
    text = " ".join((text or "").split())
    if text.lower() in HELP_WORDS:
        return help_for(library, command)
    if text.lower() == "random":
        return random_quote(library, rng, links)
    return search(library, View(query=cap_query(text)), command, links=links)


def help_for(library: Library, command: str = COMMAND) -> Message:
    """Usage, examples and the library's sections."""
    return blocks.help_message(command, library.section_titles(), library.examples)


def random_quote(
    library: Library, rng: random.Random | None = None, links: PageLinks = NO_PAGES
) -> Message:
    """A preview of a random passage, with a button for another."""
    try:
        hit = library.random(rng)
    except QueryError as exc:
        return error_notice(exc)
    return blocks.preview(hit, View(key=hit.key), page_url=links.quote(hit.key))


def search(
    library: Library,
    view: View,
    command: str = COMMAND,
    source: str = SOURCE,
    links: PageLinks = NO_PAGES,
) -> Message:
    """The preview for a query at a position (and widening), or why there is none.
    `source`: BUTTON_SOURCE when a button asks again for a query already searched."""
    try:
        page = _page(library, view, source)
        if page is not None and not page.found:
            # The search that found nothing also says which words matched nothing.
            return blocks.no_match_message(command, no_match(library, page.result))
        hit = _shown(library, view, page)
    except QueryError as exc:
        return error_notice(exc)
    if page is not None and page.moved_back:
        view = view.at(page.index)
    return blocks.preview(
        hit,
        view,
        total=page.total if page else None,
        total_label=page.total_label if page else None,
        context=_widen(library, hit, view),
        corrected_query=page.result.corrected_query if page else None,
        ignored_words=page.result.ignored_words if page else (),
        moved_back=page.moved_back if page else False,
        page_url=links.quote(hit.key),
    )


def share(library: Library, view: View, user_id: str, links: PageLinks = NO_PAGES) -> Message:
    """The channel message for the quote a preview shows, "shared by" the user, linking its
    page (with QUOTEBOT_PUBLIC_URL); QueryError when it is gone."""
    hit = shown_hit(library, view)
    return blocks.hit_message(
        hit,
        context=_widen(library, hit, view),
        shared_by=user_id,
        page_url=links.quote(hit.key),
    )


def shown_hit(library: Library, view: View, source: str = BUTTON_SOURCE) -> Hit:
    """The hit a view points at: searched again (for its highlights), else looked up by key;
    QueryError when it is gone."""
    return _shown(library, view, _page(library, view, source))


def _page(library: Library, view: View, source: str) -> Page | None:
    return None if view.query is None else page_at(library, view.query, view.offset, source=source)


def _shown(library: Library, view: View, page: Page | None) -> Hit:
    if page is not None and page.found and (view.key is None or page.hit.key == view.key):
        return page.hit
    # A random quote, or the library changed since the preview was made: the passage itself.
    return Hit(library.passage(view.key or ""), 0.0)


def error_notice(error: QueryError) -> Message:
    """The core's message for the user. It is written as mrkdwn (backticks for examples), so
    it is escaped (no mentions or links can come through) but its formatting is kept."""
    return blocks.notice(escape(str(error)))


def _widen(library: Library, hit: Hit, view: View) -> Context | None:
    if not view.context:
        return None
    return library.context(hit, before=view.context, after=view.context)


def cap_query(text: str) -> str:
    """The query without non-printable characters (control, format, lone surrogates: JSON
    would write some as six characters in a button value), at most MAX_QUERY_CHARS long."""
    text = " ".join("".join(c for c in text if c.isprintable() or c.isspace()).split())
    if len(text) <= MAX_QUERY_CHARS:
        return text
    cut = text.rfind(" ", 0, MAX_QUERY_CHARS + 1)
    return text[: cut if cut > 0 else MAX_QUERY_CHARS]
