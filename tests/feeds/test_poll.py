"""Polling a feed into the corpus: files, metadata, the transcript chosen, and the 304 path."""

from __future__ import annotations

from pathlib import Path

import yaml
from feed_server import FeedServer

from bot import Library
from bot.feeds import FeedStore, Poller
from bot.feeds.storage import stem_for


def follow(server: FeedServer, store: FeedStore, fixture: str = "hosted-show.xml") -> str:
    server.add_site()
    url = server.add_file("/feed.xml", fixture)
    store.add("garden", url)
    return url


def test_each_item_becomes_a_transcript_with_its_sidecar_and_chapters(
    feed_server: FeedServer, store: FeedStore, poller: Poller, corpus: Path
) -> None:
    """The first poll writes feeds/<name>/<stem>.* for every item that has a transcript."""
    follow(feed_server, store)
    [report] = poller.poll_now()
    assert (report.outcome, report.items, report.new) == ("updated", 3, 3)
    folder = corpus / "feeds" / "garden"
    bees = stem_for("garden", "Buzzsprout-1001")
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(bees)) == [
        f"{bees}.chapters.json",
        f"{bees}.json",
        f"{bees}.yaml",
    ]
    assert (folder / f"{stem_for('garden', 'Buzzsprout-1002')}.plain.txt").is_file()


def test_the_sidecar_carries_the_items_metadata_and_audio_deep_link(
    feed_server: FeedServer, store: FeedStore, poller: Poller, corpus: Path
) -> None:
    """Title, date, season/episode, link, image, people, soundbites and `#t=` audio link."""
    follow(feed_server, store)
    poller.poll_now()
    sidecar = corpus / "feeds" / "garden" / f"{stem_for('garden', 'Buzzsprout-1001')}.yaml"
    meta = yaml.safe_load(sidecar.read_text())
    assert meta["podcast_name"] == "Garden Hour"
    assert meta["episode_title"] == "Bees on the roof"
    assert meta["episode_date"] == "2025-08-15"
    assert (meta["season"], meta["episode_number"]) == (2, 14)
    assert meta["link"] == "https://gardenhour.example/episodes/bees"
    assert meta["image"] == "https://gardenhour.example/bees.jpg"
    assert meta["host_name"] == ["Maya Lin"] and meta["guest_name"] == ["Tom Okafor"]
    assert meta["episode_url"] == feed_server.url("/audio/bees.mp3") + "#t={seconds}"
    assert meta["soundbites"] == [
        {"start": 7.0, "duration": 25.5, "title": "Why bees love rooftops"}
    ]
    assert meta["guid"] == "Buzzsprout-1001"


def test_polled_episodes_are_searchable_with_full_names_sections_and_deep_links(
    feed_server: FeedServer, store: FeedStore, poller: Poller, corpus: Path, tmp_path: Path
) -> None:
    """Search reads the stored files unchanged: "Tom" is "Tom Okafor", chapters are sections
    (the toc:false one is not), and a hit links into the audio at its second."""
    follow(feed_server, store)
    poller.poll_now()
    library = Library.load(corpus, tmp_path / "index.sqlite3")
    try:
        assert library.errors == ()
        hit = library.search("rooftop").hits[0]
        assert hit.speaker == "Tom Okafor"
        assert hit.section == "Welcome"
        assert hit.url == feed_server.url("/audio/bees.mp3") + "#t=7"
        assert hit.episode.title == "Bees on the roof"
        assert "Sponsor" not in hit.episode.sections
    finally:
        library.close()


def test_json_is_chosen_over_vtt_and_html_when_an_item_offers_all_three(
    feed_server: FeedServer, store: FeedStore, poller: Poller
) -> None:
    """Speaker-labelled JSON first; the other types are not even fetched."""
    follow(feed_server, store)
    poller.poll_now()
    episode = store.episodes("garden")["Buzzsprout-1001"]
    assert episode.transcript_type == "application/json"
    assert feed_server.hits["/site/bees.vtt"] == 0 and feed_server.hits["/site/bees.html"] == 0


def test_an_item_without_a_transcript_is_recorded_as_none(
    feed_server: FeedServer, store: FeedStore, poller: Poller
) -> None:
    """Its sidecar is stored (for transcription later) and its status says none."""
    follow(feed_server, store)
    poller.poll_now()
    episode = store.episodes("garden")["Buzzsprout-1003"]
    assert (episode.transcript_status, episode.transcript_file, episode.error) == (
        "none",
        None,
        None,
    )


def test_a_second_poll_of_an_unchanged_feed_is_a_304_and_fetches_nothing_else(
    feed_server: FeedServer, store: FeedStore, poller: Poller
) -> None:
    """The conditional GET sends the ETag; the 304 costs one request and writes nothing."""
    follow(feed_server, store)
    poller.poll_now()
    before = sum(feed_server.hits.values())
    [report] = poller.poll_now()
    assert report.outcome == "not modified" and not report.changed
    assert sum(feed_server.hits.values()) == before + 1
    assert "If-None-Match" in feed_server.requests[-1][1]


def test_a_new_episode_fetches_only_its_own_files(
    feed_server: FeedServer, store: FeedStore, poller: Poller
) -> None:
    """When the feed changes, items already stored are not fetched again."""
    follow(feed_server, store)
    poller.poll_now()
    body = feed_server.routes["/feed.xml"].body.replace(
        b"<item>",
        b"<item><title>New one</title><guid>new-1</guid>"
        b'<podcast:transcript url="' + feed_server.base.encode() + b'/site/worms.srt" '
        b'type="application/x-subrip"/></item><item>',
        1,
    )
    feed_server.routes["/feed.xml"].body = body
    [report] = poller.poll_now()
    assert (report.outcome, report.new) == ("updated", 1)
    assert feed_server.hits["/site/bees.json"] == 1
    assert feed_server.hits["/site/worms.srt"] == 1


def test_gzip_feeds_are_read(feed_server: FeedServer, store: FeedStore, poller: Poller) -> None:
    """A gzip-encoded feed is decompressed (and counted against the cap decompressed)."""
    feed_server.add_site()
    url = feed_server.add_file("/feed.xml", "hosted-show.xml", gzip=True)
    store.add("garden", url)
    [report] = poller.poll_now()
    assert report.outcome == "updated" and report.items == 3


def test_a_poll_stopped_at_shutdown_is_finished_by_the_next_one(
    feed_server: FeedServer, store: FeedStore, poller: Poller
) -> None:
    """Items already stored are recorded (never mistaken for hand edits later); the rest is
    fetched by the next poll, which does not take the unchanged feed for done."""
    follow(feed_server, store)
    poller.config = type(poller.config)(policy=poller.config.policy, workers=1)

    def stop_after_first(feed: str, done: int, total: int) -> None:
        if done == 1:
            poller.cancel()

    [report] = poller.poll_now(progress=stop_after_first)
    assert report.outcome == "interrupted"
    stored = len(store.episodes("garden"))
    assert 1 <= stored < 3  # the item in hand when the stop came is finished, no more
    poller._cancelled.clear()  # the next start
    [report] = poller.poll_now()
    assert (report.outcome, report.new) == ("updated", 3 - stored)
    assert all(not e.hand_edited for e in store.episodes("garden").values())
