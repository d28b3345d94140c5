"""Passages: whole sentences, one to a few at a time, each keeping where it came from."""

from __future__ import annotations

from pathlib import Path

from bot.search.passages import MAX_WORDS, build_passages
from bot.text import split_sentences
from bot.transcripts.markdown import parse_markdown_transcript

SEED = next((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


def test_no_passage_is_cut_mid_sentence() -> None:
    """Every passage of the seed ends where a sentence (or its paragraph) ends."""
    transcript = parse_markdown_transcript(SEED, "seed")
    paragraphs = {s.text for t in transcript.turns for s in t.segments}
    for draft in build_passages(transcript):
        assert draft.text.rstrip("”\"')").endswith((".", "?", "!", "…")) or any(
            p.endswith(draft.text) for p in paragraphs
        ), draft.text


def test_passages_stay_quotable_in_length() -> None:
    """Passages hold a few sentences: only a single long sentence may exceed the cap."""
    transcript = parse_markdown_transcript(SEED, "seed")
    for draft in build_passages(transcript):
        if len(draft.text.split()) > MAX_WORDS:
            assert len(split_sentences(draft.text)) == 1 or len(draft.text.split()) < 2 * MAX_WORDS


def test_passages_keep_speaker_section_and_turn_timestamp() -> None:
    """The first passage is the host's opening question, at 00:00:59."""
    drafts = build_passages(parse_markdown_transcript(SEED, "seed"))
    assert (drafts[0].speaker, drafts[0].section, drafts[0].seconds) == (
        "Ryan Peterman",
        "Early career at Amazon",
        59,
    )
    assert [d.ordinal for d in drafts] == list(range(len(drafts)))


def test_a_very_long_sentence_stands_alone(tmp_path: Path) -> None:
    """A sentence longer than the cap is one passage of its own, not cut."""
    long_sentence = " ".join(["word"] * 120) + "."
    path = tmp_path / "long.txt"
    path.write_text(f"---\n---\nAnn 00:00:01:\nShort one here. {long_sentence} End.\n")
    texts = [d.text for d in build_passages(parse_markdown_transcript(path, "long"))]
    assert any(
        text.startswith("word word") and text.endswith("word.") or long_sentence in text
        for text in texts
    )
    assert all("word" not in t or t.count("word") in (0, 120) for t in texts)


def test_abbreviations_and_decimals_do_not_end_sentences() -> None:
    """`Dr.`, `e.g.` and `3.5` stay inside their sentence."""
    text = "Dr. Smith said e.g. this works. It costs 3.5 dollars. Next!"
    assert split_sentences(text) == [
        "Dr. Smith said e.g. this works.",
        "It costs 3.5 dollars.",
        "Next!",
    ]
