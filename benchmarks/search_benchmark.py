"""Search benchmark: synthetic corpora of 1, 100 and 1,000 episodes made from the seed.

For each size it reports index build time, index size, peak RSS, cold start (opening a built
index) and warm query latency p50/p99 over a fixed query mix, next to a bare FTS5
`MATCH … ORDER BY bm25` on the same index in the same process.

    python benchmarks/search_benchmark.py [--sizes 1 100 1000] [--out benchmarks/out]

Each measurement runs in a fresh subprocess so that peak RSS and cold start are its own.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot import Library, QueryError  # noqa: E402
from bot.models import format_timestamp  # noqa: E402
from bot.search.query_parser import fts_term, parse_query  # noqa: E402
from bot.transcripts.markdown import parse_markdown_transcript  # noqa: E402

SEED = next((REPO / "seeds").glob("*.txt"))
QUERIES = [
    # words
    "layoffs",
    "manager",
    "promotion",
    "amazon meta",
    "interview",
    "writing",
    "performance review",
    "career growth",
    "team",
    "people think",
    # phrases
    '"stack ranking"',
    '"senior manager"',
    '"death march"',
    '"low performer"',
    # typos
    "layofs",
    "kagle",
    "promtion",
    "managr",
    # filters
    "speaker:stefan manager",
    "in:pip people",
    "section:storytelling practice",
    "episode:synthetic-0007 layoffs",
    # nothing
    "kubernetes",
]
SWAP_FRACTION = 0.1
INVENT_FRACTION = 0.01


def make_corpus(folder: Path, episodes: int) -> None:
    """Write `episodes` transcripts: the seed's turns reshuffled, some words swapped or invented."""
    folder.mkdir(parents=True, exist_ok=True)
    transcript = parse_markdown_transcript(SEED, "seed")
    vocabulary = sorted({w for t in transcript.turns for w in re.findall(r"[A-Za-z]+", t.text)})
    front = SEED.read_text(encoding="utf-8").split("---", 2)[1]
    for number in range(episodes):
        path = folder / f"synthetic-{number:04d}.txt"
        if path.exists():
            continue
        rng = random.Random(number)
        turns = list(transcript.turns)
        if number:
            rng.shuffle(turns)
        lines = ["---", front.strip(), f"episode_title: Synthetic episode {number}", "---"]
        lines.append("Transcript")
        seconds = 0
        current = None
        # Turns keep their shuffled order within each section; sections keep the seed's order.
        for turn in sorted(turns, key=lambda t: transcript.episode.sections.index(t.section)):
            if turn.section != current:
                lines.append(f"### {turn.section}")
                current = turn.section
            seconds += rng.randint(5, 90)
            lines.append(f"{turn.speaker.split()[0]} {format_timestamp(seconds)}:")
            lines.append("")
            for segment in turn.segments:
                lines.append(_mutate(segment.text, rng, vocabulary) if number else segment.text)
                lines.append("")
        path.write_text("\n".join(lines), encoding="utf-8")


def _mutate(text: str, rng: random.Random, vocabulary: list[str]) -> str:
    def swap(match: re.Match[str]) -> str:
        roll = rng.random()
        if roll < INVENT_FRACTION:
            return match.group(0) + rng.choice(["ly", "ness", "ify", "ism", "er"])
        if roll < SWAP_FRACTION:
            return rng.choice(vocabulary)
        return match.group(0)

    return re.sub(r"[A-Za-z]+", swap, text)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def bare_fts(db: sqlite3.Connection, query: str) -> None:
    """The reference: the query's words AND-ed, straight into FTS5, best 5 by bm25."""
    parsed = parse_query(query)
    terms = [fts_term(w) for w in parsed.words] + [fts_term(" ".join(p)) for p in parsed.phrases]
    if not terms:
        return
    db.execute(
        "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? ORDER BY bm25(passages_fts)"
        " LIMIT 5",
        (" AND ".join(terms),),
    ).fetchall()


