"""Sharing benchmark: quote card render time and PNG size, page render time, autocomplete.

    python benchmarks/sharing_benchmark.py [--episodes 100] [--runs 200]

Cards: every passage of the seed (short and long quotes) drawn and encoded, warm (fonts and
cmaps loaded once, as in a running bot), plus the first card of a fresh process (cold). The
reference in the same process is Pillow encoding the same blank 1200×630 canvas, which no
card can beat. Pages: the quote page (passage, neighbours, template) and a search page of ten
hits, next to the bare `Library.search` they wrap. Autocomplete: `Library.suggest` for partial
queries on a synthetic corpus of `--episodes` episodes made from the seed.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from PIL import Image  # noqa: E402

from bot import Library  # noqa: E402
from bot.cards import CardStyle, missing_glyphs, render_card  # noqa: E402
from bot.cards.render import PNG_COMPRESSION  # noqa: E402
from bot.web import Pages  # noqa: E402

# A line of each script, to measure what the shipped fonts cover.
SCRIPTS = {
    "Latin with accents": "Zoë Ångström café naïve ß œ ł ő",
    "Greek": "Καλημέρα κόσμε",
    "Cyrillic": "Привет мир",
    "Chinese": "我们需要更好的写作",
    "Japanese": "日本語のテキストです",
    "Korean": "한국어 텍스트",
    "Arabic": "مرحبا بالعالم",
    "Hebrew": "שלום עולם",
    "Devanagari": "नमस्ते दुनिया",
    "Thai": "สวัสดีชาวโลก",
    "Emoji": "😀😂👍🎙️🚀❤️🔥",
}
PARTIAL = ["layo", "manag", "promo", "stack r", "speaker:ryan lay", "the", "write bet", "perf"]
SEARCHES = ["layoffs", "manager", "promotion", '"stack ranking"', "write better"]


def timings(func, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        out.append((time.perf_counter() - started) * 1000)
    return out


def summary(name: str, values: list[float], reference: list[float] | None = None) -> str:
    values = sorted(values)
    p50 = statistics.median(values)
    p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
    line = f"{name:<38} p50 {p50:8.2f} ms   p99 {p99:8.2f} ms"
    if reference:
        line += f"   ×{p50 / statistics.median(reference):.1f} of reference"
    return line


def cold_card_ms() -> float:
    code = (
        "import time; t=time.perf_counter();"
        "from bot import Library; from bot.cards import render_card;"
        "lib=Library.load(); p=lib.passage('peterman-pod-2025-08-15-stefan-mai:215');"
        "s=time.perf_counter(); render_card(p); print((time.perf_counter()-s)*1000)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=100)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        library = Library.load(index_path=Path(tmp) / "seed.sqlite3")
        passages = list(library.passages())
        style = CardStyle()
        render_card(passages[0], style)  # load fonts and cmaps once, as a running bot has

        blank = Image.new("RGB", (1200, 630), style.background)

        def encode_blank() -> None:
            blank.save(io.BytesIO(), format="PNG", compress_level=PNG_COMPRESSION)

        reference = timings(encode_blank, args.runs)
        sizes: list[int] = []
        card_times: list[float] = []
        for passage in passages:
            started = time.perf_counter()
            sizes.append(len(render_card(passage, style)))
            card_times.append((time.perf_counter() - started) * 1000)
        print(f"cards over {len(passages)} seed passages (1200×630 PNG)")
        print(summary("  card render + encode (warm)", card_times, reference))
        print(summary("  reference: encode a blank canvas", reference))
        colds = [cold_card_ms() for _ in range(3)]
        print(f"  first card in a fresh process (cold)  median {statistics.median(colds):.1f} ms")
        print(
            f"  PNG size: median {statistics.median(sizes) / 1024:.1f} KiB, "
            f"max {max(sizes) / 1024:.1f} KiB"
        )

        print("\nglyph coverage of the shipped fonts")
        for script, line in SCRIPTS.items():
            drawn = [c for c in line if c.isprintable() and not c.isspace()]
            missing = missing_glyphs(line)
            covered = sum(1 for c in drawn if c not in missing)
            print(f"  {script:<20} {covered:>2}/{len(drawn):<2} {''.join(missing)}")
        corpus_text = "".join(p.text + p.speaker + p.section for p in passages)
        print(
            f"  seed transcripts: {len(set(corpus_text))} distinct characters, "
            f"{len(missing_glyphs(corpus_text))} not covered"
        )

        pages = Pages(library, "https://quotes.example.com")
        keys = [p.key for p in passages]
        position = iter(range(10**9))

        def quote_page() -> None:
            pages.quote(keys[next(position) % len(keys)])

        def lookup() -> None:
            key = keys[next(position) % len(keys)]
            library.context(library.passage(key), before=2, after=2)

        lookups = timings(lookup, args.runs)
        print("\npages")
        print(summary("  quote page /q/<key>", timings(quote_page, args.runs), lookups))
        print(summary("  reference: passage + context lookup", lookups))
        searches = iter(range(10**9))

        def search_page() -> None:
            pages.search(SEARCHES[next(searches) % len(SEARCHES)])

        def bare_search() -> None:
            library.search(SEARCHES[next(searches) % len(SEARCHES)], limit=10)

        bare = timings(bare_search, args.runs)
        print(summary("  search page /search?q=…", timings(search_page, args.runs), bare))
        print(summary("  reference: Library.search (10 hits)", bare))
        library.close()

        from search_benchmark import make_corpus

        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        make_corpus(corpus, args.episodes)
        started = time.perf_counter()
        big = Library.load(corpus, Path(tmp) / "big.sqlite3")
        print(
            f"\nautocomplete on {args.episodes} episodes (built in "
            f"{time.perf_counter() - started:.0f} s, {big.index.passage_count():,} passages)"
        )
        partial = iter(range(10**9))

        def suggest() -> None:
            big.suggest(PARTIAL[next(partial) % len(PARTIAL)])

        for query in PARTIAL:
            big.suggest(query)  # warm the speller and the page cache
        print(summary("  Library.suggest (25 choices)", timings(suggest, args.runs)))
        big.close()


if __name__ == "__main__":
    main()
