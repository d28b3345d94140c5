"""A manager's corrections win: a later poll never overwrites or brings back a file."""

from __future__ import annotations

from pathlib import Path

import pytest
from feed_server import FeedServer

from bot.cli.command import main
from bot.feeds import FeedStore, Poller
from bot.feeds.storage import stem_for

STEM = stem_for("garden", "Buzzsprout-1001")


@pytest.fixture
def polled(feed_server: FeedServer, store: FeedStore, poller: Poller, corpus: Path) -> Path:
    """The hosted show, polled once; returns its folder."""
    feed_server.add_site()
    store.add("garden", feed_server.add_file("/feed.xml", "hosted-show.xml"))
    poller.poll_now()
    return corpus / "feeds" / "garden"


def change_feed(server: FeedServer) -> None:
    """The publisher edits the item: a new transcript URL (same file), a new title."""
    route = server.routes["/feed.xml"]
    route.body = route.body.replace(b"/site/bees.json", b"/site/bees.json?v=2").replace(
        b"Bees on the roof", b"Bees on the roof (remastered)"
    )


def test_a_hand_edited_transcript_is_not_overwritten(
    polled: Path, feed_server: FeedServer, store: FeedStore, poller: Poller
) -> None:
    """A hand edited transcript is not overwritten."""
    transcript = polled / f"{STEM}.json"
    edited = transcript.read_text().replace("twelve", "thirteen")
    transcript.write_text(edited)
    change_feed(feed_server)
    poller.poll_now()
    assert transcript.read_text() == edited
    assert store.episodes("garden")["Buzzsprout-1001"].hand_edited == (f"{STEM}.json",)


def test_a_hand_edited_sidecar_is_kept_even_when_the_feed_changes_the_title(
    polled: Path, feed_server: FeedServer, poller: Poller
) -> None:
    """A hand edited sidecar is kept even when the feed changes the title."""
    sidecar = polled / f"{STEM}.yaml"
    sidecar.write_text(sidecar.read_text().replace("Bees on the roof", "Bees (fixed title)"))
    change_feed(feed_server)
    poller.poll_now()
    assert "Bees (fixed title)" in sidecar.read_text()


def test_a_file_deleted_by_hand_is_not_fetched_again(
    polled: Path, feed_server: FeedServer, store: FeedStore, poller: Poller
) -> None:
    """A file deleted by hand is not fetched again."""
    (polled / f"{STEM}.chapters.json").unlink()
    change_feed(feed_server)
    poller.poll_now()
    assert not (polled / f"{STEM}.chapters.json").exists()
    assert "deleted by hand" in (store.episodes("garden")["Buzzsprout-1001"].note or "")


def test_feeds_list_says_an_edited_episode_differs_from_the_feed(
    polled: Path,
    store: FeedStore,
    poller: Poller,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Feeds list says an edited episode differs from the feed."""
    (polled / f"{STEM}.json").write_text('{"version": "1.0.0", "segments": []}')
    poller.poll_now()  # unchanged feed: 304, but the listing looks at the files
    monkeypatch.setenv("DATABASE_URL", store.db.url)
    main(["feeds", "list"])
    out = capsys.readouterr().out
    assert f"edited by hand, differs from the feed: {STEM}.json" in out
