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

from ..advice.candidates import CandidateStore
from ..advice.delivery import AdviceSender, load_senders
from ..advice.pool import AdvicePool, build_pool
from ..advice.scheduler import TickReport
from ..advice.service import AdviceService, create_advice_service
from ..answers import attribution_of
from ..library import Library
from ..settings import Settings
from .common import EXIT_NO_RESULTS, EXIT_OK, open_library_and_candidates
from .progress import progress_bar


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


def _pool(library: Library, settings: Settings, store: CandidateStore) -> AdvicePool:
    """The configured pool; scoring episodes indexed without it (once, after an upgrade)
    shows a bar on a terminal."""
    progress = progress_bar("scoring advice")
    return build_pool(library, settings.advice_speakers, settings.advice_file, store, progress)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


def run_advice(args: argparse.Namespace) -> int:
    """`quotebot advice`: today's advice, the pool, the cron step, or the subscriptions."""
    settings = Settings.load()
    library, store = open_library_and_candidates(args, settings=settings)
    try:
        return _run_advice(args, settings, library, store)
    finally:
        store.close()


def _run_advice(
    args: argparse.Namespace, settings: Settings, library: Library, store: CandidateStore
) -> int:
    if args.action == "post-due":
        return _advice_post_due(library, settings, store)
    if args.action == "status":
        return _advice_status(library, settings, store)
    pool = _pool(library, settings, store)
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


def _advice_post_due(library: Library, settings: Settings, store: CandidateStore) -> int:
    """One scheduler step for cron: the same claim as the bots' loop, so mixing is safe."""
    senders, missing = load_senders(settings)
    pool = _pool(library, settings, store)
    service = create_advice_service(library, settings, senders, pool=pool)
    try:
        report = asyncio.run(_post_due_once(service, senders.values()))
        return _print_tick(report, service, missing)
    finally:
        service.store.close()


def _print_tick(report: TickReport, service: AdviceService, missing: dict[str, str]) -> int:
    """What one post-due step did, what waits for a retry, and the exit status."""
    for outcome in report.by_status("sent"):
        sub = outcome.subscription
        key = outcome.hit.key if outcome.hit else ""
        print(f"sent    {sub.platform}:{sub.channel} {outcome.day} ({key})")
    for outcome in report.by_status("failed"):
        sub, delivery = outcome.subscription, outcome.delivery
        reason = f"{delivery.kind}: {delivery.reason}" if delivery else "failed"
        record = service.store.post(sub.platform, sub.channel, outcome.day)
        retry = f"next try {_at(record.lease_until)}" if record else "retried later"
        print(f"failed  {sub.platform}:{sub.channel} {outcome.day} ({reason}; {retry})")
    waiting = report.by_status("no_sender")
    for platform in sorted({o.subscription.platform for o in waiting}):
        count = sum(1 for o in waiting if o.subscription.platform == platform)
        why = missing.get(platform, "no sender for this platform")
        print(f"unsent  {count} due post(s) on {platform} left unclaimed: {why}")
    tried_now = {(o.subscription.platform, o.subscription.channel, o.day) for o in report.outcomes}
    later = [
        record
        for record in service.store.unfinished(report.now)
        if (record.platform, record.channel, record.day) not in tried_now
    ]
    for record in later:
        where = f"{record.platform}:{record.channel} {record.day}"
        if record.error:
            print(f"waiting {where} (failed: {record.error}; next try {_at(record.lease_until)})")
        else:
            print(
                f"sending {where} (claimed by {record.claimed_by} until {_at(record.lease_until)})"
            )
    if not report.outcomes and not later:
        print("nothing due")
    failed = report.by_status("failed") or any(record.error for record in later)
    return EXIT_NO_RESULTS if waiting or failed else EXIT_OK


def _at(moment: datetime) -> str:
    """A UTC instant for an operator's terminal: `2025-03-03 08:05:00 UTC`."""
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


async def _post_due_once(service: AdviceService, senders: Iterable[AdviceSender]) -> TickReport:
    """One tick, then close the senders that hold a connection (their `aclose`, if any)."""
    try:
        return await service.scheduler.post_due()
    finally:
        for sender in senders:
            close = getattr(sender, "aclose", None)
            if close is not None:
                await close()


def _advice_status(library: Library, settings: Settings, store: CandidateStore) -> int:
    pool = _pool(library, settings, store)
    service = create_advice_service(library, settings, pool=pool)
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
