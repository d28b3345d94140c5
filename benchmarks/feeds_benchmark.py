"""Feeds benchmark: polling a catalogue of feeds on loopback, and the index update that follows.

1. **Polling**: `--feeds` feeds (50) of `--episodes` items (300) each, every item with a
   speaker-labelled WebVTT transcript, served by the tests' loopback feed server. Reports the
   first poll (fetch, check, store every transcript) and the second poll, where every feed
   answers 304 (target: at most 1 s for 50 feeds).
2. **Incremental update**: a library of `--catalogue` episodes (1,000, the search benchmark's
   synthetic corpus) is indexed, then one feed publishes one new episode. The feed worker's
   step (poll + index refresh) is timed while a thread keeps searching; search latency during
   the step is compared with latency before it (target: the update in at most 2 s, searches
   never paused).

    python benchmarks/feeds_benchmark.py [--feeds 50] [--episodes 300] [--catalogue 1000]
        [--rounds 3] [--out benchmarks/out/feeds]

Nothing leaves the machine: every URL is on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot import Library  # noqa: E402
from bot.feeds import FeedStore, FeedWorker, FetchPolicy, PollConfig, Poller  # noqa: E402
from tests.feeds.feed_server import FeedServer  # noqa: E402

LOOPBACK = FetchPolicy(allow_private=True)
NS = "https://podcastindex.org/namespace/1.0"
QUERIES = ["layoffs", "manager", "promotion", '"stack ranking"', "interview", "kagle", "writing"]
WORDS = (
    "the team shipped a feature after months of careful planning and long review cycles "
    "while managers argued about promotions layoffs budgets and what users really wanted"
).split()


def transcript(feed: int, episode: int, cues: int = 40) -> bytes:
    """A WebVTT transcript of `cues` cues, two speakers, about 4 KB."""
    lines = ["WEBVTT", ""]
    for cue in range(cues):
        start = cue * 7
        words = [WORDS[(feed * 31 + episode * 7 + cue * 3 + i) % len(WORDS)] for i in range(12)]
        speaker = "Host" if cue % 2 == 0 else "Guest"
        lines += [
            f"00:{start // 60:02d}:{start % 60:02d}.000 --> 00:{(start + 6) // 60:02d}:"
            f"{(start + 6) % 60:02d}.000",
            f"<v {speaker}>{' '.join(words).capitalize()} number {feed}-{episode}.",
            "",
        ]
    return "\n".join(lines).encode()


def feed_xml(server: FeedServer, feed: int, episodes: int) -> bytes:
    items = []
    for episode in range(episodes):
        items.append(
            f"<item><title>Feed {feed} episode {episode}</title><guid>f{feed}-e{episode}</guid>"
            f"<pubDate>Mon, 01 Sep 2025 10:00:00 GMT</pubDate>"
            f'<enclosure url="{server.base}/audio/{feed}/{episode}.mp3" type="audio/mpeg"/>'
            f'<podcast:person role="host">Hannah Host</podcast:person>'
            f'<podcast:person role="guest">Gus Guest</podcast:person>'
            f'<podcast:transcript url="{server.base}/t/{feed}/{episode}.vtt" type="text/vtt"/>'
            "</item>"
        )
    return (
        f'<rss version="2.0" xmlns:podcast="{NS}"><channel><title>Feed {feed}</title>'
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def polling(args: argparse.Namespace, out: Path) -> None:
    server = FeedServer().start()
    try:
        for feed in range(args.feeds):
            for episode in range(args.episodes):
                server.add(
                    f"/t/{feed}/{episode}.vtt", transcript(feed, episode), content_type="text/vtt"
                )
            server.add(
                f"/feeds/{feed}.xml",
                feed_xml(server, feed, args.episodes),
                content_type="application/rss+xml",
            )
        store = FeedStore.open(f"sqlite:///{out / 'poll.sqlite3'}")
        for feed in range(args.feeds):
            store.add(f"feed-{feed}", server.url(f"/feeds/{feed}.xml"))
        clock = [time.time()]
        poller = Poller(
            store, out / "polled", PollConfig(policy=LOOPBACK), "bench", clock=lambda: clock[0]
        )
        started = time.perf_counter()
        first = poller.poll_due()
        first_seconds = time.perf_counter() - started
        files = sum(1 for _ in (out / "polled").rglob("*.vtt"))
        assert all(r.outcome == "updated" for r in first), [r for r in first if r.error][:3]
        seconds = []
        for _ in range(args.rounds):
            clock[0] += poller.config.interval
            started = time.perf_counter()
            second = poller.poll_due()
            seconds.append(time.perf_counter() - started)
            assert [r.outcome for r in second] == ["not modified"] * args.feeds
        store.close()
    finally:
        server.stop()
    items = args.feeds * args.episodes
    print(f"polling {args.feeds} feeds x {args.episodes} episodes on loopback")
    print(
        f"  first poll: {first_seconds:.1f} s for {items} items, {files} transcripts stored "
        f"({items / first_seconds:.0f} items/s)"
    )
    print(
        f"  second poll (all 304): median {statistics.median(seconds):.3f} s, "
        f"max {max(seconds):.3f} s over {args.rounds} rounds (target <= 1 s)"
    )


def catalogue(folder: Path, episodes: int) -> None:
    """The search benchmark's synthetic episodes (reused from /work-style caches if present)."""
    from benchmarks.search_benchmark import make_corpus

    make_corpus(folder, episodes)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def incremental(args: argparse.Namespace, out: Path) -> None:
    corpus = out / "catalogue"
    catalogue(corpus / "synthetic", args.catalogue)
    shutil.rmtree(corpus / "feeds", ignore_errors=True)
    index = out / "catalogue-index.sqlite3"
    started = time.perf_counter()
    library = Library.load(corpus, index)
    print(
        f"incremental update at {len(library.episodes())} episodes "
        f"(index opened or built in {time.perf_counter() - started:.1f} s)"
    )
    server = FeedServer().start()
    store_path = out / "incremental.sqlite3"
    store_path.unlink(missing_ok=True)
    store = FeedStore.open(f"sqlite:///{store_path}")
    store.add("news", server.url("/news.xml"))
    clock = [time.time()]
    poller = Poller(store, corpus, PollConfig(policy=LOOPBACK), "bench", clock=lambda: clock[0])
    worker = FeedWorker(library, poller, rescan_interval=10**9)
    try:
        for round_number in range(args.rounds):
            server.add(
                f"/t/new/{round_number}.vtt",
                transcript(999, round_number).replace(b"number", b"zanzibar"),
                content_type="text/vtt",
            )
            server.add(
                "/news.xml",
                feed_xml_new(server, round_number + 1),
                content_type="application/rss+xml",
            )
            clock[0] += poller.config.interval
            latencies: list[tuple[float, float]] = []
            stop = threading.Event()

            def search(
                stop: threading.Event = stop, latencies: list[tuple[float, float]] = latencies
            ) -> None:
                n = 0
                while not stop.is_set():
                    began = time.perf_counter()
                    library.search(QUERIES[n % len(QUERIES)])
                    latencies.append((began, time.perf_counter() - began))
                    n += 1

            searcher = threading.Thread(target=search)
            searcher.start()
            time.sleep(1.5)
            step_started = time.perf_counter()
            step = worker.step()
            step_ended = time.perf_counter()
            time.sleep(0.3)
            stop.set()
            searcher.join()
            assert step.refresh is not None and step.refresh.parsed == 1, step
            found = library.search("zanzibar").total
            before = [s for began, s in latencies if began < step_started]
            during = [s for began, s in latencies if step_started <= began < step_ended]
            spans = [began + s for began, s in latencies]
            gaps = [
                b - a
                for a, b in zip(spans, spans[1:], strict=False)
                if a >= step_started and b <= step_ended + 0.3
            ]
            took = step_ended - step_started
            print(
                f"  round {round_number + 1}: poll + index update {took:.2f} s "
                f"(index refresh {step.refresh.seconds:.2f} s; target <= 2 s); new episode "
                f"found: {found > 0}"
            )
            print(
                f"    searches before: {len(before)}, "
                f"p50 {1000 * statistics.median(before):.1f} ms, "
                f"p99 {1000 * percentile(before, 0.99):.1f} ms | during: {len(during)}, "
                f"p50 {1000 * statistics.median(during):.1f} ms, p99 "
                f"{1000 * percentile(during, 0.99):.1f} ms, max {1000 * max(during):.1f} ms, "
                f"longest gap between answers {1000 * max(gaps, default=0):.1f} ms "
                f"(p50 ratio {statistics.median(during) / statistics.median(before):.2f})"
            )
    finally:
        store.close()
        library.close()
        server.stop()


def feed_xml_new(server: FeedServer, count: int) -> bytes:
    items = "".join(
        f"<item><title>Breaking news {n}</title><guid>news-{n}</guid>"
        f'<podcast:transcript url="{server.base}/t/new/{n}.vtt" type="text/vtt"/></item>'
        for n in range(count)
    )
    return f'<rss xmlns:podcast="{NS}"><channel><title>News</title>{items}</channel></rss>'.encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--episodes", type=int, default=300)
    parser.add_argument("--catalogue", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "feeds")
    parser.add_argument("--skip-polling", action="store_true")
    parser.add_argument("--skip-incremental", action="store_true")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.skip_polling:
        shutil.rmtree(args.out / "polled", ignore_errors=True)
        (args.out / "poll.sqlite3").unlink(missing_ok=True)
        polling(args, args.out)
    if not args.skip_incremental:
        incremental(args, args.out)


if __name__ == "__main__":
    main()
