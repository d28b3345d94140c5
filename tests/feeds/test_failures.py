"""Every way a feed or its files go wrong is reported on that feed or episode, and what was
stored before keeps being served."""

from __future__ import annotations

import gzip
import socket
from pathlib import Path

import pytest
from feed_server import LOOPBACK, FeedServer

from bot import Library
from bot.feeds import (
    AddressRefused,
    FeedStore,
    FetchPolicy,
    PollConfig,
    Poller,
    TooManyRedirects,
    fetch,
)
from bot.feeds.storage import stem_for

# Short enough to keep the tests quick, long enough for a loaded CI machine to answer.
QUICK = FetchPolicy(connect_timeout=2, read_timeout=1.0, deadline=1.5, allow_private=True)


def poll_feed(server: FeedServer, store: FeedStore, corpus: Path, **route: object) -> str | None:
    """Serve a feed at /feed.xml as `route` says, poll it once, return the feed's last error."""
    body = route.pop("body", (Path(__file__).parent / "fixtures/hosted-show.xml").read_bytes())
    server.add_site()
    url = server.add("/feed.xml", body, **route)
    store.add("show", url)
    config = PollConfig(policy=QUICK, max_feed_bytes=64 * 1024)
    [report] = Poller(store, corpus, config, replica="t").poll_now()
    record = store.get("show")
    assert record is not None
    assert report.outcome == "failed" or record.last_error is None
    return record.last_error


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (404, "not found (HTTP 404)"),
        (410, "gone (HTTP 410)"),
        (500, "server error (HTTP 500)"),
        (503, "server error (HTTP 503)"),
    ],
)
def test_an_error_status_is_reported_on_the_feed(
    feed_server: FeedServer, store: FeedStore, corpus: Path, status: int, message: str
) -> None:
    """An error status is reported on the feed."""
    assert message in (poll_feed(feed_server, store, corpus, status=status) or "")


def test_a_server_that_never_answers_times_out(
    feed_server: FeedServer, store: FeedStore, corpus: Path
) -> None:
    """A server that never answers times out."""
    error = poll_feed(feed_server, store, corpus, delay=2.5)
    assert error is not None and "no answer within 1 s" in error


def test_a_server_trickling_bytes_is_cut_off_at_the_deadline(
    feed_server: FeedServer, store: FeedStore, corpus: Path
) -> None:
    """Each byte arrives within the read timeout, but the whole body never does."""
    error = poll_feed(feed_server, store, corpus, trickle=0.05)
    assert error == "the download took longer than 1.5 s"


def test_an_html_error_page_served_with_200_is_not_a_feed(
    feed_server: FeedServer, store: FeedStore, corpus: Path
) -> None:
    """An html error page served with 200 is not a feed."""
    page = b"<!DOCTYPE html><html><body><h1>Site maintenance</h1></body></html>"
    error = poll_feed(feed_server, store, corpus, body=page, content_type="text/html")
    assert error == "the server sent an HTML page (HTTP 200), not an RSS feed"


def test_a_body_that_is_not_xml_is_reported_with_its_line(
    feed_server: FeedServer, store: FeedStore, corpus: Path
) -> None:
    """A body that is not xml is reported with its line."""
    error = poll_feed(feed_server, store, corpus, body=b"hello, I am not XML\n")
    assert error is not None and error.startswith("not XML: syntax error at line 1")


def test_an_xml_bomb_is_refused(feed_server: FeedServer, store: FeedStore, corpus: Path) -> None:
    """An xml bomb is refused."""
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel><title>&b;</title>'
        b"</channel></rss>"
    )
    error = poll_feed(feed_server, store, corpus, body=bomb)
    assert error is not None and error.startswith("refused: the feed's XML declares entities")


def test_a_feed_over_the_size_cap_is_refused(
    feed_server: FeedServer, store: FeedStore, corpus: Path
) -> None:
    """A feed over the size cap is refused."""
    huge = b"<rss><channel>" + b"<item><title>x</title></item>" * 5000 + b"</channel></rss>"
    error = poll_feed(feed_server, store, corpus, body=huge)
    assert error == "too large: 145,030 bytes where the cap is 65,536 bytes"


