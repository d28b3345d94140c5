"""Reading a chat user's query: words, "exact phrases" and speaker:/section:/in:/episode: filters.

Everything else a user might type (search-engine operators, `*`, `-`, parentheses, stray
quotes, emoji) is ordinary text here: only words survive into the search.
"""

from __future__ import annotations

import re

from ..errors import MissingFilterValue
from ..models import ParsedQuery
from ..text import WORD

MAX_QUERY_CHARS = 1000
MAX_TERMS = 24
FILTER_NAMES = {"speaker": "speaker", "section": "section", "in": "section", "episode": "episode"}
_TOKEN = re.compile(
    r'(?P<filter>(?<![\w:])(?:speaker|section|in|episode):(?:"(?P<fq>[^"]*)"?|(?P<fv>\S*)))'
    r'|"(?P<phrase>[^"]*)"'
    r"|(?P<other>[^\s\"]+|\")",
    re.IGNORECASE,
)


def parse_query(
    text: str,
    speaker: str | None = None,
    section: str | None = None,
    episode: str | None = None,
) -> ParsedQuery:
    """Split a query; filters given as arguments win over the same filter typed inline."""
    text = " ".join((text or "").split())[:MAX_QUERY_CHARS]
    filters: dict[str, str] = {}
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    for match in _TOKEN.finditer(text):
        if match.group("filter"):
            name = FILTER_NAMES[match.group("filter").split(":", 1)[0].lower()]
            value = (
                match.group("fq") if match.group("fq") is not None else match.group("fv")
            ) or ""
            value = value.strip()
            if not value:
                raise MissingFilterValue(name)
            filters[name] = value
        elif match.group("phrase") is not None:
            phrase = tuple(WORD.findall(match.group("phrase")))
            if len(phrase) == 1:
                words.append(phrase[0])
            elif phrase:
                phrases.append(phrase)
        elif match.group("other"):
            words.extend(WORD.findall(match.group("other")))
    for name, value in (("speaker", speaker), ("section", section), ("episode", episode)):
        if value and value.strip():
            filters[name] = value.strip()
    words = _dedupe(words)[:MAX_TERMS]
    phrases = phrases[: max(0, MAX_TERMS - len(words))]
    return ParsedQuery(
        text=text,
        words=tuple(words),
        phrases=tuple(phrases),
        speaker=filters.get("speaker"),
        section=filters.get("section"),
        episode=filters.get("episode"),
    )


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for item in items:
        if item.casefold() not in seen:
            seen.add(item.casefold())
            kept.append(item)
    return kept
