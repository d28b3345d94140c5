"""What every `quotebot` subcommand shares: exit codes and opening the library."""

from __future__ import annotations

import argparse
import sys

from ..advice.candidates import CandidateStore, load_library
from ..library import Library
from ..settings import Settings
from .progress import progress_bar

EXIT_OK, EXIT_NO_RESULTS, EXIT_USAGE = 0, 1, 2


def open_library(
    args: argparse.Namespace, settings: Settings | None = None, full_check: bool = False
) -> Library:
    """Load the library for a command, reporting skipped transcripts on stderr (advice
    candidates of any transcript it re-reads are scored on the way)."""
    library, store = open_library_and_candidates(args, full_check, settings)
    store.close()
    return library


def open_library_and_candidates(
    args: argparse.Namespace, full_check: bool = False, settings: Settings | None = None
) -> tuple[Library, CandidateStore]:
    """The library and its advice candidate store, kept in step by the same sync;
    `full_check` compares every transcript file, not only changed folders.

    The settings are read (and so checked) here too: a wrong setting is reported by every
    command in the same one line, not only by the bots."""
    settings = settings or Settings.load()
    library, store = load_library(
        args.corpus or settings.corpus,
        args.index or settings.index,
        progress_bar("indexing"),
        full_check=full_check,
    )
    for error in library.errors:
        print(f"quotebot: skipped {error}", file=sys.stderr)
    for warning in library.warnings:
        print(f"quotebot: warning: {warning}", file=sys.stderr)
    return library, store
