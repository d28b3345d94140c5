"""`quotebot run`, `slack`, `discord`, `config`: the bots, started from the terminal.

The adapters are imported inside the handlers, so the other commands never load a chat SDK."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..library import default_index_path
from ..settings import Settings
from ..store.database import Database, default_database_url
from ..transcripts.corpus import bundled_seeds
from .common import EXIT_OK


def add_commands(commands: Any, corpus_options: argparse.ArgumentParser) -> None:
    """Register this module's subcommands."""
    config = commands.add_parser(
        "config", help="print the effective configuration (secrets masked)"
    )
    config.add_argument("--config", type=Path, help="YAML file (default: $QUOTEBOT_CONFIG)")
    config.set_defaults(handler=run_config)

    discord = commands.add_parser(
        "discord",
        parents=[corpus_options],
        help="run the Discord bot (needs DISCORD_TOKEN)",
        description="Run the Discord bot: /quote, /quote-random, /quote-help.",
    )
    discord.add_argument(
        "--sync", action="store_true", help="sync the slash commands even if they did not change"
    )
    discord.add_argument(
        "--shards", metavar="auto|N", help="run sharded (default: $QUOTEBOT_DISCORD_SHARDS)"
    )
    discord.add_argument(
        "--shard-ids",
        metavar="0,1",
        help="run only these shards, or `ordinal` (needs --shards N; "
        "default: $QUOTEBOT_DISCORD_SHARD_IDS)",
    )
    discord.set_defaults(handler=run_discord)

    slack = commands.add_parser(
        "slack",
        parents=[corpus_options],
        help="run the Slack bot (Socket Mode with SLACK_APP_TOKEN, else HTTP)",
    )
    slack.set_defaults(handler=run_slack)
    run = commands.add_parser(
        "run",
        parents=[corpus_options],
        help="run every configured bot (Slack, Discord) and the daily advice in one process",
    )
    run.set_defaults(handler=run_all)
    # Each runs the same process (HTTP server with health and metrics, the advice scheduler).
    for bot_command in (discord, slack, run):
        bot_command.add_argument(
            "--config", type=Path, help="YAML file (default: $QUOTEBOT_CONFIG)"
        )
        bot_command.add_argument(
            "--port", type=int, help="HTTP port (default: $QUOTEBOT_PORT or 3000)"
        )
        bot_command.add_argument("--host", help="HTTP address (default: $QUOTEBOT_HOST or 0.0.0.0)")


def run_config(args: argparse.Namespace) -> int:
    """Every setting with its effective value and where it came from; secrets masked."""
    settings = Settings.load(config_file=args.config)
    rows = settings.describe()
    width = max(len(name) for name, _, _ in rows)
    for name, value, source in rows:
        print(f"{name:<{width}}  {value or '(not set)':<40}  {source}")
    print()
    print("Files it will use (with these settings and no --corpus/--index):")
    for label, where in effective_paths(settings):
        print(f"  {label:<9} {where}")
    return EXIT_OK


def effective_paths(settings: Settings) -> list[tuple[str, str]]:
    """(what, where) for the corpus, the index and the database, defaults resolved; the
    database's password redacted."""
    corpus = Path(settings.corpus).expanduser() if settings.corpus else bundled_seeds()
    seeds = "" if settings.corpus else "  (the bundled seeds)"
    index = Path(settings.index).expanduser() if settings.index else default_index_path(corpus)
    url = settings.database_url or default_database_url()
    database = Database.describe_url(url)
    return [("corpus", f"{corpus}{seeds}"), ("index", str(index)), ("database", database)]


def run_all(args: argparse.Namespace) -> int:
    """Every configured front end in one process (imported here: no chat SDK loads for the
    other commands)."""
    from adapters.runner import run

    return run(args)


def run_slack(args: argparse.Namespace) -> int:
    """Slack alone (with the HTTP server and the advice scheduler for Slack channels)."""
    from adapters.runner import run

    return run(args, only="slack")


def run_discord(args: argparse.Namespace) -> int:
    """Discord alone (with the HTTP server and the advice scheduler for Discord channels)."""
    from adapters.runner import run

    return run(args, only="discord")
