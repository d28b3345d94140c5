"""Rendering hits as Discord embeds: safe text, bold matches, attribution, Discord's size limits.

Everything here is pure: a Hit in, a `discord.Embed` out. The daily post (issue 5) renders its
excerpt with `hit_embed` too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote as url_quote

import discord

from bot import Context, Excerpt, Hit, Passage, attribution_of, fitted, shorten

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
DESCRIPTION_LIMIT = 4096
AUTHOR_LIMIT = 256
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
CONTENT_LIMIT = 2000

COLOUR = discord.Colour(0x5865F2)
ELLIPSIS = "…"
ZWSP = "\u200b"

# `<@id>`, `<@!id>`, `<@&id>`, `<#id>`, `</cmd:id>`, `<t:…>`, `<:emoji:id>`: a zero-width space
# after `<` shows them as typed instead of rendering them. `@everyone`/`@here` likewise.
_ANGLE_MENTION = re.compile(r"<(?=[@#/:]|a:|t:)")
_AT_MENTION = re.compile(r"@(?=everyone|here)", re.IGNORECASE)


def neutralise_mentions(text: str) -> str:
    """Mentions, channel links and timestamps in `text` are shown as typed, never rendered."""
    return _AT_MENTION.sub("@" + ZWSP, _ANGLE_MENTION.sub("<" + ZWSP, text))


def safe_markdown(text: str) -> str:
    """Text from a transcript or a user, made inert for a markdown field (escaped, no mentions)."""
    return neutralise_mentions(discord.utils.escape_markdown(text))


def safe_plain(text: str, limit: int) -> str:
    """Text for a plain-text slot (author, footer, button label): no mentions, at most `limit`."""
    return shorten(neutralise_mentions(" ".join(text.split())), limit)


def safe_url(url: str | None) -> str | None:
    """An http(s) URL usable inside a markdown link, or None."""
    if not url or not re.match(r"https?://", url, re.IGNORECASE):
        return None
    return url_quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


def emphasise(text: str, highlights: Sequence[tuple[int, int]] = ()) -> str:
    """Escaped `text` with the highlighted character spans in bold."""
    out: list[str] = []
    position = 0
    for start, end in sorted(highlights):
        start, end = max(start, position), min(end, len(text))
        if end <= start:
            continue
        out.append(safe_markdown(text[position:start]))
        out.append("**" + safe_markdown(text[start:end]) + "**")
        position = end
    out.append(safe_markdown(text[position:]))
    return "".join(out)


def excerpt(text: str, highlights: Sequence[tuple[int, int]], limit: int) -> str:
    """The core's excerpt, matches in bold, in at most `limit` characters of markdown."""
    return fitted(text, highlights, _rendered_excerpt, limit)


def _rendered_excerpt(shown: Excerpt) -> str:
    before = ELLIPSIS + " " if shown.cut_before else ""
    after = " " + ELLIPSIS if shown.cut_after else ""
    return before + emphasise(shown.text, shown.highlights) + after


def hit_embed(hit: Hit | Passage, footer: str | None = None) -> discord.Embed:
    """One quote as an embed: the excerpt with matches in bold, who said it where, a link."""
    if isinstance(hit, Passage):
        hit = Hit(hit, 0.0)
    embed = _frame(hit, footer)
    link = _listen_line(hit)
    budget = _description_budget(embed) - len(link) - 2  # the quotation marks
    embed.description = "“" + excerpt(hit.text, hit.highlights, budget) + "”" + link
    return embed


def context_embed(
    context: Context, hit: Hit | None = None, footer: str | None = None
) -> discord.Embed:
    """A passage with its neighbours: speaker lines where the speaker changes, the quote quoted."""
    centre = (
        hit if hit is not None and hit.key == context.passage.key else Hit(context.passage, 0.0)
    )
    embed = _frame(centre, footer)
    link = _listen_line(centre)
    budget = _description_budget(embed) - len(link)
    passages = list(context.passages)
    middle = len(context.before)
    quoted = excerpt(centre.text, centre.highlights, budget - 80)
    blocks: dict[int, str] = {middle: "> " + quoted.replace("\n", "\n> ")}
    # Add neighbours nearest first while they fit; an excerpt of a neighbour is not worth it.
    order = sorted(range(len(passages)), key=lambda i: (abs(i - middle), i))
    for i in order[1:]:
        trial = {**blocks, i: safe_markdown(passages[i].text)}
        if len(_join(passages, trial)) > budget:
            break
        blocks = trial
    embed.description = _join(passages, blocks) + link
    return embed


def fit_content(text: str) -> str:
    """Message content cut to Discord's 2,000 characters."""
    return shorten(text, CONTENT_LIMIT)


# -- helpers -----------------------------------------------------------------------------------


def _frame(hit: Hit, footer: str | None) -> discord.Embed:
    embed = discord.Embed(colour=COLOUR)
    embed.set_author(
        name=safe_plain(attribution_of(hit).text(), AUTHOR_LIMIT), url=safe_url(hit.url)
    )
    if footer:
        embed.set_footer(text=safe_plain(footer, FOOTER_LIMIT))
    return embed


def _description_budget(embed: discord.Embed) -> int:
    return min(DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - len(embed))


def _listen_line(hit: Hit) -> str:
    url = safe_url(hit.url)
    return f"\n\n▶ [Listen from {hit.timestamp}]({url})" if url else ""


def _join(passages: Sequence[Passage], blocks: dict[int, str]) -> str:
    lines: list[str] = []
    previous: int | None = None
    for i in sorted(blocks):
        passage = passages[i]
        if previous is not None and i != previous + 1:
            lines.append(ELLIPSIS)
        if previous is None or passages[previous].speaker != passage.speaker or i != previous + 1:
            lines.append(f"**{safe_markdown(passage.speaker)}** · {passage.timestamp}")
        lines.append(blocks[i])
        previous = i
    return "\n".join(lines)
