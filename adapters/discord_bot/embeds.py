"""Rendering hits as Discord embeds: safe text, bold matches, attribution, Discord's size limits.

Everything here is pure: a Hit in, a `discord.Embed` out. The daily post (issue 5) renders its
excerpt with `hit_embed` too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote as url_quote

import discord

from bot import Context, Hit, Passage

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
DESCRIPTION_LIMIT = 4096
AUTHOR_LIMIT = 256
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
CONTENT_LIMIT = 2000

COLOUR = discord.Colour(0x5865F2)
PAGE_LABEL = "Quote page"
ELLIPSIS = "…"
ZWSP = "\u200b"

# `<@id>`, `<@!id>`, `<@&id>`, `<#id>`, `</cmd:id>`, `<t:…>`, `<:emoji:id>`: a zero-width space
# after `<` shows them as typed instead of rendering them. `@everyone`/`@here` likewise.
_ANGLE_MENTION = re.compile(r"<(?=[@#/:]|a:|t:)")
_AT_MENTION = re.compile(r"@(?=everyone|here)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")


def neutralise_mentions(text: str) -> str:
    """Mentions, channel links and timestamps in `text` are shown as typed, never rendered."""
    return _AT_MENTION.sub("@" + ZWSP, _ANGLE_MENTION.sub("<" + ZWSP, text))


def safe_markdown(text: str) -> str:
    """Text from a transcript or a user, made inert for a markdown field (escaped, no mentions)."""
    return neutralise_mentions(discord.utils.escape_markdown(text))


def safe_plain(text: str, limit: int) -> str:
    """Text for a plain-text slot (author, footer, button label): no mentions, at most `limit`."""
    return shorten(neutralise_mentions(" ".join(text.split())), limit)


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + ELLIPSIS


def attribution(hit: Hit | Passage) -> str:
    """`Speaker · Section · HH:MM:SS · Podcast — Episode`, leaving out what is unknown."""
    episode = hit.episode
    title = " — ".join(part for part in (episode.podcast, episode.title) if part)
    return " · ".join(part for part in (hit.speaker, hit.section, hit.timestamp, title) if part)


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
    """The rendered excerpt in at most `limit` characters, trimmed at sentence boundaries.

    Keeps the sentence with the first match and as many sentences around it as fit; a single
    sentence longer than the limit is cut at a word.
    """
    rendered = emphasise(text, highlights)
    if len(rendered) <= limit:
        return rendered
    bounds = _sentences(text)
    first = min((start for start, _ in highlights), default=0)
    centre = next((i for i, (s, e) in enumerate(bounds) if s <= first < e), 0)
    lo = hi = centre
    best = _window(text, highlights, bounds, lo, hi)
    if len(best) > limit:
        best = None
    grow_after = True
    while best is not None:
        # Widen one sentence at a time, alternating after and before the match.
        options = [(lo, hi + 1), (lo - 1, hi)] if grow_after else [(lo - 1, hi), (lo, hi + 1)]
        grown = False
        for new_lo, new_hi in options:
            if new_lo >= 0 and new_hi < len(bounds):
                candidate = _window(text, highlights, bounds, new_lo, new_hi)
                if len(candidate) <= limit:
                    lo, hi, best, grown = new_lo, new_hi, candidate, True
                    break
        if not grown:
            break
        grow_after = not grow_after
    if best is not None:
        return best
    # One sentence alone is too long: cut it at a word, keeping the match in view.
    start, end = bounds[centre]
    window_start = max(start, min(first, end) - limit // 4)
    if window_start > start and " " in text[window_start:end]:
        window_start = text.index(" ", window_start) + 1
    piece = text[window_start:end]
    spans = [(s - window_start, e - window_start) for s, e in highlights]
    prefix = ELLIPSIS if window_start > 0 else ""
    size = limit - len(prefix) - 1
    while size > 0:
        cut = _cut_at_word(piece, size)
        rendered = prefix + emphasise(cut, _clip(spans, len(cut))) + ELLIPSIS
        if len(rendered) <= limit:
            return rendered
        size -= max(1, len(rendered) - limit)
    return ELLIPSIS


def hit_embed(
    hit: Hit | Passage, footer: str | None = None, page_url: str | None = None
) -> discord.Embed:
    """One quote as an embed: the excerpt with matches in bold, who said it where, links to
    the episode and (with QUOTEBOT_PUBLIC_URL) to the quote's page."""
    if isinstance(hit, Passage):
        hit = Hit(hit, 0.0)
    embed = _frame(hit, footer)
    link = _listen_line(hit, page_url)
    budget = _description_budget(embed) - len(link) - 2  # the quotation marks
    embed.description = "“" + excerpt(hit.text, hit.highlights, budget) + "”" + link
    return embed


def context_embed(
    context: Context,
    hit: Hit | None = None,
    footer: str | None = None,
    page_url: str | None = None,
) -> discord.Embed:
    """A passage with its neighbours: speaker lines where the speaker changes, the quote quoted."""
    centre = (
        hit if hit is not None and hit.key == context.passage.key else Hit(context.passage, 0.0)
    )
    embed = _frame(centre, footer)
    link = _listen_line(centre, page_url)
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
    embed.set_author(name=safe_plain(attribution(hit), AUTHOR_LIMIT), url=safe_url(hit.url))
    if footer:
        embed.set_footer(text=safe_plain(footer, FOOTER_LIMIT))
    return embed


def _description_budget(embed: discord.Embed) -> int:
    return min(DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - len(embed))


def _listen_line(hit: Hit, page_url: str | None = None) -> str:
    links = []
    url = safe_url(hit.url)
    if url:
        links.append(f"▶ [Listen from {hit.timestamp}]({url})")
    page = safe_url(page_url)
    if page:
        links.append(f"🔗 [{PAGE_LABEL}]({page})")
    return "\n\n" + " · ".join(links) if links else ""


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


def _sentences(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        bounds.append((start, match.start()))
        start = match.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds or [(0, len(text))]


def _window(
    text: str,
    highlights: Sequence[tuple[int, int]],
    bounds: Sequence[tuple[int, int]],
    lo: int,
    hi: int,
) -> str:
    start, end = bounds[lo][0], bounds[hi][1]
    spans = [(s - start, e - start) for s, e in highlights if s >= start and e <= end]
    prefix = ELLIPSIS + " " if lo > 0 else ""
    suffix = " " + ELLIPSIS if hi < len(bounds) - 1 else ""
    return prefix + emphasise(text[start:end], spans) + suffix


def _cut_at_word(text: str, size: int) -> str:
    cut = text[:size]
    if len(text) > size and " " in cut[size // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip()


def _clip(spans: Sequence[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    return [(s, min(e, size)) for s, e in spans if 0 <= s < size]
