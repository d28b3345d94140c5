"""The `quotebot` command: one module per group of subcommands, `main` builds the parser."""

from .command import build_parser, main

__all__ = ["build_parser", "main"]
