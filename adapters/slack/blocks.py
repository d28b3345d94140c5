"""Block Kit messages for quotes: previews with buttons, channel posts, help and notices.

Every text that came from a user or a transcript goes through `escaping.mrkdwn` here and
nowhere else, and every mrkdwn text object is sent with `verbatim: true` (no auto-linking).
Blocks are built with slack_sdk's models, whose `to_dict()` refuses anything over Block Kit's
limits, and texts are fitted below those limits first (section text 3,000; a long excerpt is
cut at a sentence and ends in an ellipsis).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot import (
    Context,
    Excerpt,
    Hit,
    NoMatch,
    Passage,
    QueryExamples,
    attribution_of,
    excerpt_of,
    fitted,
    fitted_context,
    messages,
    shorten,
)

from . import messages as slack_messages
from .escaping import link, mention, mrkdwn
from .state import MAX_CONTEXT, View

SECTION_LIMIT = 3000
# The notification text is only a summary; the blocks carry the quote.
FALLBACK_LIMIT = 300
HELP_SECTIONS_SHOWN = 20
HELP_SECTIONS_CHARS = 1200
ELLIPSIS = "…"
PAGE_LABEL = "Quote page"
# The card's comment: the quote (trimmed) and its attribution, well within a message.
CARD_COMMENT_LIMIT = 2000
HEADER_LIMIT = 150
# Budgets (after escaping) of the parts of a no-match answer: together well under a section.
NO_MATCH_QUERY_LIMIT = 600
NO_MATCH_WORDS_LIMIT = 300
SUGGESTION_TITLE_LIMIT = 100

SEND, CARD, PREVIOUS, NEXT, CONTEXT, SHUFFLE, CANCEL = (
    "quote_send",
    "quote_card",
    "quote_previous",
    "quote_next",
    "quote_context",
    "quote_shuffle",
    "quote_cancel",
)


@dataclass(frozen=True)
class Message:
    """A Slack message: the notification `text` and its `blocks`, both safe to send."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `respond()` and `chat.postMessage`."""
        return {"text": self.text, "blocks": self.blocks}


# -- excerpts ---------------------------------------------------------------------------------


def emphasised(text: str, highlights: Sequence[tuple[int, int]] = ()) -> str:
    """Inert mrkdwn for `text` with each highlighted span in bold."""
    out: list[str] = []
    position = 0
    for start, end in sorted(highlights):
        start, end = max(start, position), min(end, len(text))
        if start >= end:
            continue
        word = text[start:end]
        out.append(mrkdwn(text[position:start]))
        # Bold must hug the word: surrounding spaces would keep Slack from rendering it.
        stripped = word.strip()
        if stripped and "\n" not in stripped:
            lead = word[: len(word) - len(word.lstrip())]
            tail = word[len(word.rstrip()) :]
            out.append(f"{mrkdwn(lead)}*{mrkdwn(stripped)}*{mrkdwn(tail)}")
        else:
            out.append(mrkdwn(word))
        position = end
    out.append(mrkdwn(text[position:]))
    return "".join(out)


def _quoted(body: str) -> str:
    return "\n".join(f">{line}" for line in body.split("\n"))


def excerpt(
    text: str, highlights: Sequence[tuple[int, int]] = (), limit: int = SECTION_LIMIT
) -> str:
    """The core's excerpt as a mrkdwn block quote, matched words bold, within `limit`."""
    return fitted(text, highlights, _rendered_excerpt, limit)


def _rendered_excerpt(shown: Excerpt) -> str:
    return _quoted(_excerpt_body(shown))


def _excerpt_body(shown: Excerpt) -> str:
    before = ELLIPSIS + " " if shown.cut_before else ""
    after = " " + ELLIPSIS if shown.cut_after else ""
    return before + emphasised(shown.text, shown.highlights) + after


def _labelled(passage: Passage, body: str, label: bool) -> str:
    return f"*{mrkdwn(passage.speaker)}:* {body}" if label else body


def context_excerpt(hit: Hit, context: Context, limit: int = SECTION_LIMIT) -> str:
    """The hit's excerpt with as many neighbours as the core lets fit in `limit` characters,
    speakers named when they change; the excerpt alone if not even that fits."""
    centre = _excerpt_body(excerpt_of(hit.text, hit.highlights))

    def render(part: Context) -> str:
        label = len({p.speaker for p in part.passages}) > 1
        paragraphs = [
            _labelled(p, centre if p.key == part.passage.key else mrkdwn(p.text), label)
            for p in part.passages
        ]
        return _quoted("\n\n".join(paragraphs))

    rendered = render(fitted_context(context, lambda part: len(render(part)) <= limit))
    return rendered if len(rendered) <= limit else excerpt(hit.text, hit.highlights, limit)


