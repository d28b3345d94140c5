"""Search benchmark: synthetic catalogues made from the seed, quotebot next to bare engines.

For each size it reports index build time and size, cold start (open a built index, check the
corpus for changes, first answer), the query process's peak RSS, and query latency p50/p99 of

- quotebot: the full search path (typo correction, AND then OR, filters, boosts, highlights,
  passages loaded), ranking cache off;
- bare tantivy: tantivy's own query parser over the same full-text index, words AND-ed,
  top 5, no count, no typo check, no boosts, no passages;
- bare FTS5: `MATCH … ORDER BY bm25 LIMIT 5` (words AND-ed) over an FTS5 table of the same
  passages (porter unicode61, as quotebot used before);

all three in one process, interleaved query by query, over one query mix. Ratios are
quotebot's p99 over each bare engine's.

    python benchmarks/search_benchmark.py --sizes 1000 10000 --out /tmp/quotebot-bench

Generated corpora, indexes and the FTS5 reference stay in --out (benchmarks/out by default,
which git ignores) and are reused by later runs. Each step runs in a fresh subprocess so
that its peak RSS and cold start are its own.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from multiprocessing import Pool
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot import Library, QueryError  # noqa: E402
from bot.models import format_timestamp  # noqa: E402
from bot.search.fulltext import SPEAKER_VALUE, TEXT  # noqa: E402
from bot.search.index import fulltext_folder  # noqa: E402
from bot.search.query_parser import parse_query  # noqa: E402
from bot.transcripts.markdown import parse_markdown_transcript  # noqa: E402

SEED = next((REPO / "seeds").glob("*.txt"))
QUERIES = [
    # common words: the slow ones before
    "know",
    "think",
    "people",
    "manager",
    "team",
    "people think",
    "what do you think",
    # rarer words
    "layoffs",
    "promotion",
    "amazon meta",
    "interview",
    "writing",
    "performance review",
    "career growth",
    # phrases
    '"you know"',
    '"stack ranking"',
    '"senior manager"',
    '"death march"',
    '"low performer"',
    '"harder to lay off"',
    # typos
    "managr",
    "layofs",
    "kagle",
    "promtion",
    # filters
    "speaker:stefan manager",
    "speaker:ryan know",
    "in:pip people",
    "section:storytelling practice",
    "episode:synthetic-0007 layoffs",
    # nothing
    "kubernetes",
    "blockchain tokenomics",
]
SWAP_FRACTION = 0.1
INVENT_FRACTION = 0.01


# -- the synthetic catalogue ---------------------------------------------------------------------


def make_corpus(folder: Path, episodes: int) -> None:
    """Write `episodes` transcripts: the seed's turns reshuffled, some words swapped or invented
    (in two processes: 10,000 episodes take a few minutes)."""
    folder.mkdir(parents=True, exist_ok=True)
    missing = [n for n in range(episodes) if not _episode_path(folder, n).exists()]
    if not missing:
        return
    with Pool(2) as pool:
        pool.starmap(_write_episode, [(folder, n) for n in missing], chunksize=50)


def _episode_path(folder: Path, number: int) -> Path:
    return folder / f"synthetic-{number:04d}.txt"


_SEED_CACHE: dict = {}


def _write_episode(folder: Path, number: int) -> None:
    if not _SEED_CACHE:
        transcript = parse_markdown_transcript(SEED, "seed")
        _SEED_CACHE["transcript"] = transcript
        _SEED_CACHE["vocabulary"] = sorted(
            {w for t in transcript.turns for w in re.findall(r"[A-Za-z]+", t.text)}
        )
        _SEED_CACHE["front"] = SEED.read_text(encoding="utf-8").split("---", 2)[1]
    transcript = _SEED_CACHE["transcript"]
    vocabulary = _SEED_CACHE["vocabulary"]
    rng = random.Random(number)
    turns = list(transcript.turns)
    if number:
        rng.shuffle(turns)
    lines = ["---", _SEED_CACHE["front"].strip(), f"episode_title: Synthetic episode {number}"]
    lines += ["---", "Transcript"]
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
    _episode_path(folder, number).write_text("\n".join(lines), encoding="utf-8")


def _mutate(text: str, rng: random.Random, vocabulary: list[str]) -> str:
    def swap(match: re.Match[str]) -> str:
        roll = rng.random()
        if roll < INVENT_FRACTION:
            return match.group(0) + rng.choice(["ly", "ness", "ify", "ism", "er"])
        if roll < SWAP_FRACTION:
            return rng.choice(vocabulary)
        return match.group(0)

    return re.sub(r"[A-Za-z]+", swap, text)


# -- measuring ------------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def index_size_mb(index: Path) -> float:
    files = list(index.parent.glob(index.name + "*"))
    files += [p for p in fulltext_folder(index).rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files if p.is_file()) / 2**20


def build_fts5_reference(index: Path, reference: Path) -> float:
    """An FTS5 table of the same passages, built once (not part of quotebot's build)."""
    if reference.exists():
        return 0.0
    started = time.perf_counter()
    partial = reference.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    db = sqlite3.connect(partial, isolation_level=None)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute(
        "CREATE VIRTUAL TABLE passages_fts USING fts5(text, section, speaker, episode_id,"
        " tokenize='porter unicode61 remove_diacritics 2')"
    )
    db.execute("ATTACH DATABASE ? AS src", (str(index),))
    db.execute("BEGIN")
    db.execute(
        "INSERT INTO passages_fts(rowid, text, section, speaker, episode_id)"
        " SELECT id, text, section, speaker, episode_id FROM src.passages"
    )
    db.execute("COMMIT")
    db.execute("INSERT INTO passages_fts(passages_fts) VALUES ('optimize')")
    db.close()
    partial.rename(reference)
    return time.perf_counter() - started


def _fts_term(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


class BareEngines:
    """The reference engines: each query's words AND-ed, best 5, nothing else."""

    def __init__(self, library: Library, reference: Path | None) -> None:
        self.library = library
        self.fulltext = library.index.fulltext
        self.fts = sqlite3.connect(str(reference)) if reference else None
        self.prepared: dict[str, tuple] = {}

    def prepare(self, query: str) -> None:
        """Resolve what the bare engines are given (outside the timing): the query's words and
        phrases, the exact speaker a `speaker:` filter names."""
        parsed = parse_query(query)
        words = [w for w in parsed.words if re.fullmatch(r"\w+", w)]
        phrases = [" ".join(p) for p in parsed.phrases]
        text = " ".join([*words, *(f'"{p}"' for p in phrases)])
        speakers = ()
        if parsed.speaker:
            speakers = tuple(self.library._choices["speaker"].resolve(parsed.speaker))
        tantivy_query = None
        if text:
            tantivy_query = self.fulltext.index.parse_query(
                text, [TEXT], conjunction_by_default=True
            )
            if speakers:
                tantivy_query = self.fulltext.all_of(
                    [tantivy_query, self.fulltext.value_filter(SPEAKER_VALUE, speakers)]
                )
        terms = [_fts_term(w) for w in words] + [_fts_term(p) for p in phrases]
        fts = " AND ".join(terms)
        if speakers and fts:
            fts = f"({fts}) AND speaker : ({' OR '.join(_fts_term(s) for s in speakers)})"
        self.prepared[query] = (tantivy_query, fts)

    def tantivy(self, query: str) -> None:
        tantivy_query, _ = self.prepared[query]
        if tantivy_query is not None:
            self.fulltext.searcher().search(tantivy_query, 5, count=False)

    def fts5(self, query: str) -> None:
        _, expression = self.prepared[query]
        if self.fts is not None and expression:
            self.fts.execute(
                "SELECT rowid FROM passages_fts WHERE passages_fts MATCH ?"
                " ORDER BY bm25(passages_fts) LIMIT 5",
                (expression,),
            ).fetchall()


def worker(mode: str, corpus: Path, index: Path, passes: int, reference: Path | None) -> dict:
    if mode == "build":
        started = time.perf_counter()
        library = Library.load(corpus, index)
        return {
            "build_s": time.perf_counter() - started,
            "episodes": len(library.episodes()),
            "passages": library.index.passage_count(),
            "index_mb": index_size_mb(index),
            "build_peak_rss_mb": peak_rss_mb(),
        }
    started = time.perf_counter()
    # The ranking cache is off: every timed query does the full work.
    library = Library.load(corpus, index, cache_size=0)
    opened = time.perf_counter() - started
    library.search("layoffs")
    cold = time.perf_counter() - started
    for query in QUERIES:  # warm-up pass, also loads the typo vocabulary
        _search(library, query)
    ours_alone = [_time(library, q) for _ in range(2) for q in QUERIES]
    # Peak RSS of serving queries, before the reference engines add their own pages.
    query_rss = peak_rss_mb()
    bare = BareEngines(library, reference)
    for query in QUERIES:
        bare.prepare(query)
        bare.tantivy(query)
        bare.fts5(query)
    times: dict[str, list[float]] = {"quotebot": [], "tantivy": [], "fts5": []}
    per_query: dict[str, list[float]] = {q: [] for q in QUERIES}
    for _ in range(passes):
        for query in QUERIES:
            t0 = time.perf_counter()
            _search(library, query)
            t1 = time.perf_counter()
            bare.tantivy(query)
            t2 = time.perf_counter()
            bare.fts5(query)
            t3 = time.perf_counter()
            times["quotebot"].append((t1 - t0) * 1000)
            times["tantivy"].append((t2 - t1) * 1000)
            times["fts5"].append((t3 - t2) * 1000)
            per_query[query].append((t1 - t0) * 1000)
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
    slowest = sorted(((statistics.median(v), q) for q, v in per_query.items()), reverse=True)
    row = {
        "open_s": opened,
        "cold_start_s": cold,
        "quotebot_alone_p99_ms": percentile(ours_alone, 0.99),
        "queries": len(times["quotebot"]),
        "next_page_p50_ms": percentile(cached, 0.5),
        "next_page_p99_ms": percentile(cached, 0.99),
        "slowest": [(round(ms, 2), q) for ms, q in slowest[:5]],
        "query_peak_rss_mb": query_rss,
        "peak_rss_with_references_mb": peak_rss_mb(),
    }
    for engine, values in times.items():
        row[f"{engine}_p50_ms"] = percentile(values, 0.5)
        row[f"{engine}_p99_ms"] = percentile(values, 0.99)
    return row


def _search(library: Library, query: str) -> None:
    with contextlib.suppress(QueryError):
        library.search(query, limit=5)


def _time(library: Library, query: str) -> float:
    t0 = time.perf_counter()
    _search(library, query)
    return (time.perf_counter() - t0) * 1000


def _run_worker(mode: str, corpus: Path, index: Path, args: argparse.Namespace, ref: str) -> dict:
    command = [sys.executable, __file__, "--worker", mode, "--corpus", str(corpus)]
    command += ["--index", str(index), "--passes", str(args.passes), "--reference", ref]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{mode} worker failed:\n{done.stderr}")
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out")
    parser.add_argument("--passes", type=int, default=10)
    parser.add_argument("--rebuild", action="store_true", help="build the index again")
    parser.add_argument("--no-fts5", action="store_true", help="skip the FTS5 reference")
    parser.add_argument("--worker", choices=["build", "query"])
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--index", type=Path)
    parser.add_argument("--reference", default="")
    args = parser.parse_args()
    if args.worker:
        reference = Path(args.reference) if args.reference else None
        row = worker(args.worker, args.corpus, args.index, args.passes, reference)
        print(json.dumps(row))
        return
    rows = []
    for size in args.sizes:
        corpus = args.out / f"corpus-{size}"
        index = args.out / f"index-{size}.sqlite3"
        reference = args.out / f"fts5-reference-{size}.sqlite3"
        started = time.perf_counter()
        make_corpus(corpus, size)
        print(f"{size} episodes written in {time.perf_counter() - started:.0f} s", flush=True)
        row: dict = {"size": size}
        if args.rebuild or not index.exists():
            for stale in args.out.glob(f"index-{size}.sqlite3*"):
                shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
            row.update(_run_worker("build", corpus, index, args, ""))
        else:
            row.update({"build_s": float("nan"), "index_mb": index_size_mb(index)})
        if not args.no_fts5:
            seconds = build_fts5_reference(index, reference)
            print(f"FTS5 reference ready ({seconds:.0f} s)", flush=True)
        ref = "" if args.no_fts5 else str(reference)
        row.update(_run_worker("query", corpus, index, args, ref))
        rows.append(row)
        print(json.dumps(row), flush=True)
    print()
    print(
        "| episodes | build | index | cold start | query RSS | quotebot p50/p99 "
        "| tantivy p50/p99 | FTS5 p50/p99 | p99 ratio vs tantivy | vs FTS5 | next page p50/p99 |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['size']:,} | {r['build_s']:.1f} s | {r['index_mb']:.0f} MB "
            f"| {r['cold_start_s'] * 1000:.0f} ms | {r['query_peak_rss_mb']:.0f} MB "
            f"| {r['quotebot_p50_ms']:.2f} / {r['quotebot_p99_ms']:.2f} ms "
            f"| {r['tantivy_p50_ms']:.2f} / {r['tantivy_p99_ms']:.2f} ms "
            f"| {r['fts5_p50_ms']:.2f} / {r['fts5_p99_ms']:.2f} ms "
            f"| {r['quotebot_p99_ms'] / max(r['tantivy_p99_ms'], 1e-9):.1f}x "
            f"| {r['quotebot_p99_ms'] / max(r['fts5_p99_ms'], 1e-9):.2f}x "
            f"| {r['next_page_p50_ms']:.2f} / {r['next_page_p99_ms']:.2f} ms |"
        )
    for r in rows:
        print(f"slowest quotebot queries at {r['size']:,} episodes (median ms): {r['slowest']}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
