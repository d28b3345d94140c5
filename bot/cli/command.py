"""The `quotebot` command: search the transcripts from a terminal, check them, run the bots.

Each group of subcommands lives in its own module of this folder (search, transcripts, advice,
bots); this one builds the parser and turns errors into messages and exit codes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import QuotebotError
from ..settings import ConfigError, Settings
from . import advice, bots, cards, feeds, search, transcribe, transcripts
from .common import EXIT_OK, EXIT_USAGE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quotebot",
        description="Quote what was actually said on the podcast.",
        epilog="Example: quotebot search layoffs",
    )
    corpus_options = argparse.ArgumentParser(add_help=False)
    corpus_options.add_argument(
        "--corpus",
        type=Path,
        help="folder of transcripts (default: $QUOTEBOT_CORPUS or the bundled seeds)",
    )
    corpus_options.add_argument(
        "--index", type=Path, help="index cache file (default: $QUOTEBOT_INDEX or ~/.cache)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (search, transcripts, transcribe, advice, feeds, cards, bots):
        module.add_commands(commands, corpus_options)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        # Every command checks every setting first, so a wrong one is the same one line
        # whichever command meets it (not only the bots, and not a crash later).
        Settings.load(config_file=getattr(args, "config", None))
    except ConfigError as exc:
        print(f"quotebot {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return args.handler(args)
    except QuotebotError as exc:
        print(f"quotebot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # `quotebot search x | head` closing the pipe early is not an error.
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:
        # A file or folder the user named but the process cannot use: one line, no traceback.
        print(f"quotebot: {describe_os_error(exc)}", file=sys.stderr)
        return EXIT_USAGE


def describe_os_error(exc: OSError) -> str:
    """`Permission denied: /srv/x` rather than `[Errno 13] Permission denied: '/srv/x'`."""
    if exc.strerror and exc.filename is not None:
        return f"{exc.strerror}: {exc.filename}"
    return exc.strerror or str(exc)


if __name__ == "__main__":
    sys.exit(main())
