"""Suggestions for a query still being typed (Discord's autocomplete asks the core)."""

from __future__ import annotations

from bot import Library


def test_an_unfinished_last_word_is_completed(seed_library: Library) -> None:
    """`layo` is read as the podcast's most frequent word starting with it, `layoffs`."""
    hits = seed_library.suggest("layo")
    assert [h.key for h in hits] == [h.key for h in seed_library.search("layoffs", 25).hits]


def test_a_finished_word_is_searched_as_typed(seed_library: Library) -> None:
    """A word followed by a space, or one the podcast uses, is not completed."""
    assert seed_library.suggest("manager ")[0].key == seed_library.search("manager").hits[0].key


def test_filters_work_while_typing(seed_library: Library) -> None:
    """`speaker:ryan layo` suggests only what Ryan said."""
    assert {h.speaker for h in seed_library.suggest("speaker:ryan layo")} == {"Ryan Peterman"}


def test_too_little_or_bad_input_suggests_nothing(seed_library: Library) -> None:
    """One letter, an unknown filter value or words never said give no suggestions, no error."""
    assert seed_library.suggest("l") == []
    assert seed_library.suggest("speaker:nobodyatall x") == []
    assert seed_library.suggest("kubernetes") == []


def test_suggestions_are_capped(seed_library: Library) -> None:
    """At most `limit` passages come back."""
    assert len(seed_library.suggest("the", limit=25)) == 25
