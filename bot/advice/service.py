"""What the `/quote-daily` commands do, platform-neutral: subscribe, unsubscribe, status, now.

Adapters parse their command, decide whether the user may change the channel's schedule
(Slack: admin/owner or anyone if configured; Discord: Manage Channels) and pass that decision
as `allowed`. Replies are plain text for the adapter to show (escaped as its platform needs).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any

from ..library import Library
from ..messages import DAILY_DATABASE_AWAY
from ..models import Hit
from ..settings import Settings
from ..store.database import DatabaseError
from ..times import ScheduleError, parse_local_time, parse_window, resolve_timezone
from .delivery import AdviceSender
from .pool import AdvicePool, build_pool
from .schedule import DEFAULT_TIME, DEFAULT_ZONE, Subscription, due_date, local_date, next_due
from .scheduler import SEND_TIMEOUT, AdviceScheduler, Clock, utc_now
from .store import AdviceStore, PostRecord

REFUSAL = "Sorry, only people who manage this channel can change its daily advice."

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    """The answer to a daily-advice command: success, text to show, and the data behind it."""

    ok: bool
    text: str
    subscription: Subscription | None = None
    next_post: datetime | None = None
    hit: Hit | None = None
    last_post: PostRecord | None = None


ReplyMethod = Callable[..., Awaitable["Reply"]]


def _while_the_database_answers(method: ReplyMethod) -> ReplyMethod:
    """A command that needs the database answers in words while it is away (the operator
    gets the host in the log and in /readyz; chat users get no host names)."""

    @functools.wraps(method)
    async def guarded(*args: Any, **kwargs: Any) -> Reply:
        try:
            return await method(*args, **kwargs)
        except DatabaseError as exc:
            log.warning("daily advice command not answered: %s", exc)
            return Reply(False, DAILY_DATABASE_AWAY)

    return guarded


class AdviceService:
    """Subscription commands over the store and the scheduler they wake."""

    def __init__(
        self,
        scheduler: AdviceScheduler,
        default_time: time = DEFAULT_TIME,
        default_timezone: str = DEFAULT_ZONE,
    ) -> None:
        self.scheduler = scheduler
        self.store = scheduler.store
        self.default_time = default_time
        self.default_timezone = default_timezone

    @_while_the_database_answers
    async def subscribe(
        self,
        platform: str,
        channel: str,
        *,
        by_user: str,
        allowed: bool,
        workspace: str = "",
        time: str | None = None,
        timezone: str | None = None,
        weekdays_only: bool = False,
        workspace_timezone: str | None = None,
    ) -> Reply:
        """Turn daily advice on (or change its time): one schedule per channel, never two."""
        if not allowed:
            return Reply(False, REFUSAL)
        try:
            local_time = parse_local_time(time) if time else self.default_time
            zone = resolve_timezone(timezone or workspace_timezone or self.default_timezone)
        except ScheduleError as exc:
            return Reply(False, str(exc))
        now = self.scheduler.clock()
        sub = Subscription(
            platform, channel, local_time, zone, weekdays_only, workspace, by_user, since=now
        )
        sender = self.scheduler.senders.get(platform)
        if sender is not None:
            problem = await sender.check_can_post(sub)
            if problem:
                return Reply(False, f"I can't post in this channel yet: {problem}", sub)
        previous = await asyncio.to_thread(self.store.subscription, platform, channel)
        same = previous is not None and _schedule(previous) == _schedule(sub)
        if same and previous is not None:
            sub = replace(sub, since=previous.since)  # re-running `on` changes nothing owed
        await asyncio.to_thread(self.store.save_subscription, sub)
        self.scheduler.wake()
        upcoming = await self._upcoming(sub, now)
        text = f"Daily advice is on for this channel: {sub.describe()}."
        if previous is not None and not same:
            text = f"Daily advice moved from {previous.describe()} to {sub.describe()}."
        return Reply(True, text + _next_text(upcoming, sub, now), sub, upcoming)

    @_while_the_database_answers
    async def unsubscribe(
        self, platform: str, channel: str, *, by_user: str, allowed: bool
    ) -> Reply:
        """Turn daily advice off for a channel."""
        if not allowed:
            return Reply(False, REFUSAL)
        removed = await asyncio.to_thread(self.store.delete_subscription, platform, channel)
        self.scheduler.wake()
        if not removed:
            return Reply(True, "Daily advice was not on for this channel.")
        return Reply(True, "Daily advice is off for this channel.")

    @_while_the_database_answers
    async def status(self, platform: str, channel: str) -> Reply:
        """The channel's schedule, next post, last post, and whether it is broken."""
        sub = await asyncio.to_thread(self.store.subscription, platform, channel)
        posts = await asyncio.to_thread(self.store.posts, platform, channel)
        last = next((p for p in posts if p.status == "sent"), None)
        last_text = f" Last post: {last.day.isoformat()}." if last else ""
        if sub is None:
            return Reply(True, "Daily advice is off for this channel." + last_text, last_post=last)
        now = self.scheduler.clock()
        if sub.broken:
            text = (
                f"Daily advice is on ({sub.describe()}) but paused: posting failed "
                f"{sub.failures} times ({sub.broken_reason}). Fix that, then turn it on again."
            )
            return Reply(False, text + last_text, sub, None, last_post=last)
        upcoming = await self._upcoming(sub, now)
        today = await asyncio.to_thread(
            self.store.post, sub.platform, sub.channel, local_date(sub, now)
        )
        if today is not None and today.status == "claimed" and today.error:
            next_text = _retry_text(today, sub, now)
        else:
            next_text = _next_text(upcoming, sub, now)
        text = f"Daily advice is on: {sub.describe()}." + next_text
        if sub.failures:
            text += f" The last {sub.failures} attempts failed ({sub.broken_reason})."
        return Reply(True, text + last_text, sub, upcoming, last_post=last)

    @_while_the_database_answers
    async def post_now(
        self,
        platform: str,
        channel: str,
        *,
        by_user: str,
        allowed: bool = True,
        timezone: str | None = None,
    ) -> Reply:
        """Post today's advice here now; it counts as today's post (same claim as the schedule)."""
        if not allowed:
            return Reply(False, REFUSAL)
        sub = await asyncio.to_thread(self.store.subscription, platform, channel)
        if sub is None:
            try:
                zone = resolve_timezone(timezone or self.default_timezone)
            except ScheduleError as exc:
                return Reply(False, str(exc))
            sub = Subscription(platform, channel, timezone=zone, created_by=by_user)
        outcome = await self.scheduler.post_now(sub)
        if outcome.status == "sent":
            return Reply(True, "Posted today's advice.", sub, hit=outcome.hit)
        if outcome.status == "already":
            return Reply(
                True,
                "Today's advice was already posted here.",
                sub,
                hit=outcome.hit,
                last_post=outcome.record,
            )
        if outcome.status == "busy":
            return Reply(True, "Today's advice is being posted right now.", sub, hit=outcome.hit)
        if outcome.status == "no_sender":
            return Reply(False, f"I can't post on {platform} from here.", sub)
        reason = outcome.delivery.reason if outcome.delivery else "unknown error"
        return Reply(False, f"I couldn't post here: {reason}", sub, hit=outcome.hit)

    async def statuses(self) -> list[Reply]:
        """Every subscription's status, for operators (`quotebot advice status`)."""
        subs = await asyncio.to_thread(self.store.subscriptions)
        return [await self.status(sub.platform, sub.channel) for sub in subs]

    async def _upcoming(self, sub: Subscription, now: datetime) -> datetime | None:
        """The next post that will really happen: today's if still owed, skipping sent days."""
        today = due_date(sub, now, self.scheduler.catchup)
        candidate: datetime | None = now if today is not None else next_due(sub, now)
        for _ in range(3):
            if candidate is None:
                return None
            day = local_date(sub, candidate)
            record = await asyncio.to_thread(self.store.post, sub.platform, sub.channel, day)
            if record is None or record.status != "sent":
                return candidate
            candidate = next_due(sub, max(candidate, now))
            while candidate is not None and local_date(sub, candidate) == day:
                candidate = next_due(sub, candidate)
        return candidate


