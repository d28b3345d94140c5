"""HTML transcripts (cite/time/p, the Podcasting 2.0 shape) and plain-text transcripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import TranscriptError
from bot.models import UNKNOWN_SPEAKER
from bot.transcripts.corpus import transcript_files
from bot.transcripts.formats import companions_of, format_of, parse_transcript


def turns(path: Path) -> list[tuple[str, int, str]]:
    transcript = parse_transcript(path, "ep")
    return [(t.speaker, t.seconds, " ".join(s.text for s in t.segments)) for t in transcript.turns]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_html_cite_time_and_p_become_speaker_time_and_text(tmp_path: Path) -> None:
    """The spec's shape: `<cite>Name:</cite><time>0:07</time><p>…</p>`, the colon dropped."""
    path = write(
        tmp_path,
        "ep.html",
        "<html><head><title>T</title><style>p{}</style></head><body>"
        "<cite>Maya:</cite>\n<time>0:01</time>\n<p>Welcome &amp; hello.</p>\n"
        "<cite>Tom:</cite>\n<time>1:02:07.5</time>\n<p>Bees<br>are <b>great</b>.</p></body></html>",
    )
    assert turns(path) == [("Maya", 1, "Welcome & hello."), ("Tom", 3727, "Bees are great.")]


def test_html_speaker_and_time_carry_over_to_following_paragraphs(tmp_path: Path) -> None:
    """Several paragraphs after one cite are one turn of that speaker."""
    path = write(
        tmp_path,
        "ep.html",
        "<cite>Ana</cite><time>00:05</time><p>One.</p><p>Two.</p><cite>Sam</cite><p>Three.</p>",
    )
    assert turns(path) == [("Ana", 5, "One. Two."), ("Sam", 5, "Three.")]


def test_html_labels_may_stand_inside_the_paragraph(tmp_path: Path) -> None:
    """`<p><cite>Ana:</cite> <time>0:03</time> text</p>` reads the same."""
    path = write(tmp_path, "ep.htm", "<p><cite>Ana:</cite> <time>0:03</time> Soil is alive.</p>")
    assert turns(path) == [("Ana", 3, "Soil is alive.")]


def test_html_paragraphs_before_any_cite_are_an_unknown_speaker(tmp_path: Path) -> None:
    """Html paragraphs before any cite are an unknown speaker."""
    path = write(tmp_path, "ep.html", "<p>Intro music.</p>")
    assert turns(path) == [(UNKNOWN_SPEAKER, 0, "Intro music.")]


def test_html_bad_time_is_reported_with_its_line(tmp_path: Path) -> None:
    """Html bad time is reported with its line."""
    path = write(tmp_path, "ep.html", "<cite>A</cite>\n\n<time>soon</time><p>x</p>")
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(path, "ep")
    assert caught.value.line == 3 and "soon" in caught.value.message


def test_html_without_paragraphs_is_not_a_transcript(tmp_path: Path) -> None:
    """An HTML page with no <p> (an error page, an index.html) is reported, not served."""
    path = write(tmp_path, "ep.html", "<html><body><h1>404</h1></body></html>")
    with pytest.raises(TranscriptError, match="no paragraphs"):
        parse_transcript(path, "ep")


def test_plain_text_is_one_unattributed_turn_per_paragraph(tmp_path: Path) -> None:
    """Plain text is one unattributed turn per paragraph."""
    path = write(tmp_path, "ep.plain.txt", "First line\ncontinues.\n\n\nSecond paragraph.\n")
    assert format_of(path) == "plain-text"
    assert turns(path) == [
        (UNKNOWN_SPEAKER, 0, "First line continues."),
        (UNKNOWN_SPEAKER, 0, "Second paragraph."),
    ]


def test_plain_text_shares_its_sidecar_and_id_with_its_name(tmp_path: Path) -> None:
    """`ep.plain.txt` pairs with `ep.yaml` and gets the episode id `ep`."""
    path = write(tmp_path, "ep.plain.txt", "Hello there.\n")
    write(tmp_path, "ep.yaml", "episode_title: Plain episode\n")
    assert companions_of(path) == [("sidecar", tmp_path / "ep.yaml")]
    assert parse_transcript(path, "ep").episode.title == "Plain episode"
    assert transcript_files(tmp_path) == [("ep", path)]


def test_a_bare_txt_file_is_still_the_markdown_format(tmp_path: Path) -> None:
    """A bare txt file is still the markdown format."""
    assert format_of(tmp_path / "ep.txt") == "markdown"
