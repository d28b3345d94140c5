"""A feed's `podcast:soundbite`s are offered to the advice pool as candidates."""

from __future__ import annotations

from pathlib import Path

from feed_server import FeedServer

from bot import Library
from bot.advice.scoring import heuristic_pool
from bot.feeds import FeedStore, Poller


def test_a_passage_inside_a_soundbite_is_an_advice_candidate(
    feed_server: FeedServer, store: FeedStore, poller: Poller, corpus: Path, tmp_path: Path
) -> None:
    """Tom's rooftop passage (7 s, inside the 7–32.5 s soundbite) is in the pool, with the
    soundbite's title as its reason; nothing else in that episode reads as advice."""
    feed_server.add_site()
    store.add("garden", feed_server.add_file("/feed.xml", "hosted-show.xml"))
    poller.poll_now()
    library = Library.load(corpus, tmp_path / "index.sqlite3")
    try:
        pool = heuristic_pool(library.passages())
    finally:
        library.close()
    assert [(c.passage.seconds, c.reasons[0]) for c in pool] == [
        (7, "soundbite “Why bees love rooftops”")
    ]