def test_a_gzip_bomb_is_stopped_at_the_cap_not_expanded(
    feed_server: FeedServer, store: FeedStore, corpus: Path
) -> None:
    """The cap counts decompressed bytes: 50 MiB of zeros in a 50 KiB gzip is refused."""
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024))
    error = poll_feed(
        feed_server,
        store,
        corpus,
        body=bomb,
        validators=False,
        headers={"Content-Encoding": "gzip"},
    )
    assert error is not None and error.startswith("too large: over")


def test_a_refused_connection_is_reported(store: FeedStore, corpus: Path) -> None:
    """A refused connection is reported."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    store.add("show", f"http://127.0.0.1:{port}/feed.xml")
    [report] = Poller(store, corpus, PollConfig(policy=QUICK), replica="t").poll_now()
    assert report.outcome == "failed" and "connection refused" in (report.error or "")


def test_one_feed_failing_never_stops_the_others(
    feed_server: FeedServer, store: FeedStore, poller: Poller
) -> None:
    """One feed failing never stops the others."""
    feed_server.add_site()
    store.add("broken", feed_server.add("/broken.xml", "", status=500))
    store.add("good", feed_server.add_file("/good.xml", "hosted-show.xml"))
    reports = {report.feed: report.outcome for report in poller.poll_now()}
    assert reports == {"broken": "failed", "good": "updated"}


def test_a_failed_poll_is_tried_again_next_interval_not_in_a_loop(
    feed_server: FeedServer, store: FeedStore, corpus: Path
) -> None:
    """A failed poll is tried again next interval not in a loop."""
    feed_server.add("/feed.xml", "", status=500)
    store.add("show", feed_server.url("/feed.xml"))
    clock = [1_000_000.0]
    poller = Poller(
        store, corpus, PollConfig(policy=QUICK, interval=1800), "t", clock=lambda: clock[0]
    )
    assert [r.outcome for r in poller.poll_due()] == ["failed"]
    assert poller.poll_due() == []
    clock[0] += 1800
    assert [r.outcome for r in poller.poll_due()] == ["failed"]
    assert feed_server.hits["/feed.xml"] == 2


# -- addresses and redirects -----------------------------------------------------------------


def test_a_loopback_feed_is_refused_by_default(feed_server: FeedServer) -> None:
    """A loopback feed is refused by default."""
    url = feed_server.add("/feed.xml", "<rss/>")
    with pytest.raises(AddressRefused, match="QUOTEBOT_FEEDS_ALLOW_PRIVATE"):
        fetch(url, 1024, FetchPolicy())
    assert feed_server.hits["/feed.xml"] == 0


@pytest.mark.parametrize(
    "target",
    [
        "http://10.1.2.3/feed",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x",
        "http://localhost/x",
        "http://0.0.0.0/x",
        "http://192.168.1.1/x",
        "http://100.64.0.1/x",
    ],
)
def test_private_link_local_and_loopback_addresses_are_refused(target: str) -> None:
    """Private link local and loopback addresses are refused."""
    with pytest.raises(AddressRefused):
        fetch(target, 1024, FetchPolicy(connect_timeout=0.2))


def test_a_redirect_to_a_private_address_is_refused(feed_server: FeedServer) -> None:
    """The redirect's own address is checked: 127.0.0.1 is allowed here, 127.0.0.2 is not."""
    port = feed_server.server.server_address[1]
    url = feed_server.add("/feed.xml", redirect=f"http://127.0.0.2:{port}/inside")
    policy = FetchPolicy(connect_timeout=1, read_timeout=1, allowed_networks=("127.0.0.1/32",))
    with pytest.raises(AddressRefused, match="127.0.0.2"):
        fetch(url, 1024, policy)
    assert feed_server.hits["/inside"] == 0