def attribution(hit: Hit | Passage) -> str:
    """The core's attribution as mrkdwn, the time linked into the episode when it can be."""
    line = attribution_of(hit)
    stamp = link(line.url, line.timestamp) if line.url else line.timestamp
    parts = [
        mrkdwn(line.speaker) if line.speaker else "",
        mrkdwn(line.section) if line.section else "",
        stamp,
        mrkdwn(line.title) if line.title else "",
    ]
    return " · ".join(part for part in parts if part)


def fallback_text(hit: Hit | Passage) -> str:
    """A one-line summary for notifications and clients that cannot show blocks."""
    return mrkdwn(f"“{shorten(' '.join(hit.text.split()), FALLBACK_LIMIT)}” — {hit.speaker}")


# -- messages -----------------------------------------------------------------------------------


def _markdown(text: str) -> MarkdownTextObject:
    """A mrkdwn text object with `verbatim` on. Slack's default (off) auto-links bare URLs
    and #channel names and parses some mentions, even in text escaped by `mrkdwn`; verbatim
    keeps only the links and mentions written out in `<…>` syntax, which only we can write."""
    return MarkdownTextObject(text=text, verbatim=True)


def _blocks(*blocks: Block | None) -> list[dict[str, Any]]:
    return [block.to_dict() for block in blocks if block is not None]


def _context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[_markdown(text) for text in texts if text])


def page_link(page_url: str | None) -> str:
    """`<url|Quote page>` for the quote's web page, or nothing when pages are not public."""
    return link(page_url, PAGE_LABEL) if page_url else ""


def hit_message(
    hit: Hit,
    *,
    context: Context | None = None,
    shared_by: str | None = None,
    page_url: str | None = None,
) -> Message:
    """One quote as a channel message: the excerpt, its attribution, who shared it, and a link
    to its page (with QUOTEBOT_PUBLIC_URL set).

    The building block for anything that posts a quote to a channel (Send, daily posts).
    """
    body = context_excerpt(hit, context) if context else excerpt(hit.text, hit.highlights)
    footer = [attribution(hit)]
    if shared_by:
        footer.append(f"shared by {mention(shared_by)}")
    if page_url:
        footer.append(page_link(page_url))
    return Message(
        fallback_text(hit),
        _blocks(SectionBlock(text=_markdown(body)), _context(*footer)),
    )


def advice_message(
    hit: Hit, header: str = slack_messages.ADVICE_HEADER, page_url: str | None = None
) -> Message:
    """The daily post: an "Advice of the day" header above the quote and its attribution."""
    message = hit_message(hit, page_url=page_url)
    return Message(
        f"{header}: {message.text}",
        _blocks(HeaderBlock(text=shorten(header, HEADER_LIMIT))) + message.blocks,
    )


def _button(label: str, action_id: str, view: View, style: str | None = None) -> ButtonElement:
    return ButtonElement(text=label, action_id=action_id, value=view.encode(), style=style)


def preview(
    hit: Hit,
    view: View,
    *,
    total: int | None = None,
    total_label: str | None = None,
    context: Context | None = None,
    corrected_query: str | None = None,
    ignored_words: Sequence[str] = (),
    moved_back: bool = False,
    page_url: str | None = None,
) -> Message:
    """The private preview of a quote: notes on the query, the quote, "2 of 7" and buttons.
    `total_label` is how the total reads (`1000+` when the core stopped counting);
    `moved_back`: a page past the end was asked for and this is the last one."""
    notes = [messages.PAST_THE_END] if moved_back else []
    if corrected_query:
        notes.append(messages.SHOWING_RESULTS_FOR.format(query=f"*{mrkdwn(corrected_query)}*"))
    if ignored_words:
        notes.append(messages.LEFT_OUT.format(words=mrkdwn(", ".join(ignored_words))))
    current = View(view.query, view.offset, hit.key, view.context)
    buttons = [_button("Send", SEND, current, style="primary"), _button("Card", CARD, current)]
    if view.is_random:
        where = "Random quote"
        buttons.append(_button("Another", SHUFFLE, View()))
    else:
        where = f"{view.offset + 1} of {total_label or total}" if total else ""
        where += f" for “{mrkdwn(view.query or '')}”"
        if view.offset > 0:
            buttons.append(_button("Previous", PREVIOUS, current.at(view.offset - 1)))
        if total is None or view.offset + 1 < total:
            buttons.append(_button("Next", NEXT, current.at(view.offset + 1)))
    if view.context < MAX_CONTEXT:
        buttons.append(_button("More context", CONTEXT, current.widened()))
    buttons.append(_button("Cancel", CANCEL, current))
    message = hit_message(hit, context=context, page_url=page_url)
    return Message(
        message.text,
        _blocks(_context(*notes) if notes else None)
        + message.blocks
        + _blocks(_context(where.strip()), ActionsBlock(elements=buttons)),
    )


