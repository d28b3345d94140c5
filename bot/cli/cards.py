"""`quotebot card`: a quote card PNG from the terminal, for a passage key or a search."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from ..cards import CardStyle, missing_glyphs, render_card
from ..errors import QueryError
from ..settings import Settings
from .common import EXIT_NO_RESULTS, EXIT_OK, open_library


def add_commands(commands: Any, corpus_options: argparse.ArgumentParser) -> None:
    """Register this module's subcommands."""
    card = commands.add_parser(
        "card",
        parents=[corpus_options],
        help="render a quote card (1200×630 PNG)",
        description=(
            "Render the quote card of a passage: KEY is a passage key "
            "(`quotebot search … --json` shows them), or words to search for, whose best "
            "match is drawn. Colours and artwork come from the QUOTEBOT_CARD_* settings."
        ),
    )
    card.add_argument("key", nargs="+", metavar="KEY", help="a passage key, or a query")
    card.add_argument(
        "-o", "--output", type=Path, help="PNG file to write (default: <key>.png; - for stdout)"
    )
    card.add_argument("--config", type=Path, help="YAML file (default: $QUOTEBOT_CONFIG)")
    card.set_defaults(handler=run_card)


def run_card(args: argparse.Namespace) -> int:
    style = CardStyle.from_settings(Settings.load(config_file=args.config))
    text = " ".join(args.key)
    library = open_library(args)
    try:
        try:
            passage = library.passage(text)
        except QueryError:
            result = library.search(text, limit=1)
            if not result.hits:
                print(f"quotebot: no passage has the key or matches “{text}”", file=sys.stderr)
                return EXIT_NO_RESULTS
            passage = result.hits[0].passage
        started = time.perf_counter()
        png = render_card(passage, style)
        elapsed = time.perf_counter() - started
    finally:
        library.close()
    missing = missing_glyphs(passage.text + passage.speaker + passage.section)
    if missing:
        print(
            f"quotebot: {len(missing)} character(s) no shipped font has, drawn as boxes: "
            + " ".join(missing),
            file=sys.stderr,
        )
    if str(args.output) == "-":
        sys.stdout.buffer.write(png)
        return EXIT_OK
    output = args.output or Path(passage.key.replace(":", "-") + ".png")
    output.write_bytes(png)
    print(f"{output}: {passage.key}, {len(png):,} bytes, drawn in {elapsed * 1000:.0f} ms")
    return EXIT_OK