def test_five_redirects_are_followed(feed_server: FeedServer) -> None:
    """Five redirects are followed."""
    for hop in range(5):
        feed_server.add(f"/r{hop}", redirect=feed_server.url(f"/r{hop + 1}"))
    feed_server.add("/r5", "<rss/>", content_type="application/rss+xml")
    assert fetch(feed_server.url("/r0"), 1024, LOOPBACK).body == b"<rss/>"


def test_a_sixth_redirect_is_too_many(feed_server: FeedServer) -> None:
    """A sixth redirect is too many."""
    for hop in range(6):
        feed_server.add(f"/r{hop}", redirect=feed_server.url(f"/r{hop + 1}"))
    feed_server.add("/r6", "<rss/>")
    with pytest.raises(TooManyRedirects, match="more than 5 redirects"):
        fetch(feed_server.url("/r0"), 1024, LOOPBACK)


def test_a_redirect_loop_is_reported(feed_server: FeedServer) -> None:
    """A redirect loop is reported."""
    feed_server.add("/a", redirect=feed_server.url("/b"))
    feed_server.add("/b", redirect="/a")
    with pytest.raises(TooManyRedirects, match="redirect loop"):
        fetch(feed_server.url("/a"), 1024, LOOPBACK)


def test_requests_carry_a_clear_user_agent(feed_server: FeedServer) -> None:
    """Requests carry a clear user agent."""
    feed_server.add("/x", "ok")
    fetch(feed_server.url("/x"), 1024, LOOPBACK)
    agent = feed_server.requests[-1][1]["User-Agent"]
    assert agent.startswith("quotebot/") and "podcast transcript search" in agent


# -- episodes ---------------------------------------------------------------------------------


def follow(server: FeedServer, store: FeedStore, transcript: str) -> None:
    """Follow a one-item feed whose transcript is at `transcript` (an SRT)."""
    store.add("show", server.add("/feed.xml", _feed_with_transcript(transcript, "application/srt")))


def _feed_with_transcript(url: str, kind: str, title: str = "Bees") -> bytes:
    return (
        '<rss xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>S</title>'
        f"<item><title>{title}</title><guid>ep-1</guid>"
        f'<podcast:transcript url="{url}" type="{kind}"/></item></channel></rss>'
    ).encode()


def test_a_transcript_served_as_the_wrong_type_falls_back_to_the_next_one(
    feed_server: FeedServer, store: FeedStore, poller: Poller
) -> None:
    """A "VTT" that comes back as an HTML page is reported; the SRT offered too is used."""
    feed_server.add_site()
    feed_server.add("/fake.vtt", "<html><body>login</body></html>", content_type="text/html")
    feed = (
        '<rss xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>S</title>'
        "<item><title>Worms</title><guid>ep-1</guid>"
        f'<podcast:transcript url="{feed_server.url("/fake.vtt")}" type="text/vtt"/>'
        f'<podcast:transcript url="{feed_server.url("/site/worms.srt")}" type="application/srt"/>'
        "</item></channel></rss>"
    )
    store.add("show", feed_server.add("/feed.xml", feed))
    poller.poll_now()
    episode = store.episodes("show")["ep-1"]
    assert (episode.transcript_status, episode.transcript_type) == (
        "fetched",
        "application/x-subrip",
    )


def test_a_transcript_of_the_wrong_type_alone_is_reported_on_its_episode(
    feed_server: FeedServer, store: FeedStore, poller: Poller
) -> None:
    """A transcript of the wrong type alone is reported on its episode."""
    feed_server.add("/fake.vtt", "<html><body>login</body></html>", content_type="text/html")
    feed = _feed_with_transcript(feed_server.url("/fake.vtt"), "text/vtt")
    store.add("show", feed_server.add("/feed.xml", feed))
    poller.poll_now()
    episode = store.episodes("show")["ep-1"]
    assert episode.transcript_status == "failed"
    assert episode.error == (
        f"transcript: {feed_server.url('/fake.vtt')}: served as text/html, not text/vtt"
    )