def _schedule(sub: Subscription) -> tuple[object, ...]:
    return (sub.local_time, sub.timezone, sub.weekdays_only)


def _next_text(upcoming: datetime | None, sub: Subscription, now: datetime) -> str:
    if upcoming is None:
        return ""
    if upcoming <= now:
        return " Today's post is on its way."
    local = upcoming.astimezone(sub.zone)
    when = "today" if local.date() == local_date(sub, now) else f"{local:%a %d %b}"
    return f" Next post: {when} at {local:%H:%M} ({sub.timezone})."


def _retry_text(record: PostRecord, sub: Subscription, now: datetime) -> str:
    """Today's post failed and waits for its retry: say why and when it is tried again."""
    if record.lease_until <= now:
        when = "now"
    else:
        local = record.lease_until.astimezone(sub.zone)
        when = f"at {local:%H:%M} ({sub.timezone})"
    return f" Today's post failed ({record.error}); next try {when}."


def create_advice_service(
    library: Library,
    settings: Settings,
    senders: Mapping[str, AdviceSender] | None = None,
    clock: Clock = utc_now,
    delivery_observer: Callable[[str, bool], None] | None = None,
    pool: AdvicePool | None = None,
) -> AdviceService:
    """Everything daily advice needs, built from settings: pool, store, scheduler, service.

    One per process, shared by both adapters: each registers its sender with
    `service.scheduler.add_sender(...)`, and the process runs `service.scheduler.run()` once.
    """
    if pool is None:
        pool = build_pool(library, settings.advice_speakers, settings.advice_file)
    store = AdviceStore.open(settings.database_url)
    scheduler = AdviceScheduler(
        store,
        pool,
        senders,
        clock=clock,
        catchup=parse_window(settings.daily_catchup),
        lease=timedelta(seconds=settings.daily_lease),
        send_timeout=SEND_TIMEOUT,
        retry_delay=timedelta(seconds=settings.daily_retry),
        broken_after=settings.daily_broken_after,
        delivery_observer=delivery_observer,
    )
    return AdviceService(scheduler, parse_local_time(settings.daily_time), settings.daily_timezone)
