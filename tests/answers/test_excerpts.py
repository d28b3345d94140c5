"""The core's excerpt: whole sentences around the first match, abbreviation-aware."""

from __future__ import annotations

from bot import Attribution, excerpt_of, sentence_spans


def spans_of(text: str, *words: str) -> tuple[tuple[int, int], ...]:
    return tuple((text.index(w), text.index(w) + len(w)) for w in words)


def test_sentences_do_not_end_after_an_abbreviation() -> None:
    """ "Dr." and "e.g." do not end a sentence; a full stop before a capital does."""
    text = "I met Dr. Smith. She said e.g. layoffs. Then we left."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "I met Dr. Smith.",
        "She said e.g. layoffs.",
        "Then we left.",
    ]


def test_a_short_passage_is_shown_whole_with_its_highlights() -> None:
    """A passage within the limit is the excerpt, highlights unchanged and nothing cut."""
    text = "Layoffs came in spring."
    shown = excerpt_of(text, spans_of(text, "Layoffs"))
    assert (shown.text, shown.highlighted_words()) == (text, ["Layoffs"])
    assert not shown.cut_before and not shown.cut_after


def test_a_long_passage_keeps_the_sentence_with_the_match_and_its_neighbours() -> None:
    """The excerpt is whole sentences around the first match, widened while it fits."""
    sentences = [f"Sentence {n} says nothing much at all." for n in range(40)]
    sentences[20] = "Then Dr. Alvarez said layoffs were coming."
    text = " ".join(sentences)
    shown = excerpt_of(text, spans_of(text, "layoffs"), limit=200)
    assert "Then Dr. Alvarez said layoffs were coming." in shown.text
    assert shown.highlighted_words() == ["layoffs"]
    assert shown.cut_before and shown.cut_after
    assert len(shown.text) + 4 <= 200
    assert shown.text.startswith("Sentence ") and shown.text.endswith("at all.")


def test_one_huge_sentence_is_cut_at_words_keeping_the_match_in_view() -> None:
    """A single sentence longer than the limit is cut at words around the match."""
    text = "word " * 300 + "layoffs " + "word " * 300
    shown = excerpt_of(text.strip(), spans_of(text, "layoffs"), limit=100)
    assert shown.highlighted_words() == ["layoffs"]
    assert shown.cut_before and shown.cut_after
    assert len(shown.text) <= 96 and not shown.text.startswith(" ")


def test_the_attribution_line_leaves_out_what_is_unknown() -> None:
    """Parts that are empty are left out of the attribution line."""
    line = Attribution("Gil Guest", "", "00:01:05", "The Test Pod — Doctors")
    assert line.text() == "Gil Guest · 00:01:05 · The Test Pod — Doctors"