def test_a_malformed_new_version_leaves_the_stored_one_served(
    feed_server: FeedServer, store: FeedStore, poller: Poller, corpus: Path, tmp_path: Path
) -> None:
    """The feed points at a new transcript that is broken: the old one stays and is searched."""
    feed_server.add_site()
    good = feed_server.url("/site/worms.srt")
    feed_server.add(
        "/broken.srt",
        "1\n00:00:01,000 --> nonsense\nAna: hi\n",
        content_type="application/x-subrip",
    )
    store.add(
        "show",
        feed_server.add("/feed.xml", _feed_with_transcript(good, "application/x-subrip")),
    )
    poller.poll_now()
    bad = _feed_with_transcript(feed_server.url("/broken.srt"), "application/x-subrip")
    feed_server.add("/feed.xml", bad)
    [report] = poller.poll_now()
    episode = store.episodes("show")["ep-1"]
    assert report.failed_episodes == 1
    assert episode.error is not None and "/broken.srt: line 2: cannot read" in episode.error
    assert episode.transcript_status == "fetched"
    library = Library.load(corpus, tmp_path / "index.sqlite3")
    try:
        assert library.search("kitchen scraps").hits[0].speaker == "Sam"
    finally:
        library.close()


def test_a_guid_that_changes_title_is_noted_on_its_episode(
    feed_server: FeedServer, store: FeedStore, poller: Poller, corpus: Path
) -> None:
    """A guid that changes title is noted on its episode."""
    feed_server.add_site()
    srt = feed_server.url("/site/worms.srt")
    store.add(
        "show",
        feed_server.add("/feed.xml", _feed_with_transcript(srt, "application/srt")),
    )
    poller.poll_now()
    feed_server.add("/feed.xml", _feed_with_transcript(srt, "application/srt", "Worms!"))
    poller.poll_now()
    episode = store.episodes("show")["ep-1"]
    assert episode.note == "title changed from “Bees” to “Worms!”"
    sidecar = corpus / "feeds" / "show" / f"{stem_for('show', 'ep-1')}.yaml"
    assert "episode_title: Worms!" in sidecar.read_text()


def test_an_episode_gone_from_the_feed_stays_searchable(
    feed_server: FeedServer, store: FeedStore, poller: Poller, corpus: Path
) -> None:
    """An episode gone from the feed stays searchable."""
    feed_server.add_site()
    srt = feed_server.url("/site/worms.srt")
    store.add(
        "show",
        feed_server.add("/feed.xml", _feed_with_transcript(srt, "application/srt")),
    )
    poller.poll_now()
    feed_server.add("/feed.xml", b"<rss><channel><title>S</title></channel></rss>")
    poller.poll_now()
    assert store.episodes("show")["ep-1"].in_feed is False
    assert (corpus / "feeds" / "show" / f"{stem_for('show', 'ep-1')}.srt").is_file()


def test_malformed_chapters_are_reported_and_the_transcript_is_still_stored(
    feed_server: FeedServer, store: FeedStore, poller: Poller, corpus: Path
) -> None:
    """Malformed chapters are reported and the transcript is still stored."""
    feed_server.add_site()
    feed_server.add("/bad.chapters.json", '{"chapters": [', content_type="application/json")
    feed = (
        '<rss xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel><title>S</title>'
        "<item><title>Worms</title><guid>ep-1</guid>"
        f'<podcast:transcript url="{feed_server.url("/site/worms.srt")}" type="text/srt"/>'
        f'<podcast:chapters url="{feed_server.url("/bad.chapters.json")}"/>'
        "</item></channel></rss>"
    )
    store.add("show", feed_server.add("/feed.xml", feed))
    poller.poll_now()
    episode = store.episodes("show")["ep-1"]
    assert episode.transcript_status == "fetched"
    assert episode.error == (
        f"chapters {feed_server.url('/bad.chapters.json')}: line 1: not valid JSON: Expecting value"
    )
    assert not (corpus / "feeds" / "show" / f"{stem_for('show', 'ep-1')}.chapters.json").exists()
