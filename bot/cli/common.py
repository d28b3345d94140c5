"""What every `quotebot` subcommand shares: exit codes and opening the library."""

from __future__ import annotations

import argparse
import sys

from ..library import Library

EXIT_OK, EXIT_NO_RESULTS, EXIT_USAGE = 0, 1, 2


def open_library(args: argparse.Namespace, full_check: bool = False) -> Library:
    """Load the library for a command, reporting skipped transcripts on stderr."""
    library = Library.load(args.corpus, args.index, full_check=full_check)
    for error in library.errors:
        print(f"quotebot: skipped {error}", file=sys.stderr)
    for warning in library.warnings:
        print(f"quotebot: warning: {warning}", file=sys.stderr)
    return library
