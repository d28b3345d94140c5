"""Lines of a markdown transcript that look like a turn header but do not read as one.

`Sam (00:01:00): …`, `[00:01:00] Sam: …` or `**Sam** 00:01:00` are turn headers in other
transcript styles. The markdown reader does not open a turn for them, so their words would be
served as part of the previous speaker's turn; here they are found so that `check` (and the
index log) can say so by line. The patterns want a name-like start (capitalised words, not a
sentence that ends in "at" or "by") next to a clock time, or a known speaker's name followed by
a colon, so that ordinary speech ("we met at 10:30", "Note: …") raises nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..text import fold

TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
# One to four words, the first a letter; a clock time is never part of a name.
NAME = r"[^\W\d_][\w.'’\-]*(?:[ \t]+(?!\d{1,2}:\d)[^\W_][\w.'’\-]*){0,3}"
NAME_THEN_TIME = (
    # Sam (00:01:00): …   Sam [00:01:00] …   Sam {01:00} …
    re.compile(rf"^(?P<name>{NAME})\s*[(\[{{<]\s*{TIME}\s*[)\]}}>]"),
    # Sam 00:01:00 (alone on its line)   Sam - 00:01:00 - …   Sam, 00:01:00: …   Sam | 00:01:00
    re.compile(rf"^(?P<name>{NAME})\s*[,\-–—|@]?\s*{TIME}\s*(?:$|[-–—|]\s|:\s*$)"),
    re.compile(rf"^(?P<name>{NAME})\s*[,\-–—|@]\s*{TIME}\s*:"),
)
# [00:01:00] Sam: …   00:01:00 - Sam: …   (01:00) Sam Smith: …
TIME_THEN_NAME = re.compile(rf"^[(\[]?{TIME}[)\]]?\s*[-–—|:]?\s*(?P<name>{NAME})\s*:")
# sam 00:01:00: …   (a name in lower case; a full HH:MM:SS time, so "at 10:30:" is prose)
LOWER_NAME_FULL_TIME = re.compile(
    r"^(?P<name>[a-z][\w.'’\-]*(?:[ \t][a-z][\w.'’\-]*)?)\s+\[?\d{1,2}:\d{2}:\d{2}\]?\s*:"
)
# Sam: 00:01:00 …   (only for names that speak in this file: "Note: 10:30 …" is prose)
NAME_COLON_TIME = re.compile(rf"^(?P<name>{NAME})\s*:\s*[(\[]?{TIME}[)\]]?(?:\s|$)")
# Stefan: … (a speaker of this file named inside someone else's turn)
NAME_COLON = re.compile(rf"^(?P<name>{NAME})\s*:\s*\S")
# Words that end a phrase leading up to a time ("we met at 10:30", "Monday 10:30",
# "Chapter 3 (10:30)"), not a name.
NOT_NAME_ENDINGS = frozenset(
    "about after around at before between by from in on since till to until "
    "monday tuesday wednesday thursday friday saturday sunday today tomorrow tonight "
    "chapter version part section episode segment intro outro time timestamp starts ends".split()
)
EMPHASIS = re.compile(r"[*_]{1,3}")
LEADING_MARKS = re.compile(r"^(?:[-*+>]\s+)+")


def looks_like_turn_header(line: str, speakers: Iterable[str]) -> str | None:
    """The name a line seems to open a turn for, or None when it reads as ordinary text.

    `speakers` are the names (full and first) that speak in this transcript."""
    text = EMPHASIS.sub("", LEADING_MARKS.sub("", line.strip())).strip()
    for pattern in (*NAME_THEN_TIME, TIME_THEN_NAME):
        match = pattern.match(text)
        if match and _name_like(match.group("name")):
            return " ".join(match.group("name").split())
    match = LOWER_NAME_FULL_TIME.match(text)
    if match and not set(match.group("name").split()) & NOT_NAME_ENDINGS:
        return match.group("name")
    known = {fold(name) for name in speakers}
    for pattern in (NAME_COLON_TIME, NAME_COLON):
        match = pattern.match(text)
        if match and fold(" ".join(match.group("name").split())) in known:
            return " ".join(match.group("name").split())
    return None


def _name_like(name: str) -> bool:
    words = name.split()
    first = words[0]
    return (
        len(name) <= 40
        and (first[0].isupper() or not first[0].isascii())
        and not {word.lower().strip(".") for word in words} & NOT_NAME_ENDINGS
    )
