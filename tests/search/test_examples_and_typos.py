"""Help examples come from the loaded library, and small typos in `speaker:` are forgiven."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.discord_bot.answers import help_text
from adapters.slack.answers import help_for
from bot import Library, QueryError, UnknownFilterValue

FIXTURES = Path(__file__).resolve().parents[1] / "transcripts" / "fixtures" / "corpus"


@pytest.fixture(scope="module")
def garden(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """A corpus with other speakers than the seed's (Maya Lin, Tom Okafor, …)."""
    library = Library.load(FIXTURES, tmp_path_factory.mktemp("garden") / "index.sqlite3")
    yield library
    library.close()


def example_queries(library: Library) -> list[str]:
    ex = library.examples
    return [ex.word, f'"{ex.phrase}"', ex.speaker_query, ex.section_query, ex.episode_query]


@pytest.mark.parametrize("name", ["seed_library", "garden"])
def test_every_help_example_finds_a_quote(name: str, request: pytest.FixtureRequest) -> None:
    """Every help example finds a quote."""
    library = request.getfixturevalue(name)
    for query in example_queries(library):
        assert library.search(query).hits, query


def test_help_names_the_loaded_corpus_speaker_not_the_seeds(garden: Library) -> None:
    """On another podcast, Slack's and Discord's help show its own speaker and words."""
    slack = str(help_for(garden).blocks)
    discord = help_text(public=False, examples=garden.examples)
    assert garden.examples.speaker_name in {speaker.name for speaker in garden.speakers()}
    for text in (slack, discord):
        assert "stefan" not in text.lower() and "layoffs" not in text
        assert garden.examples.speaker_filter in text
    assert f"only what {garden.examples.speaker_name} said" in slack


def test_a_filter_without_a_value_shows_a_value_from_the_library(garden: Library) -> None:
    """A filter without a value shows a value from the library."""
    with pytest.raises(QueryError) as raised:
        garden.search('speaker:"" bees')
    assert str(raised.value) == (
        f"`speaker:` needs a value, e.g. `{garden.examples.speaker_filter}`."
    )


@pytest.mark.parametrize("typed", ["stefen", "stfan", "stefn", "stfe", "Stefen Mai", "stefan mia"])
def test_a_speaker_typo_finds_the_speaker(seed_library: Library, typed: str) -> None:
    """One edit (two in long names; a swap counts once) still finds the speaker."""
    result = seed_library.search(f"speaker:{typed!r} writing".replace("'", '"'))
    assert result.hits
    assert {hit.speaker for hit in result.hits} == {"Stefan Mai"}


def test_a_swapped_pair_of_letters_is_one_typo(seed_library: Library) -> None:
    """A swapped pair of letters is one typo."""
    hits = seed_library.search("speaker:rayn promotion").hits
    assert hits and {hit.speaker for hit in hits} == {"Ryan Peterman"}


@pytest.mark.parametrize("typed", ["steven", "bob", "xy"])
def test_a_different_name_is_still_refused(seed_library: Library, typed: str) -> None:
    """A different name is still refused."""
    with pytest.raises(UnknownFilterValue):
        seed_library.search(f"speaker:{typed} writing")
