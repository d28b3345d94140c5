"""Reading feeds: the podcast: tags under both namespaces, types, people, and refusals."""

from __future__ import annotations

import pytest
from feed_server import FIXTURES

from bot.feeds import FeedItem, NotAFeed, Person, Soundbite, TranscriptLink, UnsafeXML, parse_feed
from bot.feeds.transcript_types import by_preference, normalise_type


def items(fixture: str) -> tuple[FeedItem, ...]:
    return parse_feed((FIXTURES / fixture).read_bytes()).items


def test_every_transcript_of_an_item_is_read_not_only_the_last() -> None:
    """feedparser keeps one podcast:transcript per item; all three are here."""
    bees = items("hosted-show.xml")[0]
    assert [link.type for link in bees.transcripts] == [
        "text/html",
        "text/vtt",
        "application/json",
    ]


def test_the_older_github_namespace_uri_is_read_too() -> None:
    """The older github namespace uri is read too."""
    worms = items("legacy-namespace.xml")[0]
    assert worms.transcripts == (
        TranscriptLink("{base}/site/worms.srt", "application/x-subrip", "application/srt"),
    )


@pytest.mark.parametrize(
    ("declared", "url", "expected"),
    [
        ("application/srt", "", "application/x-subrip"),
        ("text/srt", "", "application/x-subrip"),
        ("application/x-subrip", "", "application/x-subrip"),
        ("text/vtt; charset=utf-8", "", "text/vtt"),
        ("TEXT/HTML", "", "text/html"),
        ("", "https://x.example/t.vtt?sig=1", "text/vtt"),
        ("application/octet-stream", "https://x.example/t.srt", "application/x-subrip"),
        ("application/pdf", "https://x.example/t.pdf", None),
    ],
)
def test_transcript_types_are_normalised(declared: str, url: str, expected: str | None) -> None:
    """Transcript types are normalised."""
    assert normalise_type(declared, url) == expected


def test_json_and_vtt_are_preferred_and_plain_text_comes_last() -> None:
    """Json and vtt are preferred and plain text comes last."""
    links = [
        TranscriptLink("a", "text/plain"),
        TranscriptLink("b", "text/html"),
        TranscriptLink("c", "application/x-subrip"),
        TranscriptLink("d", "text/vtt"),
        TranscriptLink("e", "application/json"),
        TranscriptLink("f", None),
    ]
    assert [link.url for link in by_preference(links)] == ["e", "d", "c", "b", "a"]


def test_item_fields_are_read() -> None:
    """guid, title, date, season/episode, link, image, enclosure, chapters."""
    bees = items("hosted-show.xml")[0]
    assert (bees.guid, bees.title, bees.published) == (
        "Buzzsprout-1001",
        "Bees on the roof",
        "2025-08-15",
    )
    assert (bees.season, bees.episode) == (2, 14)
    assert bees.image == "https://gardenhour.example/bees.jpg"
    assert bees.enclosure == "{base}/audio/bees.mp3"
    assert bees.chapters_url == "{base}/site/bees.chapters.json"


def test_people_default_to_host_and_roles_are_case_blind() -> None:
    """People default to host and roles are case blind."""
    worms = items("legacy-namespace.xml")[0]
    assert worms.persons == (Person("Ana Ruiz", "host"), Person("Sam Ode", "guest"))


def test_channel_people_apply_to_items_without_their_own() -> None:
    """Channel people apply to items without their own."""
    compost = items("hosted-show.xml")[1]
    assert compost.persons == (Person("Maya Lin", "host"),)


def test_soundbites_are_read_with_start_duration_and_title() -> None:
    """Soundbites are read with start duration and title."""
    bees = items("hosted-show.xml")[0]
    assert bees.soundbites == (Soundbite(7.0, 25.5, "Why bees love rooftops"),)


def test_an_xml_bomb_is_refused_unread() -> None:
    """An xml bomb is refused unread."""
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b"<rss><channel><title>&c;</title></channel></rss>"
    )
    with pytest.raises(UnsafeXML, match="entities"):
        parse_feed(bomb)


def test_an_external_entity_is_refused() -> None:
    """An external entity is refused."""
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<rss><channel><title>&x;</title></channel></rss>"
    )
    with pytest.raises(UnsafeXML):
        parse_feed(xxe)


def test_an_html_page_is_not_a_feed() -> None:
    """An html page is not a feed."""
    with pytest.raises(NotAFeed, match="HTML page"):
        parse_feed(b"<!DOCTYPE html><html><body>Oops</body></html>", "text/html")


def test_broken_xml_names_its_line() -> None:
    """Broken xml names its line."""
    with pytest.raises(NotAFeed, match="line 2"):
        parse_feed(b"<rss><channel>\n<title>x</chanel></rss>")


def test_an_atom_document_is_not_an_rss_feed() -> None:
    """An atom document is not an rss feed."""
    with pytest.raises(NotAFeed, match="<feed>"):
        parse_feed(b'<feed xmlns="http://www.w3.org/2005/Atom"></feed>')


def test_a_plain_text_transcript_that_is_really_srt_is_read_as_srt() -> None:
    """Hosts label SRT and JSON files text/plain; the body says what they are."""
    from bot.feeds.transcript_types import sniff

    assert sniff("text/plain", b"1\n00:00:01,000 --> 00:00:02,000\nAna: hi\n") == (
        "application/x-subrip"
    )
    assert sniff("text/plain", b'{"version": "1.0.0", "segments": []}') == "application/json"
    assert sniff("application/x-subrip", b"\xef\xbb\xbfWEBVTT\n\n") == "text/vtt"
    assert sniff("text/plain", b"Just words.\n\nMore words.") == "text/plain"


def test_a_transcript_in_the_shows_language_beats_a_better_type_in_another() -> None:
    """A transcript in the shows language beats a better type in another."""
    links = [
        TranscriptLink("es.json", "application/json", language="es"),
        TranscriptLink("en.srt", "application/x-subrip", language="en-US"),
        TranscriptLink("any.vtt", "text/vtt"),
    ]
    assert [link.url for link in by_preference(links, "en")] == ["any.vtt", "en.srt", "es.json"]
