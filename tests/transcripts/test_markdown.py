"""The seed transcript format: what is parsed, what is tolerated, what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import TranscriptError
from bot.transcripts.markdown import parse_markdown_transcript

SEED = next((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))

FRONT = "---\npodcast_name: Test Pod\nepisode_title: Test Episode\n---\n"


def parse(tmp_path: Path, text: str, name: str = "episode.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_markdown_transcript(path, "episode")


def test_seed_has_its_21_sections_and_84_turns() -> None:
    """The bundled seed parses into 21 sections and 84 turns."""
    transcript = parse_markdown_transcript(SEED, "seed")
    assert len(transcript.episode.sections) == 21
    assert len(transcript.turns) == 84


def test_seed_turns_carry_full_speaker_names_sections_and_timestamps() -> None:
    """Turns name speakers by the front matter's full names, with section and start time."""
    turns = parse_markdown_transcript(SEED, "seed").turns
    first, second, last = turns[0], turns[1], turns[-1]
    assert (first.speaker, first.seconds, first.section) == (
        "Ryan Peterman",
        59,
        "Early career at Amazon",
    )
    assert (second.speaker, second.seconds) == ("Stefan Mai", 93)
    assert last.section == "Advice for younger self"
    assert {t.speaker for t in turns} == {"Ryan Peterman", "Stefan Mai"}


def test_seed_front_matter_is_kept_whole_including_unknown_keys() -> None:
    """Every front-matter key survives, known or not; the date is normalised to ISO."""
    episode = parse_markdown_transcript(SEED, "seed").episode
    assert episode.podcast == "The Peterman Pod"
    assert episode.date == "2025-08-15"
    assert episode.metadata["yoe-starting"] == 2002
    assert "Are managers harder to layoff?" in episode.metadata["guest_background"]


def test_paragraphs_split_by_blank_lines_become_segments(tmp_path: Path) -> None:
    """Text below a turn header is split into paragraphs at blank lines."""
    transcript = parse(tmp_path, FRONT + "### A\nAnn 00:00:01:\n\nOne.\nStill one.\n\nTwo.\n")
    assert [s.text for s in transcript.turns[0].segments] == ["One. Still one.", "Two."]


def test_text_on_the_header_line_starts_the_turn(tmp_path: Path) -> None:
    """`Speaker 00:00:01: text` keeps the text that follows the colon."""
    transcript = parse(tmp_path, FRONT + "Ann 00:00:01: Hello there.\nBob 00:00:05: Hi.\n")
    assert [(t.speaker, t.text) for t in transcript.turns] == [
        ("Ann", "Hello there."),
        ("Bob", "Hi."),
    ]


def test_crlf_line_endings_and_a_bom_are_tolerated(tmp_path: Path) -> None:
    """A Windows-saved file with a byte-order mark parses like any other."""
    text = "\ufeff" + (FRONT + "### A\r\nAnn 00:00:01:\r\n\r\nHello.\r\n").replace("\n", "\r\n")
    path = tmp_path / "windows.txt"
    path.write_bytes(text.encode("utf-8"))
    transcript = parse_markdown_transcript(path, "w")
    assert transcript.turns[0].text == "Hello."
    assert transcript.episode.title == "Test Episode"


def test_turns_before_the_first_heading_have_an_empty_section(tmp_path: Path) -> None:
    """Text before any `###` heading belongs to no section."""
    transcript = parse(
        tmp_path, FRONT + "Transcript\nAnn 00:00:01:\nIntro.\n### Later\nBob 00:01:00:\nMore.\n"
    )
    assert [t.section for t in transcript.turns] == ["", "Later"]


def test_a_heading_with_no_turns_is_still_a_section(tmp_path: Path) -> None:
    """An empty section is listed, and the turns after it belong to the next heading."""
    transcript = parse(tmp_path, FRONT + "### Empty\n### Full\nAnn 00:00:01:\nText.\n")
    assert transcript.episode.sections == ("Empty", "Full")
    assert transcript.turns[0].section == "Full"


@pytest.mark.parametrize(
    "speaker",
    ["Mary Ann Smith", "Dr. Who", "Conan O'Brien", "Zoë Ångström", "Jean-Luc"],
)
def test_speaker_names_with_spaces_dots_apostrophes_and_accents(
    tmp_path: Path, speaker: str
) -> None:
    """Speaker names may hold spaces, dots, apostrophes, hyphens and accents."""
    transcript = parse(tmp_path, FRONT + f"{speaker} 00:00:01:\nHello.\n")
    assert transcript.turns[0].speaker == speaker


def test_minutes_and_seconds_timestamps_are_accepted(tmp_path: Path) -> None:
    """`MM:SS` works as well as `HH:MM:SS`."""
    transcript = parse(tmp_path, FRONT + "Ann 01:05:\nHello.\nBob 1:02:03:\nBye.\n")
    assert [t.seconds for t in transcript.turns] == [65, 3723]


def test_missing_optional_front_matter_falls_back_to_the_file(tmp_path: Path) -> None:
    """With no title or podcast in the front matter, the episode id stands in as the title."""
    transcript = parse(tmp_path, "---\nguest_name: Ann Lee\n---\nAnn 00:00:01:\nHello.\n")
    assert transcript.episode.title == "episode"
    assert transcript.episode.podcast == ""
    assert transcript.episode.date is None
    assert transcript.turns[0].speaker == "Ann Lee"


def test_episode_url_gives_a_deep_link_at_the_timestamp(tmp_path: Path) -> None:
    """`episode_url` in the front matter links each passage to its second in the audio."""
    text = "---\nepisode_url: https://example.com/ep?x=1\n---\nAnn 00:01:01:\nHello.\n"
    episode = parse(tmp_path, text).episode
    assert episode.link_at(61) == "https://example.com/ep?x=1&t=61"


def test_ambiguous_first_names_are_left_as_written(tmp_path: Path) -> None:
    """A first name shared by host and guest is not guessed at."""
    text = "---\nhost_name: Ann Lee\nguest_name: Ann Roe\n---\nAnn 00:00:01:\nHello.\n"
    assert parse(tmp_path, text).turns[0].speaker == "Ann"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Ann 00:00:01:\nHello.\n", 1, "no front matter"),
        ("---\ntitle: [unclosed\n---\nAnn 00:00:01:\nHi.\n", 2, "not valid YAML"),
        ("---\ntitle: x\n", 1, "never closed"),
        ("---\n- a list\n---\nAnn 00:00:01:\nHi.\n", 2, "mapping"),
        (FRONT + "### Only a heading\nSome text with no speaker.\n", 5, "no turns"),
        (FRONT + "Ann 00:02:00:\nLater.\nBob 00:01:00:\nEarlier.\n", 7, "goes backwards"),
        (FRONT + "Ann 00:61:00:\nHello.\n", 5, "bad timestamp"),
        # Found by the fuzz tests: PyYAML raises ValueError, not YAMLError, for this date.
        ("---\nepisode_date: 2025-13-45\n---\nAnn 00:00:01:\nHi.\n", 2, "month must be"),
    ],
    ids=[
        "no-front-matter",
        "bad-yaml",
        "unclosed",
        "not-mapping",
        "no-turns",
        "backwards",
        "bad-time",
        "impossible-date",
    ],
)
def test_malformed_files_are_reported_by_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    """Each malformed case raises a TranscriptError naming the file and the line."""
    with pytest.raises(TranscriptError) as caught:
        parse(tmp_path, text, name="broken.txt")
    assert caught.value.line == line
    assert message in caught.value.message
    assert str(caught.value).startswith(f"{tmp_path / 'broken.txt'}:{line}: ")
