"""The subtitle-format parsers: speakers, cue merging, markup, chapters and sidecars."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.models import UNKNOWN_SPEAKER, Segment, Transcript, Turn
from bot.search.passages import build_passages
from bot.transcripts.formats import format_of, parse_transcript

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus"


def turns_of(name: str) -> list[tuple[str, int, str, str]]:
    transcript = parse_transcript(CORPUS / name, Path(name).stem)
    return [
        (turn.speaker, turn.seconds, turn.section, " ".join(s.text for s in turn.segments))
        for turn in transcript.turns
    ]


def copy(tmp_path: Path, *names: str) -> Path:
    for name in names:
        shutil.copy(CORPUS / name, tmp_path / name)
    return tmp_path


# -- WebVTT -----------------------------------------------------------------------------------


def test_vtt_voices_merge_into_turns_and_chapters_split_them() -> None:
    """Consecutive cues of one voice are one turn, split where a chapter starts."""
    assert [turn[:3] for turn in turns_of("bees.vtt")] == [
        ("Maya Lin", 1, "Welcome"),
        ("Tom Okafor", 7, "Welcome"),
        # Tom's turn goes on, but the chapter “Swarm season” starts at 60.2 s: split there.
        ("Tom Okafor", 60, "Swarm season"),
        (UNKNOWN_SPEAKER, 63, "Swarm season"),
        ("Maya Lin", 66, "Swarm season"),
        ("Tom Okafor", 66, "Swarm season"),
    ]


def test_vtt_markup_stripped_multiline_cues_joined() -> None:
    """VTT markup and entities are stripped and multi-line cues joined into plain text."""
    texts = [text for *_, text in turns_of("bees.vtt")]
    assert texts[0] == (
        "Welcome back to the Garden Hour. Today we talk about bees with a guest who "
        "keeps hives on a city roof."
    )
    assert "Honestly it started by accident & grew" in texts[1]
    assert "planting pollinator corridors along every street" in texts[1]
    assert texts[2] == "Swarming season is the busiest time of the beekeeping year."
    assert not any("<" in text or "&amp;" in text for text in texts)


def test_vtt_cues_are_segments_that_continue_sentences() -> None:
    """Each VTT cue is a segment with its time and line, continuing the sentence before it."""
    transcript = parse_transcript(CORPUS / "bees.vtt", "bees")
    maya = transcript.turns[0]
    assert [s.seconds for s in maya.segments] == [1, 4]
    assert [s.line for s in maya.segments] == [9, 14]
    assert not any(s.starts_paragraph for s in maya.segments)
    # The sentence running from cue 1 into cue 2 is one passage sentence.
    first = build_passages(transcript)[0]
    assert "a guest who keeps hives on a city roof." in first.text


def test_vtt_metadata_from_sidecar_and_sections_from_chapters() -> None:
    """A VTT transcript takes its metadata from the sidecar and its sections from the chapters."""
    episode = parse_transcript(CORPUS / "bees.vtt", "bees").episode
    assert episode.title == "Bees on the Roof"
    assert episode.podcast == "Garden Hour"
    assert episode.date == "2025-03-01"
    assert episode.url == "https://example.com/bees"
    # The `"toc": false` sponsor chapter is not a section.
    assert episode.sections == ("Welcome", "Swarm season")
    assert episode.speakers == ("Maya Lin", "Tom Okafor", UNKNOWN_SPEAKER)


def test_missing_sidecar_and_chapters_default_to_file_name(tmp_path: Path) -> None:
    """Without sidecar or chapters the title is the file name and there are no sections."""
    path = tmp_path / "Episode 12 - Bees.vtt"
    shutil.copy(CORPUS / "bees.vtt", path)
    transcript = parse_transcript(path, "episode-12-bees")
    assert transcript.episode.title == "Episode 12 - Bees"
    assert transcript.episode.podcast == ""
    assert transcript.episode.sections == ()
    # Without the sidecar there are no full names to map first names to.
    assert transcript.turns[0].speaker == "Maya"
    assert {turn.section for turn in transcript.turns} == {""}


# -- SRT --------------------------------------------------------------------------------------


def test_srt_names_start_turns_and_carry_over() -> None:
    """An SRT `NAME:` starts a turn and the speaker carries over to later cues."""
    assert turns_of("compost.srt") == [
        (UNKNOWN_SPEAKER, 2, "", "[upbeat music]"),
        ("Priya Raman", 5, "", "Welcome to Dirt Talk. Today we're talking about heat."),
        (
            "Jonas Berg",
            9,
            "",
            "Thanks for having me. The one tool I'd buy first is a compost thermometer, "
            "because guessing the temperature of a pile never works.",
        ),
        ("Priya Raman", 16, "", "And how hot should it get?"),
        # `>>` without a name: someone else speaks, we do not know who.
        (UNKNOWN_SPEAKER, 18, "", "Around sixty degrees in the middle, says the caller."),
        # “Note:” and “So:” open sentences; they are not speakers.
        ("Jonas Berg", 21, "", "Note: turn it weekly. So: keep it as moist as a wrung-out sponge."),
    ]


@pytest.mark.parametrize(
    ("line", "speaker"),
    [
        ("ALICE: hi", "ALICE"),
        (">> Dr. Alice Smith: hi", "Dr. Alice Smith"),
        ("Speaker 2: hi", "Speaker 2"),
        ("Ludwig van Beethoven: hi", "Ludwig van Beethoven"),
        ("This is it: hi", None),
        ("Well: hi", None),
        ("10:30: hi", None),
        ("See https://example.com", None),
    ],
)
def test_srt_speaker_names(line: str, speaker: str | None) -> None:
    """Which SRT line openings are speaker names and which are ordinary text."""
    from bot.transcripts.srt import speaker_mark

    assert speaker_mark(line)[0] == speaker


# -- Podcasting 2.0 JSON ------------------------------------------------------------------------


def test_json_segments_merge_into_turns_split_at_chapters() -> None:
    """JSON segments of one speaker merge into turns, split at chapter starts."""
    assert [turn[:3] for turn in turns_of("soil.json")] == [
        ("Ana", 0, "Intro"),
        ("Ben", 4, "Intro"),
        ("Ben", 22, "Fungi"),
        (UNKNOWN_SPEAKER, 28, "Fungi"),
        ("Ana", 30, "Fungi"),
    ]
    assert turns_of("soil.json")[1][3] == (
        "And I'm Ben. Today it's all about what lives underground, which is most of the garden. "
        "Let's start with the roots themselves."
    )


def test_json_word_per_segment_joined_into_sentences() -> None:
    """Word-per-segment JSON is joined into sentences, each segment keeping its time and line."""
    transcript = parse_transcript(CORPUS / "worms.json", "worms")
    assert [(t.speaker, t.seconds) for t in transcript.turns] == [
        ("Priya Raman", 0),
        ("Sam Ortiz", 2),
        ("Priya Raman", 9),
    ]
    sam = transcript.turns[1]
    # One segment per sentence, each starting at its first word.
    assert [(s.text, s.seconds) for s in sam.segments] == [
        ("Earthworm castings feed the soil, and they don't smell.", 2),
        ('My gran called them "black gold" (really) and it\'s true.', 6),
    ]
    assert transcript.turns[0].segments[0].text == "Why do worms matter?"
    # Segments sit one per line in the file: cue lines point at the first word's line.
    assert sam.segments[1].line == 20


def test_json_join_words() -> None:
    """Joined words get proper spacing around punctuation and quotes."""
    from bot.transcripts.podcast_json import join_words

    text = ""
    for word in ["She", "said", '"', "no", '"', ",", "it", "'s", "(", "odd", ")", "."]:
        text = join_words(text, word)
    assert text == 'She said "no", it\'s (odd).'


# -- shared rules -------------------------------------------------------------------------------


def test_excerpt_timestamp_is_the_start_of_the_cue_its_first_sentence_begins_in() -> None:
    """A passage's timestamp is the start of the cue its first sentence begins in."""
    long_sentence = "word " * 40
    turn = Turn(
        "Ann",
        10,
        "",
        (
            Segment("First short sentence is here and it runs on", 10, 1, False),
            Segment(f"into cue two. {long_sentence.strip()}.", 14, 2, False),
            Segment("Then cue three starts a sentence of its own, long enough.", 21, 3, False),
        ),
    )
    transcript = Transcript(parse_transcript(CORPUS / "bees.vtt", "bees").episode, (turn,))
    drafts = build_passages(transcript)
    assert [(d.seconds, d.text.split()[0]) for d in drafts] == [
        (10, "First"),  # begins in cue one, runs into cue two
        (21, "Then"),  # begins in cue three
    ]


