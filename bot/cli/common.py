"""What every `quotebot` subcommand shares: exit codes and opening the library."""

from __future__ import annotations

import argparse
import sys

from ..library import Library
from ..settings import Settings

EXIT_OK, EXIT_NO_RESULTS, EXIT_USAGE = 0, 1, 2


def open_library(args: argparse.Namespace, settings: Settings | None = None) -> Library:
    """Load the library for a command, reporting skipped transcripts on stderr.

    The settings are read (and so checked) here too: a wrong setting is reported by every
    command in the same one line, not only by the bots."""
    settings = settings or Settings.load()
    library = Library.load(args.corpus or settings.corpus, args.index or settings.index)
    for error in library.errors:
        print(f"quotebot: skipped {error}", file=sys.stderr)
    return library
