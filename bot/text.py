"""Text helpers shared by parsing, passage building and search."""

from __future__ import annotations

import re
import unicodedata

ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st vs etc e.g i.e inc ltd co corp no approx dept est fig jan feb "
    "mar apr jun jul aug sep sept oct nov dec u.s u.k a.m p.m".split()
)
WORD = re.compile(r"\w+(?:['’]\w+)*")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+")


def fold(text: str) -> str:
    """Lower-case and strip accents, so that `Zoë` and `zoe` compare equal."""
    if text.isascii():
        # Most transcript text: nothing to decompose, and indexing folds every passage.
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    # Only non-ASCII characters can be combining marks: test those alone (curly quotes and
    # dashes make most transcript text non-ASCII, and a per-character loop is slow).
    return _NON_ASCII.sub(_drop_combining, decomposed).casefold()


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _drop_combining(match: re.Match[str]) -> str:
    return "" if unicodedata.combining(match.group()) else match.group()


def words(text: str) -> list[str]:
    """The words of a text as written (apostrophes inside words kept)."""
    return WORD.findall(text)


def split_sentences(text: str) -> list[str]:
    """Split at sentence ends, leaving abbreviations (`Dr.`, `e.g.`) and decimals alone."""
    return [text[start:end] for start, end in sentence_spans(text)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The `[start, end)` character spans of the sentences of `text`, surrounding spaces left
    out. The one sentence splitter: passages are cut and excerpts are chosen with it."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        following = text[end : end + 1]
        if following and not (following.isupper() or following.isdigit() or following in "\"'“‘(["):
            continue
        before = text[start : match.start() + 1]
        last_word = before.rsplit(None, 1)[-1] if before.split() else ""
        if last_word.rstrip(".").lower() in ABBREVIATIONS or re.fullmatch(r"[A-Z]\.", last_word):
            continue
        _add_stripped(text, start, end, spans)
        start = end
    _add_stripped(text, start, len(text), spans)
    return spans


def _add_stripped(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece) - len(piece.rstrip())
    if start + lead < end - trail:
        spans.append((start + lead, end - trail))


def shorten(text: str, limit: int, ellipsis: str = "…") -> str:
    """`text` cut to at most `limit` characters at a word, ending in `ellipsis` when cut."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - len(ellipsis))]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + ellipsis
