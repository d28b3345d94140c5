"""The running bot's feed loop: new episodes become searchable without a restart, while
searches go on; files dropped in by hand and other replicas' fetches are picked up too."""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from feed_server import FIXTURES, LOOPBACK, FeedServer

from bot import Library
from bot.feeds import FeedItem, FeedRecord, FeedStore, FeedWorker, Poller
from bot.feeds.storage import stem_for


@pytest.fixture
def library(corpus: Path, tmp_path: Path) -> Iterator[Library]:
    shutil.copy(FIXTURES / "site" / "worms.srt", corpus / "worms.srt")
    loaded = Library.load(corpus, tmp_path / "index.sqlite3")
    yield loaded
    loaded.close()


def test_a_polled_episode_is_searchable_in_the_running_library(
    feed_server: FeedServer, store: FeedStore, poller: Poller, library: Library
) -> None:
    """A polled episode is searchable in the running library."""
    feed_server.add_site()
    store.add("garden", feed_server.add_file("/feed.xml", "hosted-show.xml"))
    assert library.search("rooftop").total == 0
    step = FeedWorker(library, poller).step()
    assert step.refresh is not None and step.refresh.parsed == 2
    assert library.search("rooftop").hits[0].speaker == "Tom Okafor"
    assert "Bees on the roof" in {episode.title for episode in library.episodes()}


def test_searches_keep_answering_while_the_index_is_refreshed(
    feed_server: FeedServer, store: FeedStore, poller: Poller, library: Library
) -> None:
    """Refreshing writes through its own connection; a search never fails or waits on it."""
    feed_server.add_site()
    store.add("garden", feed_server.add_file("/feed.xml", "hosted-show.xml"))
    worker = FeedWorker(library, poller)
    done = threading.Event()
    answers: list[int] = []

    def refresh() -> None:
        worker.step()
        done.set()

    thread = threading.Thread(target=refresh)
    thread.start()
    while not done.is_set():
        answers.append(library.search("kitchen scraps").total)
    thread.join()
    assert answers and set(answers) == {1}


def test_a_file_dropped_in_by_hand_is_found_by_the_periodic_rescan(
    store: FeedStore, poller: Poller, library: Library, corpus: Path
) -> None:
    """A file dropped in by hand is found by the periodic rescan."""
    clock = [0.0]
    worker = FeedWorker(library, poller, rescan_interval=300, clock=lambda: clock[0])
    shutil.copy(FIXTURES / "site" / "bees.vtt", corpus / "bees.vtt")
    assert worker.step().refresh is None  # not due yet: nothing walks the corpus
    clock[0] += 300
    assert worker.step().refresh is not None
    assert library.search("swarming").total == 1


def test_another_replicas_poll_is_picked_up_without_waiting_for_the_rescan(
    feed_server: FeedServer, store: FeedStore, poller: Poller, library: Library, corpus: Path
) -> None:
    """Replica B only serves: when A's poll writes to the shared corpus, the feeds'
    generation in the database moves and B refreshes at its next tick."""
    feed_server.add_site()
    store.add("garden", feed_server.add_file("/feed.xml", "hosted-show.xml"))
    serving = FeedWorker(library, None, rescan_interval=10**6, clock=lambda: 0.0)
    serving.store = store
    serving.step()
    poller.poll_now()  # replica A
    assert serving.step().refresh is not None
    assert library.search("rooftop").total == 1


async def test_the_worker_task_stops_when_asked() -> None:
    """run() steps at once, then waits; stop() ends it without waiting for the tick."""

    class Counting(FeedWorker):
        steps = 0

        def step(self):  # type: ignore[override]
            Counting.steps += 1
            return None

    worker = Counting(None, None, rescan_interval=3600, tick=3600)  # type: ignore[arg-type]
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0.05)
    worker.stop()
    await asyncio.wait_for(task, 2)
    assert Counting.steps == 1


# -- handing on to transcription --------------------------------------------------------------


