"""`quotebot feeds add | list | remove | poll`: follow podcast feeds into the corpus."""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from ..errors import QuotebotError
from ..feeds import FeedError, FeedStore, FeedSummary, PollConfig, Poller, PollReport
from ..feeds import feed_folder as folder_of
from ..feeds.fetcher import fetch
from ..feeds.poller import FEED_ACCEPT
from ..feeds.rss import parse_feed
from ..feeds.storage import slug
from ..feeds.transcription import transcription_handoff
from ..settings import Settings, feed_name_for
from ..transcribe.feed_episodes import feed_job_key
from ..transcribe.queue import TranscriptionQueue
from ..transcripts.corpus import bundled_seeds
from .common import EXIT_NO_RESULTS, EXIT_OK
from .progress import progress_for

NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")
FEEDS_HELP = """\
Follow podcast feeds: every episode's transcript, chapters and people, stored under the
corpus in feeds/<name>/ and kept up to date (`quotebot run` polls every QUOTEBOT_FEEDS_INTERVAL).

  quotebot feeds add https://example.com/podcast.rss [--name NAME]   follow it and fetch it now
  quotebot feeds list [--json]          per feed: episodes, transcripts, last poll, last error
  quotebot feeds poll [NAME]            poll now (all feeds, or one)
  quotebot feeds remove NAME [--delete-files]

Feeds listed under `feeds:` in the config file are followed too. The corpus must be a folder
of your own (QUOTEBOT_CORPUS or --corpus), not the bundled seeds."""


