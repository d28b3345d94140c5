"""Feed tests: a loopback feed server, a SQLite feed store and a poller into a temp corpus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from feed_server import LOOPBACK, FeedServer

from bot.feeds import FeedStore, PollConfig, Poller


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer().start()
    yield server
    server.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[FeedStore]:
    feeds = FeedStore.open(f"sqlite:///{tmp_path / 'quotebot.sqlite3'}")
    yield feeds
    feeds.close()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


@pytest.fixture
def poller(store: FeedStore, corpus: Path) -> Poller:
    return Poller(store, corpus, PollConfig(policy=LOOPBACK, workers=4), replica="test")
