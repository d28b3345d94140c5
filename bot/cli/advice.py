"""`quotebot advice`: today's advice, the pool, the cron step and the subscriptions."""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import textwrap
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from ..advice.delivery import AdviceSender, load_senders
from ..advice.pool import AdvicePool, build_pool
from ..advice.scheduler import TickReport
from ..advice.service import AdviceService, create_advice_service
from ..answers import attribution_of
from ..library import Library
from ..settings import Settings
from .common import EXIT_NO_RESULTS, EXIT_OK, open_library


def add_commands(commands: Any, corpus_options: argparse.ArgumentParser) -> None:
    """Register this module's subcommands."""
    advice = commands.add_parser(
        "advice",
        parents=[corpus_options],
        help="advice of the day: print it, list the pool, post what is due",
        description=ADVICE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    advice.add_argument(
        "action",
        nargs="?",
        choices=["show", "post-due", "status"],
        default="show",
        help="show (default): print the advice; post-due: post what is due now (cron); "
        "status: list subscriptions",
    )
    advice.add_argument("--date", type=_date, help="the day (default: today, UTC)")
    advice.add_argument("--channel", default="", help="the channel id the rotation is for")
    advice.add_argument("--json", action="store_true", help="print JSON (a search hit's fields)")
    advice.add_argument("--list", action="store_true", help="print the whole pool with scores")
    advice.set_defaults(handler=run_advice)


ADVICE_HELP = """\
Advice of the day: one excerpt per channel per day, chosen from the transcripts.

  quotebot advice                          today's advice (for --channel, default none)
  quotebot advice --date 2025-12-24 --channel C0123
  quotebot advice --list                   the whole pool, best first, with scores
  quotebot advice post-due                 post what is due now to subscribed channels (cron)
  quotebot advice status                   subscriptions, next posts, broken channels

The pool comes from QUOTEBOT_ADVICE_FILE (or advice.yaml beside the transcripts) when there is
one, else from the heuristic. Subscriptions live in DATABASE_URL (default: a SQLite file)."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


def run_advice(args: argparse.Namespace) -> int:
    """`quotebot advice`: today's advice, the pool, the cron step, or the subscriptions."""
    settings = Settings.load()
    library = open_library(args)
    if args.action == "post-due":
        return _advice_post_due(library, settings)
    if args.action == "status":
        return _advice_status(library, settings)
    pool = build_pool(library, settings.advice_speakers, settings.advice_file)
    if args.list:
        return _advice_list(pool, args.json)
    day = args.date or datetime.now(UTC).date()
    hit = pool.advice_for(args.channel, day)
    if args.json:
        print(json.dumps(hit.to_dict(), ensure_ascii=False, indent=2))
        return EXIT_OK
    width = min(100, shutil.get_terminal_size((88, 24)).columns)
    print(textwrap.fill(hit.text, width=width, initial_indent="  “", subsequent_indent="   ") + "”")
    print(f"  — {attribution_of(hit).text()}")
    if hit.url:
        print(f"    {hit.url}")
    return EXIT_OK


def _advice_list(pool: AdvicePool, as_json: bool) -> int:
    ranked = sorted(pool.candidates, key=lambda c: (-c.score, c.id))
    if as_json:
        rows = [c.hit().to_dict() | {"reasons": list(c.reasons)} for c in ranked]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for candidate in ranked:
        hit = candidate.hit()
        print(f"{candidate.score:5.2f}  {hit.key}  {hit.speaker} · {hit.section} · {hit.timestamp}")
        print(textwrap.indent(textwrap.fill(hit.text, 92), "       "))
        print(f"       ({'; '.join(candidate.reasons)})")
    print(f"{len(ranked)} excerpts in the pool (from {pool.source})")
    return EXIT_OK if ranked else EXIT_NO_RESULTS


def _advice_post_due(library: Library, settings: Settings) -> int:
    """One scheduler step for cron: the same claim as the bots' loop, so mixing is safe."""
    senders, missing = load_senders(settings)
    service = create_advice_service(library, settings, senders)
    try:
        report = asyncio.run(_post_due_once(service, senders.values()))
    finally:
        service.store.close()
    for outcome in report.by_status("sent"):
        sub = outcome.subscription
        key = outcome.hit.key if outcome.hit else ""
        print(f"sent    {sub.platform}:{sub.channel} {outcome.day} ({key})")
    for outcome in report.by_status("failed"):
        sub, delivery = outcome.subscription, outcome.delivery
        reason = f"{delivery.kind}: {delivery.reason}" if delivery else "failed"
        print(f"failed  {sub.platform}:{sub.channel} {outcome.day} ({reason}; retried later)")
    waiting = report.by_status("no_sender")
    for platform in sorted({o.subscription.platform for o in waiting}):
        count = sum(1 for o in waiting if o.subscription.platform == platform)
        why = missing.get(platform, "no sender for this platform")
        print(f"unsent  {count} due post(s) on {platform} left unclaimed: {why}")
    if not report.outcomes:
        print("nothing due")
    return EXIT_NO_RESULTS if waiting or report.by_status("failed") else EXIT_OK


async def _post_due_once(service: AdviceService, senders: Iterable[AdviceSender]) -> TickReport:
    """One tick, then close the senders that hold a connection (their `aclose`, if any)."""
    try:
        return await service.scheduler.post_due()
    finally:
        for sender in senders:
            close = getattr(sender, "aclose", None)
            if close is not None:
                await close()


def _advice_status(library: Library, settings: Settings) -> int:
    service = create_advice_service(library, settings)
    try:
        replies = asyncio.run(service.statuses())
    finally:
        service.store.close()
    for reply in replies:
        sub = reply.subscription
        if sub is not None:
            state = "BROKEN" if sub.broken else "ok"
            print(f"{state:6}  {sub.platform}:{sub.channel}  {reply.text}")
    if not replies:
        print("no channels are subscribed")
    return EXIT_OK