def test_an_item_without_a_transcript_is_handed_on_when_the_feed_transcribes(
    feed_server: FeedServer, store: FeedStore, corpus: Path
) -> None:
    """The transcription wing's hook gets the item, its folder and stem; its answer is the
    episode's status, and it can move the status on later."""

    from bot.feeds import PollConfig

    handed: list[tuple[str, str | None, str]] = []

    def handoff(feed: FeedRecord, item: FeedItem, folder: Path, stem: str) -> str:
        handed.append((item.guid, item.enclosure, stem))
        assert folder == corpus / "feeds" / "garden"
        return "queued"

    feed_server.add_site()
    store.add("garden", feed_server.add_file("/feed.xml", "hosted-show.xml"), transcribe=True)
    Poller(store, corpus, PollConfig(policy=LOOPBACK), "t", handoff=handoff).poll_now()
    assert handed == [
        (
            "Buzzsprout-1003",
            feed_server.url("/audio/questions.mp3"),
            stem_for("garden", "Buzzsprout-1003"),
        )
    ]
    assert store.episodes("garden")["Buzzsprout-1003"].transcript_status == "queued"
    store.set_transcript_status("garden", "Buzzsprout-1003", "running")
    assert store.summaries()[0].statuses == {"fetched": 2, "running": 1}


def test_a_feed_without_transcribe_hands_nothing_on(
    feed_server: FeedServer, store: FeedStore, corpus: Path
) -> None:
    """A feed without transcribe hands nothing on."""
    from bot.feeds import PollConfig

    handed: list[str] = []
    feed_server.add_site()
    store.add("garden", feed_server.add_file("/feed.xml", "hosted-show.xml"))
    Poller(
        store, corpus, PollConfig(policy=LOOPBACK), "t", handoff=lambda *a: handed.append("x")
    ).poll_now()
    assert handed == []


def test_a_starting_bot_polls_feeds_not_polled_in_the_last_minute(
    feed_server: FeedServer, store: FeedStore, corpus: Path, library: Library
) -> None:
    """Due or not: a restart polls at once (a 304 if nothing changed); a replica restarted
    right after another does not poll again."""
    from bot.feeds import PollConfig

    feed_server.add_site()
    store.add("garden", feed_server.add_file("/feed.xml", "hosted-show.xml"))
    clock = [1_000_000.0]
    config = PollConfig(policy=LOOPBACK, interval=1800)
    Poller(store, corpus, config, "old", clock=lambda: clock[0]).poll_due()
    clock[0] += 600  # ten minutes later the bot restarts: not due for twenty more minutes
    restarted = FeedWorker(library, Poller(store, corpus, config, "new", clock=lambda: clock[0]))
    assert [report.outcome for report in restarted.step().polls] == ["not modified"]
    assert restarted.step().polls == ()  # after the start, only what is due
    clock[0] += 10
    neighbour = FeedWorker(library, Poller(store, corpus, config, "next", clock=lambda: clock[0]))
    assert neighbour.step().polls == ()


def test_a_machine_transcript_is_the_episodes_until_the_feed_publishes_one(
    feed_server: FeedServer, store: FeedStore, corpus: Path
) -> None:
    """The transcription wing records the file it wrote; when the feed later links a
    transcript, the published one replaces it."""
    from bot.feeds import PollConfig

    feed_server.add_site()
    store.add("garden", feed_server.add_file("/feed.xml", "hosted-show.xml"), transcribe=True)
    poller = Poller(store, corpus, PollConfig(policy=LOOPBACK), "t", handoff=lambda *a: "queued")
    poller.poll_now()
    folder = corpus / "feeds" / "garden"
    machine = folder / "garden-buzzsprout-1003.vtt"
    machine.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nmachine words\n")
    store.set_transcript_status("garden", "Buzzsprout-1003", "transcribed", file=machine)
    assert store.episode("garden", "Buzzsprout-1003").transcript_file == machine.name
    route = feed_server.routes["/feed.xml"]
    route.body = route.body.replace(
        b"<title>Listener questions</title>",
        b'<title>Listener questions</title><podcast:transcript url="'
        + feed_server.url("/site/worms.srt").encode()
        + b'" type="application/srt"/>',
    )
    poller.poll_now()
    episode = store.episode("garden", "Buzzsprout-1003")
    assert (episode.transcript_status, episode.transcript_file) == (
        "fetched",
        "garden-buzzsprout-1003.srt",
    )
    assert not machine.exists()