def add_commands(commands: Any, corpus_options: argparse.ArgumentParser) -> None:
    """Register this module's subcommands."""
    options = argparse.ArgumentParser(add_help=False, parents=[corpus_options])
    options.add_argument("--config", type=Path, help="YAML config file (default: $QUOTEBOT_CONFIG)")
    feeds = commands.add_parser(
        "feeds",
        help="follow podcast feeds: add, list, remove, poll",
        description=FEEDS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = feeds.add_subparsers(dest="feeds_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[options], help="follow a feed and fetch it now")
    add.add_argument("url", help="the feed's RSS URL")
    add.add_argument("--name", help="short name (folder and listing); default: from the title")
    add.add_argument(
        "--transcribe", action="store_true", help="transcribe episodes that have no transcript"
    )
    add.add_argument("--no-poll", action="store_true", help="register only; fetch episodes later")
    add.add_argument("--quiet", action="store_true", help="no progress bar")
    add.set_defaults(handler=run_add)
    listing = actions.add_parser("list", parents=[options], help="the followed feeds")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list)
    remove = actions.add_parser("remove", parents=[options], help="stop following a feed")
    remove.add_argument("name")
    remove.add_argument(
        "--delete-files", action="store_true", help="also delete its files from the corpus"
    )
    remove.set_defaults(handler=run_remove)
    poll = actions.add_parser("poll", parents=[options], help="poll now (all feeds, or one)")
    poll.add_argument("name", nargs="?")
    poll.add_argument("--quiet", action="store_true", help="no progress bar")
    poll.set_defaults(handler=run_poll)


class _Context:
    """Settings, the store and the poller for one command."""

    def __init__(self, args: argparse.Namespace, need_corpus: bool = True) -> None:
        self.settings = Settings.load(config_file=getattr(args, "config", None))
        corpus = args.corpus or self.settings.corpus
        self.corpus = Path(corpus).expanduser() if corpus else None
        if need_corpus:
            self.writable_corpus()
        self.store = FeedStore.open(self.settings.database_url)
        if self.settings.sources.get("feeds", "default") != "default":
            self.store.sync_config(list(self.settings.feeds))
        self.config = PollConfig.from_settings(self.settings)

    def writable_corpus(self) -> Path:
        if self.corpus is None or self.corpus.resolve() == bundled_seeds().resolve():
            raise QuotebotError(
                "feeds are stored under the corpus: set QUOTEBOT_CORPUS (or --corpus) to a "
                "folder of your own, not the bundled seeds"
            )
        self.corpus.mkdir(parents=True, exist_ok=True)
        return self.corpus

    def poller(self) -> Poller:
        handoff = transcription_handoff(TranscriptionQueue(self.store.db))
        return Poller(self.store, self.writable_corpus(), self.config, handoff=handoff)


def run_add(args: argparse.Namespace) -> int:
    """Check the feed (fetch and read it), register it, and fetch its episodes now."""
    context = _Context(args)
    url = args.url.strip()
    fetched = fetch(url, context.config.max_feed_bytes, context.config.policy, accept=FEED_ACCEPT)
    document = parse_feed(fetched.body, fetched.content_type)
    name = args.name or slug(document.title, 40) or feed_name_for(url)
    if not NAME.fullmatch(name):
        raise QuotebotError(f"--name {name!r}: use lower-case letters, digits and -")
    context.store.add(name, url, transcribe=args.transcribe)
    with_transcripts = sum(1 for item in document.items if item.transcripts)
    print(
        f"following {name}: “{document.title}”, {len(document.items)} episodes, "
        f"{with_transcripts} with a transcript"
    )
    if args.no_poll:
        print(f"fetch them with: quotebot feeds poll {name}")
        return EXIT_OK
    reports = context.poller().poll_now([name], progress_for(quiet=args.quiet))
    return _print_reports(reports, context.corpus)


def run_poll(args: argparse.Namespace) -> int:
    """Poll now; exit 1 when a feed failed."""
    context = _Context(args)
    names = [args.name] if args.name else None
    if names is None and not context.store.all():
        print("no feeds yet: quotebot feeds add URL")
        return EXIT_OK
    reports = context.poller().poll_now(names, progress_for(quiet=args.quiet))
    return _print_reports(reports, context.corpus)


def run_remove(args: argparse.Namespace) -> int:
    context = _Context(args, need_corpus=False)
    record = context.store.get(args.name)
    if record is None:
        raise FeedError(f"no feed named {args.name} (see `quotebot feeds list`)")
    if record.origin == "config":
        raise FeedError(
            f"{args.name} comes from the `feeds:` list of the config file: remove it there"
        )
    context.store.remove(args.name)
    folder = folder_of(context.corpus, args.name) if context.corpus else None
    if args.delete_files and folder is not None and folder.is_dir():
        shutil.rmtree(folder)
        print(f"removed {args.name} and its files ({folder})")
    elif folder is not None and folder.is_dir():
        print(f"removed {args.name}; its episodes stay searchable in {folder} (--delete-files)")
    else:
        print(f"removed {args.name}")
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    """Per feed: episodes, transcripts found, last poll, last error, and episodes to look at."""
    context = _Context(args, need_corpus=False)
    summaries = context.store.summaries()
    if args.json:
        print(json.dumps([_summary_json(s, context.store) for s in summaries], indent=2))
        return EXIT_OK
    if not summaries:
        print("no feeds yet: quotebot feeds add URL")
        return EXIT_OK
    now = int(time.time())
    for summary in summaries:
        feed = summary.feed
        print(f"{feed.name}  {feed.title or '(not polled yet)'}")
        print(f"  {feed.url}{'  (from the config file)' if feed.origin == 'config' else ''}")
        statuses = ", ".join(
            f"{count} {status}" for status, count in sorted(summary.statuses.items())
        )
        print(
            f"  {summary.episodes} episodes, {summary.transcripts} transcripts"
            + (f" ({statuses})" if statuses else "")
        )
        polled = _ago(now, feed.last_poll_at) if feed.last_poll_at else "never"
        print(f"  last poll: {polled}; next: {_until(now, feed.next_poll_at)}")
        if feed.last_error:
            print(f"  last error: {feed.last_error}")
        problems = [
            e
            for e in context.store.episodes(feed.name).values()
            if e.error or e.hand_edited or e.note
        ]
        _print_transcribing(context.store, feed.name)
        for episode in problems[:10]:
            print(f"  · {episode.title}: {_episode_problem(episode)}")
        if len(problems) > 10:
            print("  · … and more (quotebot feeds list --json lists them all)")
    return EXIT_OK


def _episode_problem(episode: Any) -> str:
    parts = []
    if episode.error:
        parts.append(
            episode.error + " (the stored version is still served)"
            if episode.transcript_file
            else episode.error
        )
    if episode.hand_edited:
        parts.append(f"edited by hand, differs from the feed: {', '.join(episode.hand_edited)}")
    if episode.note:
        parts.append(episode.note)
    return "; ".join(parts)


def _summary_json(summary: FeedSummary, store: FeedStore) -> dict[str, Any]:
    feed = summary.feed
    return {
        "name": feed.name,
        "url": feed.url,
        "title": feed.title,
        "origin": feed.origin,
        "transcribe": feed.transcribe,
        "episodes": summary.episodes,
        "transcripts": summary.transcripts,
        "statuses": summary.statuses,
        "last_poll_at": feed.last_poll_at,
        "last_success_at": feed.last_success_at,
        "next_poll_at": feed.next_poll_at,
        "last_error": feed.last_error,
        "episodes_with_problems": [
            {
                "guid": e.guid,
                "title": e.title,
                "transcript_status": e.transcript_status,
                "error": e.error,
                "hand_edited": list(e.hand_edited),
                "note": e.note,
                "in_feed": e.in_feed,
            }
            for e in store.episodes_to_look_at(feed.name, limit=10_000)
        ],
    }


def _print_reports(reports: list[PollReport], corpus: Path | None) -> int:
    failed = False
    for report in reports:
        if report.outcome == "failed":
            failed = True
            print(f"{report.feed}: failed: {report.error}", file=sys.stderr)
            continue
        if report.outcome in ("not modified", "unchanged", "busy"):
            print(
                f"{report.feed}: {report.outcome}" + (f" ({report.error})" if report.error else "")
            )
            continue
        line = (
            f"{report.feed}: {report.items} episodes, {report.new} new, "
            f"{report.written} files written in {report.seconds:.1f} s"
        )
        if report.failed_episodes:
            line += f"; {report.failed_episodes} episodes with problems (quotebot feeds list)"
        print(line)
        if report.error:
            print(f"{report.feed}: warning: {report.error}", file=sys.stderr)
    return EXIT_NO_RESULTS if failed else EXIT_OK


def _ago(now: int, then: int) -> str:
    return f"{_span(now - then)} ago"


def _until(now: int, then: int) -> str:
    return "now" if then <= now else f"in {_span(then - now)}"


def _span(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 90 * 60:
        return f"{seconds // 60} min"
    if seconds < 48 * 3600:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def _print_transcribing(store: FeedStore, feed: str) -> None:
    """Episodes being transcribed now, with how far the worker is."""
    running = [e for e in store.episodes(feed).values() if e.transcript_status == "running"]
    if not running:
        return
    jobs = TranscriptionQueue(store.db).statuses(feed_job_key(feed, e.guid) for e in running)
    for episode in running:
        job = jobs.get(feed_job_key(feed, episode.guid))
        if job is not None and job.percent is not None:
            print(f"  · {episode.title}: transcribing, {job.percent}% done")
