"""Searching the seed: relevance, typos, phrases, filters, paging and hostile input."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot import Library, QueryError, UnknownFilterValue

LAYOFF_SECTION = "Are managers harder to layoff?"


def test_layoffs_finds_the_layoff_discussion_first(seed_library: Library) -> None:
    """`layoffs` answers with the "Are managers harder to layoff?" discussion first."""
    result = seed_library.search("layoffs")
    assert result.hits[0].section == LAYOFF_SECTION
    assert "layoffs" in result.hits[0].text


def test_hits_carry_speaker_section_timestamp_and_episode(seed_library: Library) -> None:
    """Every hit names its speaker, section, HH:MM:SS timestamp and episode."""
    hit = seed_library.search("layoffs").hits[0]
    assert hit.speaker == "Stefan Mai"
    assert hit.timestamp == "00:40:49"
    assert hit.episode.podcast == "The Peterman Pod"
    assert hit.episode.date == "2025-08-15"


def test_highlights_span_the_matched_words(seed_library: Library) -> None:
    """Highlight spans point at the words that matched, stemmed forms included."""
    hit = seed_library.search("layoffs").hits[0]
    assert [hit.text[a:b].lower() for a, b in hit.highlights] == ["layoffs"]


@pytest.mark.parametrize(("typo", "word"), [("layofs", "layoffs"), ("kagle", "kaggle")])
def test_typos_are_corrected_and_said(seed_library: Library, typo: str, word: str) -> None:
    """A word the podcast never used is read as its nearest word, and the result says so."""
    result = seed_library.search(typo)
    assert [(c.original, c.replacement) for c in result.corrections] == [(typo, word)]
    assert result.corrected_query == word
    assert result.hits


def test_a_query_that_matches_nothing_returns_nothing(seed_library: Library) -> None:
    """`kubernetes` resembles no word of the podcast: no results, not noise."""
    result = seed_library.search("kubernetes")
    assert result.hits == () and result.total == 0
    assert result.ignored_words == ("kubernetes",)


def test_all_words_must_match_before_any_word_does(seed_library: Library) -> None:
    """Several words are AND-ed; when no passage has them all, any of them will do."""
    both = seed_library.search("kaggle competitions")
    assert both.matched_all_words and all("Kaggle" in h.text for h in both.hits)
    either = seed_library.search("kaggle layoffs")
    assert not either.matched_all_words and either.hits


def test_exact_phrases_match_words_in_order(seed_library: Library) -> None:
    """A quoted phrase only matches those words side by side."""
    result = seed_library.search('"stack ranking"')
    assert result.total == 1
    assert "stack ranking" in result.hits[0].text


def test_phrase_matches_rank_above_scattered_words(seed_library: Library) -> None:
    """Words standing together as typed outrank the same words scattered."""
    hit = seed_library.search("write better").hits[0]
    assert hit.section == "How to write better"


@pytest.mark.parametrize("value", ["stef", "Stefan", "stefan mai", "STÉFAN", "Stefna"])
def test_speaker_filter_accepts_prefixes_accents_and_typos(
    seed_library: Library, value: str
) -> None:
    """`speaker:` matches by prefix, full or first name, ignoring case, accents and typos."""
    result = seed_library.search(f"speaker:{value} writing")
    assert result.hits and {h.speaker for h in result.hits} == {"Stefan Mai"}


def test_section_filter_and_its_in_alias(seed_library: Library) -> None:
    """`section:` and `in:` keep hits to matching sections."""
    for query in ("section:pip people", "in:pip people", 'in:"get out of a PIP" people'):
        sections = {h.section for h in seed_library.search(query).hits}
        assert sections == {"Can you get out of a PIP?"}, query


def test_episode_filter_matches_title_words(seed_library: Library) -> None:
    """`episode:` matches an episode by a word of its title or its id."""
    assert seed_library.search("episode:intern layoffs").hits
    assert seed_library.search("layoffs", episode="peterman").hits


def test_filters_alone_list_passages_in_order(seed_library: Library) -> None:
    """A query of filters only lists that section's passages in reading order."""
    result = seed_library.search("section:storytelling", limit=50)
    assert result.total == len(result.hits) > 3
    seconds = [h.seconds for h in result.hits]
    assert seconds == sorted(seconds)


@pytest.mark.parametrize("field", ["speaker", "section", "episode"])
def test_unknown_filter_values_list_the_valid_ones(seed_library: Library, field: str) -> None:
    """An unknown filter value is an error that names the known values."""
    with pytest.raises(UnknownFilterValue) as caught:
        seed_library.search(f"{field}:zzzzqqq layoffs")
    assert caught.value.field == field
    assert caught.value.valid
    assert caught.value.valid[0] in str(caught.value)


def test_pages_follow_each_other_without_overlap(seed_library: Library) -> None:
    """offset pages through the same ranking: page two starts where page one ended."""
    everything = seed_library.search("manager", limit=10)
    first = seed_library.search("manager", limit=5)
    second = seed_library.search("manager", limit=5, offset=5)
    assert [h.key for h in first.hits + second.hits] == [h.key for h in everything.hits]
    assert second.offset == 5 and first.total == everything.total > 10


def test_the_same_query_always_ranks_the_same(seed_library: Library) -> None:
    """Ties are broken by position, so rankings are repeatable."""
    runs = {tuple(h.key for h in seed_library.search("people", limit=20).hits) for _ in range(3)}
    assert len(runs) == 1


