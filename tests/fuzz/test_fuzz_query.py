"""Property tests for the query language: whatever a chat user types, the parser and the real
search engine over the seed either answer or raise the project's QueryError, never another
exception (an FTS5 syntax error, an SQLite error, an IndexError)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot import Library, QueryError
from bot.search.query_parser import parse_query

PIECES = st.sampled_from(
    [
        "speaker:",
        "section:",
        "in:",
        "episode:",
        'speaker:"',
        '"',
        '""',
        "*",
        "-",
        "^",
        "+",
        "(",
        ")",
        "NEAR",
        "AND",
        "OR",
        "NOT",
        ":",
        "{",
        "}",
        "layoffs",
        "stefan",
        "stack ranking",
        "promo",
        "\x00",
        "\u200b",
        "é",
        "🎙",
        "'",
        "NEAR(a b)",
        "col:",
        "text:x",
        "\\",
    ]
)
QUERIES = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=12).map(" ".join),
    st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=12).map("".join),
)


@given(QUERIES)
def test_the_parser_raises_only_query_errors(text: str) -> None:
    """The parser raises only query errors."""
    try:
        parsed = parse_query(text)
    except QueryError:
        return
    assert len(parsed.words) + len(parsed.phrases) <= 24


@given(QUERIES, st.integers(-5, 60), st.integers(-5, 2000))
def test_search_answers_or_explains(
    seed_library: Library, text: str, limit: int, offset: int
) -> None:
    """Search answers or explains."""
    try:
        result = seed_library.search(text, limit=limit, offset=offset)
    except QueryError:
        return
    assert len(result.hits) <= max(1, min(limit, 50))
