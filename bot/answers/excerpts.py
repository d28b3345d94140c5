"""Which part of a passage to show for a query, and where its highlights fall.

Every front end shows the same excerpt: the sentence holding the first match, widened one
whole sentence at a time (after, then before, in turn) while it fits. Sentences come from the
core's one splitter, so "Dr." never ends one. A single sentence longer than the limit is cut
at words around the match. Front ends only lay the excerpt out (bold, quote marks, an
ellipsis where `cut_before` / `cut_after` say text was left out).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..text import sentence_spans

# How much of a passage a quote shows, in characters of transcript text. Passages are 15-50
# words, so this only cuts the long single sentences of unpunctuated transcripts; it leaves
# room in every platform's limits (Slack section 3,000, Discord description 4,096) for
# escaping and the attribution.
EXCERPT_CHARS = 700
# An ellipsis and its space, counted against the limit for each cut side.
CUT_MARK = 2

Span = tuple[int, int]


@dataclass(frozen=True)
class Excerpt:
    """The text to show, the highlighted spans within it, and whether text was left out before
    or after it."""

    text: str
    highlights: tuple[Span, ...] = ()
    cut_before: bool = False
    cut_after: bool = False

    def highlighted_words(self) -> list[str]:
        """The highlighted text, span by span (what a reader sees in bold)."""
        return [self.text[start:end] for start, end in self.highlights]


def excerpt_of(text: str, highlights: Sequence[Span] = (), limit: int = EXCERPT_CHARS) -> Excerpt:
    """The excerpt of `text` to show, at most `limit` characters including cut marks."""
    spans = sorted((max(0, s), min(e, len(text))) for s, e in highlights if s < e)
    if len(text) <= limit:
        return Excerpt(text, tuple(spans))
    bounds = sentence_spans(text) or [(0, len(text))]
    first = spans[0][0] if spans else 0
    centre = next((i for i, (s, e) in enumerate(bounds) if first < e), len(bounds) - 1)
    lo = hi = centre
    if _size(bounds, lo, hi, len(text)) > limit:
        return _cut_sentence(text, spans, bounds[centre], first, limit)
    grow_after = True
    while True:
        # Widen one sentence at a time, alternating after and before the match.
        options = [(lo, hi + 1), (lo - 1, hi)] if grow_after else [(lo - 1, hi), (lo, hi + 1)]
        for new_lo, new_hi in options:
            inside = new_lo >= 0 and new_hi < len(bounds)
            if inside and _size(bounds, new_lo, new_hi, len(text)) <= limit:
                lo, hi = new_lo, new_hi
                break
        else:
            break
        grow_after = not grow_after
    start, end = bounds[lo][0], bounds[hi][1]
    return _piece(text, spans, start, end)


def fitted(
    text: str,
    highlights: Sequence[Span],
    render: Callable[[Excerpt], str],
    room: int,
    limit: int = EXCERPT_CHARS,
) -> str:
    """The rendered excerpt, shortened below EXCERPT_CHARS only when a platform's escaping
    makes it longer than `room` (its own limit): the same excerpt everywhere otherwise."""
    while True:
        rendered = render(excerpt_of(text, highlights, limit))
        if len(rendered) <= room or limit <= 1:
            return rendered[:room]
        limit = min(limit - 1, int(limit * room / len(rendered)))


def _size(bounds: Sequence[Span], lo: int, hi: int, length: int) -> int:
    marks = (CUT_MARK if bounds[lo][0] > 0 else 0) + (CUT_MARK if bounds[hi][1] < length else 0)
    return bounds[hi][1] - bounds[lo][0] + marks


def _piece(text: str, spans: Sequence[Span], start: int, end: int) -> Excerpt:
    inside = tuple(
        (max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start
    )
    lead = len(text) - len(text.lstrip())
    return Excerpt(text[start:end], inside, start > lead, end < len(text.rstrip()))


def _cut_sentence(
    text: str, spans: Sequence[Span], sentence: Span, first: int, limit: int
) -> Excerpt:
    """One sentence alone is too long: a run of whole words keeping the first match in view."""
    start, end = sentence
    room = max(1, limit - 2 * CUT_MARK)
    begin = max(start, min(first, end) - room // 4)
    if begin > start:
        space = text.find(" ", begin, end)
        begin = space + 1 if 0 <= space < first else begin
    stop = min(end, begin + room)
    if stop < end:
        space = text.rfind(" ", begin, stop + 1)
        stop = space if space > begin + room // 2 else stop
    while stop > begin and text[stop - 1] == " ":
        stop -= 1
    return _piece(text, spans, begin, stop)