@pytest.mark.parametrize(
    "query",
    [
        '"unterminated',
        "don't",
        "c++",
        "U.S.A",
        "100%",
        "what?",
        "a,b",
        "@everyone",
        "<!channel>",
        "AND",
        "OR NOT",
        "NEAR(",
        "-word",
        "e-mail",
        "name:x",
        "*word",
        "(" * 1000 + "x" + ")" * 1000,
        "manager " * 2000,
        "x" * 10_000,
        "layoffs 🔥🚀",
        '"" ""',
    ],
)
def test_hostile_queries_are_ordinary_text(seed_library: Library, query: str) -> None:
    """FTS5 syntax, giant and odd queries never raise anything but a friendly QueryError."""
    try:
        result = seed_library.search(query)
    except QueryError as exc:
        assert "search for" in str(exc)
        return
    assert result.total >= len(result.hits)


@pytest.mark.parametrize("query", ["", "   ", "!!!", "🙂🙂", "«»"])
def test_queries_without_words_ask_for_words(seed_library: Library, query: str) -> None:
    """Empty, punctuation-only or emoji-only queries get a friendly hint."""
    with pytest.raises(QueryError, match="Type some words"):
        seed_library.search(query)


def test_context_widens_a_hit_with_its_neighbours(seed_library: Library) -> None:
    """More context gives the passages just before and after, across turns."""
    hit = seed_library.search("layoffs").hits[0]
    context = seed_library.context(hit, before=2, after=1)
    assert [p.ordinal for p in context.passages] == [
        hit.passage.ordinal - 2,
        hit.passage.ordinal - 1,
        hit.passage.ordinal,
        hit.passage.ordinal + 1,
    ]
    question = seed_library.search('"harder to lay off than ICs"').hits[0]
    answer = seed_library.context(question, before=0, after=1).after[0]
    assert (question.speaker, answer.speaker) == ("Ryan Peterman", "Stefan Mai")


def test_passages_are_found_again_by_their_key(seed_library: Library) -> None:
    """A hit's key (what chat buttons carry) gives back the same passage."""
    hit = seed_library.search("kaggle").hits[0]
    assert seed_library.passage(hit.key) == hit.passage
    with pytest.raises(QueryError, match="no longer"):
        seed_library.passage("nope:1")


def test_random_quotes_are_long_enough_to_stand_alone(seed_library: Library) -> None:
    """A random quote is a real passage of a dozen words or more."""
    hit = seed_library.random(random.Random(7))
    assert len(hit.text.split()) >= 12
    assert seed_library.passage(hit.key).text == hit.text


def test_sections_speakers_and_episodes_are_listed(seed_library: Library) -> None:
    """The library lists its 21 sections in order, its two speakers and its episode."""
    sections = [s.title for s in seed_library.sections()]
    assert sections[0] == "Early career at Amazon" and sections[-1] == "Advice for younger self"
    assert len(sections) == 21
    assert [s.name for s in seed_library.speakers()] == ["Ryan Peterman", "Stefan Mai"]
    assert len(seed_library.episodes()) == 1


@pytest.mark.parametrize("query", ["speaker:", "layoffs section:", 'in:""'])
def test_a_filter_without_a_value_asks_for_one(seed_library: Library, query: str) -> None:
    """`speaker:` with nothing after it is a friendly error, not a search for "speaker"."""
    with pytest.raises(QueryError, match="needs a value"):
        seed_library.search(query)


def test_a_broad_filter_keeps_only_that_speaker_best_first(seed_library: Library) -> None:
    """A filter most passages pass (the guest) still gives only that speaker's passages, the
    first page best first."""
    hits = seed_library.search("speaker:stefan manager", limit=50).hits
    assert len(hits) == 50
    assert {h.speaker for h in hits} == {"Stefan Mai"}
    first_page = [h.score for h in hits[:5]]
    assert first_page == sorted(first_page, reverse=True)


def test_broad_filters_rank_the_same_applied_before_or_after(
    seed_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ranking a wider pool then dropping what fails a broad filter gives the hits, order and
    total that filtering inside the match gives."""
    import bot.search.engine

    def answer() -> tuple[list[str], int]:
        result = seed_library.search("speaker:stefan manager", limit=50)
        return [h.key for h in result.hits], result.total

    monkeypatch.setattr(seed_library.engine, "_cache", bot.search.engine.LruCache(0))
    after = answer()
    monkeypatch.setattr(bot.search.engine, "BROAD_FILTER_SHARE", 2.0)
    assert answer() == after and len(after[0]) == 50


def test_counts_stop_at_a_cap_and_say_so(
    seed_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When matches are counted only up to a cap, the total reads `N+`."""
    import bot.search.engine

    monkeypatch.setattr(seed_library.engine, "_cache", bot.search.engine.LruCache(0))
    monkeypatch.setattr(bot.search.engine, "COUNT_CAP", 10)
    result = seed_library.search("manager")
    assert (result.total, result.total_capped, result.total_label) == (10, True, "10+")
    small = seed_library.search('"stack ranking"')
    assert (small.total_capped, small.total_label) == (False, "1")


ECHO_CORPUS = Path(__file__).parent / "fixtures" / "echo"


@pytest.mark.parametrize(
    "query", ["managers hire people who will replace them", '"hire people who will replace them"']
)
def test_a_line_said_twice_is_quoted_from_whoever_said_it_first(tmp_path: Path, query: str) -> None:
    """The host quoting the guest back a moment later does not outrank the guest's own words,
    though the host's shorter passage scores higher on the words alone."""
    library = Library.load(ECHO_CORPUS, tmp_path / "i.sqlite3")
    try:
        hits = library.search(query).hits
        assert [h.speaker for h in hits[:2]] == ["Omar Haddad", "Dana Reyes"]
    finally:
        library.close()
