"""Several replicas: each feed is polled by one of them per interval (a claim in the
database), and every replica serves the new episodes within that interval."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from feed_server import LOOPBACK, FeedServer

from bot import Library
from bot.feeds import FeedStore, FeedWorker, PollConfig, Poller

FEEDS = ("alpha", "beta", "gamma")


@dataclass
class Replica:
    store: FeedStore
    library: Library
    worker: FeedWorker


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def replicas(database: str, corpus: Path, tmp_path: Path) -> Iterator[tuple[Replica, Replica]]:
    """Two replicas sharing the database and the corpus volume, each with its own index."""
    clock = [1_000_000.0]
    made = []
    for name in ("a", "b"):
        store = FeedStore.open(database)
        poller = Poller(
            store, corpus, PollConfig(policy=LOOPBACK, interval=1800), name, clock=lambda: clock[0]
        )
        library = Library.load(corpus, tmp_path / f"index-{name}.sqlite3")
        worker = FeedWorker(library, poller, rescan_interval=10**9, clock=lambda: 0.0)
        made.append(Replica(store, library, worker))
    made[0].clock = clock  # type: ignore[attr-defined]
    yield made[0], made[1]
    for replica in made:
        replica.library.close()
        replica.store.close()


def step_together(*replicas: Replica) -> None:
    """Both replicas take a step at the same moment, as two processes' timers would."""
    start = threading.Barrier(len(replicas))
    errors: list[BaseException] = []

    def run(replica: Replica) -> None:
        start.wait()
        try:
            replica.worker.step()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(r,)) for r in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def serve_feeds(server: FeedServer, store: FeedStore) -> None:
    server.add_site()
    for name in FEEDS:
        body = (Path(__file__).parent / "fixtures/hosted-show.xml").read_text()
        store.add(name, server.add(f"/{name}.xml", body.replace("Buzzsprout-", f"{name}-")))


def test_each_feed_is_polled_by_one_replica_per_interval(
    replicas: tuple[Replica, Replica], feed_server: FeedServer
) -> None:
    """Each feed is polled by one replica per interval."""
    a, b = replicas
    serve_feeds(feed_server, a.store)
    step_together(a, b)
    assert [feed_server.hits[f"/{name}.xml"] for name in FEEDS] == [1, 1, 1]
    assert feed_server.hits["/site/bees.json"] == len(FEEDS)  # once per feed, not per replica
    step_together(a, b)  # same interval: nothing is due
    assert [feed_server.hits[f"/{name}.xml"] for name in FEEDS] == [1, 1, 1]
    a.clock[0] += 1800  # type: ignore[attr-defined]
    step_together(a, b)
    assert [feed_server.hits[f"/{name}.xml"] for name in FEEDS] == [2, 2, 2]


def test_every_replica_serves_a_new_episode_within_one_interval(
    replicas: tuple[Replica, Replica], feed_server: FeedServer
) -> None:
    """Every replica serves a new episode within one interval."""
    a, b = replicas
    serve_feeds(feed_server, a.store)
    step_together(a, b)
    # A replica whose step ran before the other's poll finished reads it at its next tick.
    step_together(a, b)
    for replica in (a, b):
        # The feeds carry the same transcript: one episode, served once (transcripts/identity.py).
        assert replica.library.search("rooftop").total == 1
        copies = [w for w in replica.library.warnings if "the same episode as" in w.message]
        assert len(copies) >= len(FEEDS) - 1


def test_a_claim_held_by_a_replica_keeps_the_other_off_the_feed(
    replicas: tuple[Replica, Replica], feed_server: FeedServer
) -> None:
    """A claim held by a replica keeps the other off the feed."""
    a, b = replicas
    serve_feeds(feed_server, a.store)
    assert a.store.claim("alpha", "a", lease=600, due_only=False)
    [report] = b.worker.poller.poll_now(["alpha"])  # type: ignore[union-attr]
    assert report.outcome == "busy"
    assert feed_server.hits["/alpha.xml"] == 0