def card_comment(hit: Hit, shared_by: str, page_url: str | None = None) -> str:
    """The text posted with a quote card: the quote, its attribution, who shared it and the
    page link, as mrkdwn (the card is a picture; this keeps the words searchable and read
    aloud by screen readers)."""
    footer = " · ".join(
        part
        for part in (attribution(hit), f"shared by {mention(shared_by)}", page_link(page_url))
        if part
    )
    room = CARD_COMMENT_LIMIT - len(footer) - 1
    return excerpt(hit.text, hit.highlights, limit=max(200, room)) + "\n" + footer


def help_message(
    command: str, sections: Sequence[str], examples: QueryExamples | None = None
) -> Message:
    """Usage with examples that work on this library, and its sections (the first few)."""
    ex = examples or QueryExamples()
    lines = [
        f"*{command} WORDS* finds what was actually said on the podcast. Examples:",
        f"• `{command} {mrkdwn(ex.word)}`" if ex.word else "",
        f'• `{command} "{mrkdwn(ex.phrase)}"`  an exact phrase' if ex.phrase else "",
        f"• `{command} {mrkdwn(ex.speaker_query)}`  only what {mrkdwn(ex.speaker_name)} said"
        if ex.speaker_query
        else f"• `{command} speaker:NAME WORDS`  only what one speaker said",
        f"• `{command} {mrkdwn(ex.section_query)}`  only sections matching "
        f"“{mrkdwn(ex.section_hint)}”"
        if ex.section_query
        else "",
        f"• `{command} {mrkdwn(ex.episode_query)}`  only matching episodes"
        if ex.episode_query
        else "",
        f"• `{command} random`  a random quote",
        slack_messages.PRIVATE_PREVIEW,
    ]
    usage = "\n".join(line for line in lines if line)
    blocks: list[Block | None] = [SectionBlock(text=_markdown(usage))]
    titles = list(dict.fromkeys(sections))
    if titles:
        shown: list[str] = []
        for title in titles[:HELP_SECTIONS_SHOWN]:
            if sum(len(t) + 3 for t in shown) + len(title) > HELP_SECTIONS_CHARS:
                break
            shown.append(mrkdwn(shorten(title, 100)))
        more = len(titles) - len(shown)
        listing = " · ".join(shown) + (f" … and {more} more" if more else "")
        blocks.append(SectionBlock(text=_markdown(f"*Sections ({len(titles)}):* {listing}")))
    return Message(f"How to use {command}", _blocks(*blocks))


def _inert(text: str, limit: int, ellipsis: str = ELLIPSIS) -> str:
    """`text` made inert (`mrkdwn`), cut (ending in `ellipsis`) to fit in `limit` characters
    after escaping, which can make a character five."""
    rendered = mrkdwn(text)
    if len(rendered) <= limit:
        return rendered
    room = limit - len(ellipsis)
    pieces: list[str] = []
    for character in text:
        piece = mrkdwn(character)
        if len(piece) > room:
            break
        pieces.append(piece)
        room -= len(piece)
    return "".join(pieces).rstrip() + ellipsis


def _suggestion(command: str, title: str) -> str:
    """`*Title*` (`/quote in:"Title"`), each within SUGGESTION_TITLE_LIMIT. A long title is cut
    in the command without an ellipsis: `in:` also finds a section by its first words."""
    shown = _inert(title, SUGGESTION_TITLE_LIMIT)
    typed = _inert(title, SUGGESTION_TITLE_LIMIT, ellipsis="")
    return f'*{shown}* (`{command} in:"{typed}"`)'


def no_match_message(command: str, answer: NoMatch) -> Message:
    """A friendly "nothing found", with the nearest section titles to try instead.

    Every part has its own budget after escaping (query, ignored words, each suggested
    title), so any input fits one section; suggestions that would not fit are left out.
    """
    lines = [messages.NO_MATCH.format(query=_inert(answer.query, NO_MATCH_QUERY_LIMIT))]
    if answer.ignored_words:
        words = _inert(", ".join(answer.ignored_words), NO_MATCH_WORDS_LIMIT)
        lines.append(messages.WORDS_NOWHERE.format(words=words))
    last = slack_messages.TRY_OTHER_WORDS.format(command=command)
    tries: list[str] = []
    for title in answer.sections:
        candidate = [*tries, _suggestion(command, title)]
        nearest = messages.NEAREST_SECTIONS.format(sections=", ".join(candidate))
        text = "\n".join([*lines, nearest, last])
        if len(text) > SECTION_LIMIT:
            break
        tries = candidate
    if tries:
        lines.append(messages.NEAREST_SECTIONS.format(sections=", ".join(tries)))
    lines.append(last)
    return Message(lines[0], _blocks(SectionBlock(text=_markdown("\n".join(lines)))))


def notice(text: str) -> Message:
    """A short message to the user; `text` must already be safe mrkdwn."""
    text = shorten(text, SECTION_LIMIT)
    return Message(text, _blocks(SectionBlock(text=_markdown(text))))