def worker(mode: str, corpus: Path, index: Path, passes: int) -> dict:
    if mode == "build":
        started = time.perf_counter()
        library = Library.load(corpus, index)
        return {
            "build_s": time.perf_counter() - started,
            "episodes": len(library.episodes()),
            "passages": library.index.passage_count(),
            "index_mb": sum(p.stat().st_size for p in index.parent.glob(index.name + "*")) / 2**20,
            "build_peak_rss_mb": peak_rss_mb(),
        }
    started = time.perf_counter()
    # The ranking cache is off: every timed query does the full work.
    library = Library.load(corpus, index, cache_size=0)
    cold = time.perf_counter() - started
    first_query_started = time.perf_counter()
    library.search("layoffs")
    first_query = time.perf_counter() - first_query_started
    reference = sqlite3.connect(str(index))
    ours: list[float] = []
    bare: list[float] = []
    for query in QUERIES:  # warm-up pass, also builds the typo vocabulary
        _search(library, query)
        bare_fts(reference, query)
    for _ in range(passes):
        for query in QUERIES:
            t0 = time.perf_counter()
            _search(library, query)
            t1 = time.perf_counter()
            bare_fts(reference, query)
            t2 = time.perf_counter()
            ours.append((t1 - t0) * 1000)
            bare.append((t2 - t1) * 1000)
    cached_library = Library.load(corpus, index)
    cached: list[float] = []
    for query in QUERIES:  # the first page fills the cache, as a chat answer does
        _search(cached_library, query)
    for _ in range(passes):
        for query in QUERIES:  # "Next" in chat: the same query, the next page
            t0 = time.perf_counter()
            with contextlib.suppress(QueryError):
                cached_library.search(query, limit=1, offset=1)
            cached.append((time.perf_counter() - t0) * 1000)
    slowest = sorted(
        ((statistics.median(_time(library, q) for _ in range(3)), q) for q in QUERIES),
        reverse=True,
    )[:3]
    return {
        "cold_start_s": cold,
        "first_query_ms": first_query * 1000,
        "p50_ms": percentile(ours, 0.5),
        "p99_ms": percentile(ours, 0.99),
        "bare_p50_ms": percentile(bare, 0.5),
        "bare_p99_ms": percentile(bare, 0.99),
        "queries": len(ours),
        "next_page_p50_ms": percentile(cached, 0.5),
        "next_page_p99_ms": percentile(cached, 0.99),
        "slowest": [(round(ms, 2), q) for ms, q in slowest],
        "query_peak_rss_mb": peak_rss_mb(),
    }


def _search(library: Library, query: str) -> None:
    with contextlib.suppress(QueryError):
        library.search(query, limit=5)


def _time(library: Library, query: str) -> float:
    t0 = time.perf_counter()
    _search(library, query)
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out")
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--worker", choices=["build", "query"])
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--index", type=Path)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.corpus, args.index, args.passes)))
        return
    rows = []
    for size in args.sizes:
        corpus = args.out / f"corpus-{size}"
        index = args.out / f"index-{size}.sqlite3"
        make_corpus(corpus, size)
        for stale in args.out.glob(f"index-{size}.sqlite3*"):
            stale.unlink()
        row = {"size": size}
        for mode in ("build", "query"):
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    mode,
                    "--corpus",
                    str(corpus),
                    "--index",
                    str(index),
                    "--passes",
                    str(args.passes),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            row.update(json.loads(done.stdout))
        rows.append(row)
        print(json.dumps(row), flush=True)
    print()
    print(
        "| episodes | passages | build | index | build RSS | cold start | first query "
        "| p50 | p99 | bare FTS5 p50 | bare FTS5 p99 | next page p50/p99 | query RSS |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['episodes']:,} | {r['passages']:,} | {r['build_s']:.1f} s | "
            f"{r['index_mb']:.1f} MB | {r['build_peak_rss_mb']:.0f} MB | "
            f"{r['cold_start_s'] * 1000:.0f} ms | {r['first_query_ms']:.1f} ms | "
            f"{r['p50_ms']:.2f} ms | {r['p99_ms']:.2f} ms | {r['bare_p50_ms']:.2f} ms | "
            f"{r['bare_p99_ms']:.2f} ms | "
            f"{r['next_page_p50_ms']:.2f}/{r['next_page_p99_ms']:.2f} ms | "
            f"{r['query_peak_rss_mb']:.0f} MB |"
        )
    for r in rows:
        print(f"slowest at {r['episodes']:,} episodes: {r['slowest']}")


if __name__ == "__main__":
    main()