def test_companion_files_are_not_transcripts() -> None:
    """Sidecars and chapters files have no transcript format; VTT, SRT and JSON do."""
    assert format_of(CORPUS / "bees.chapters.json") is None
    assert format_of(CORPUS / "bees.yaml") is None
    assert format_of(CORPUS / "bees.vtt") == "webvtt"
    assert format_of(CORPUS / "compost.srt") == "srt"
    assert format_of(CORPUS / "soil.json") == "podcasting2-json"


def test_markdown_without_headings_takes_chapters(tmp_path: Path) -> None:
    """A markdown transcript without headings takes its sections from a chapters file."""
    (tmp_path / "talk.md").write_text(
        "---\nepisode_title: Talk\n---\nAnn 00:00:05:\n\nHello there.\n\n"
        "Bob 00:01:00:\n\nHi Ann.\n",
        encoding="utf-8",
    )
    (tmp_path / "talk.chapters.json").write_text(
        '{"chapters": [{"startTime": 0, "title": "Hello"}, {"startTime": 59.6, "title": "Bob"}]}',
        encoding="utf-8",
    )
    transcript = parse_transcript(tmp_path / "talk.md", "talk")
    assert transcript.episode.sections == ("Hello", "Bob")
    assert [turn.section for turn in transcript.turns] == ["Hello", "Bob"]
