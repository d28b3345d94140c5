"""The daily advice scheduler: one asyncio loop for every platform, exactly one post per channel
per local day.

Each tick (`post_due`) looks at every subscription; for each whose post is due it claims
(platform, channel, local date) in the post log, asks that platform's sender to deliver, then
records the message id. The claim is the only coordination: several replicas, the loop and
`quotebot advice post-due` from cron can all run at once. A claim carries a lease; a crash
after claiming leaves the row `claimed`, and once the lease runs out the next tick anywhere
takes it over and sends (at-least-once in that window; see README).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from ..models import Hit
from .delivery import AdvicePost, AdviceSender, Delivery, advice_nonce
from .pool import AdvicePool
from .schedule import Subscription, due_date, local_date, next_due
from .store import AdviceStore, Claim, PostRecord

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock (tests pass their own)."""
    return datetime.now(UTC)


PostStatus = Literal["sent", "failed", "already", "busy", "no_sender"]


@dataclass(frozen=True)
class PostOutcome:
    """What happened to one channel's post for one day."""

    subscription: Subscription
    day: date
    status: PostStatus
    hit: Hit | None = None
    delivery: Delivery | None = None
    record: PostRecord | None = None


@dataclass
class TickReport:
    """One `post_due` pass: what was sent, what failed, and what was due but had no sender."""

    now: datetime
    outcomes: list[PostOutcome] = field(default_factory=list)

    def by_status(self, status: str) -> list[PostOutcome]:
        return [o for o in self.outcomes if o.status == status]


async def _wait_for_event(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout=seconds)


class AdviceScheduler:
    """Posts due advice through the registered senders; `run()` is the long-lived loop."""

    def __init__(
        self,
        store: AdviceStore,
        pool: AdvicePool,
        senders: Mapping[str, AdviceSender] | None = None,
        *,
        clock: Clock = utc_now,
        catchup: timedelta | None = None,
        lease: timedelta = timedelta(seconds=120),
        send_timeout: timedelta = timedelta(seconds=30),
        retry_delay: timedelta = timedelta(minutes=5),
        broken_after: int = 3,
        max_sleep: timedelta = timedelta(minutes=10),
        concurrency: int = 8,
        waiter: Callable[[asyncio.Event, float], Awaitable[None]] = _wait_for_event,
        delivery_observer: Callable[[str, bool], None] | None = None,
    ) -> None:
        """`delivery_observer` is called as (platform, ok) after every delivery attempt (the
        runner counts them in its metrics)."""
        if lease <= send_timeout:
            raise ValueError("the claim lease must be longer than the send timeout")
        self.store = store
        self.pool = pool
        self.senders: dict[str, AdviceSender] = dict(senders or {})
        self.clock = clock
        self.catchup = catchup
        self.lease = lease
        self.send_timeout = send_timeout
        self.retry_delay = retry_delay
        self.broken_after = broken_after
        self.max_sleep = max_sleep
        self._concurrency = concurrency
        self._limit: asyncio.Semaphore | None = None
        self._limit_loop: asyncio.AbstractEventLoop | None = None
        self._changed = asyncio.Event()
        self._waiter = waiter
        self._stopping = False
        self.delivery_observer = delivery_observer

    def add_sender(self, sender: AdviceSender) -> None:
        """Register (or replace) the sender for `sender.platform`; adapters call this at start."""
        self.senders[sender.platform] = sender
        self.wake()

    # -- one pass ------------------------------------------------------------------------------

    async def post_due(self, now: datetime | None = None) -> TickReport:
        """Claim and send every post due at `now`; safe to run anywhere, any number of times."""
        now = now or self.clock()
        report = TickReport(now)
        subscriptions = await asyncio.to_thread(self.store.subscriptions)
        jobs = []
        for sub in subscriptions:
            try:
                day = due_date(sub, now, self.catchup)
            except Exception:
                # A zone this machine does not know: skip that channel, not the whole tick.
                log.exception("cannot schedule advice for %s:%s", sub.platform, sub.channel)
                continue
            if day is None or sub.broken:
                continue
            if sub.platform not in self.senders:
                # Left unclaimed, so a process that can deliver it still will.
                report.outcomes.append(PostOutcome(sub, day, "no_sender"))
                continue
            jobs.append(self._claim_and_send(sub, day, now))
        for outcome in await asyncio.gather(*jobs):
            if outcome is not None:
                report.outcomes.append(outcome)
        return report

    async def post_now(self, sub: Subscription, now: datetime | None = None) -> PostOutcome:
        """Post today's advice in a channel at once, as today's post (the same claim)."""
        now = now or self.clock()
        day = local_date(sub, now)
        if sub.platform not in self.senders:
            return PostOutcome(sub, day, "no_sender")
        outcome = await self._claim_and_send(sub, day, now)
        if outcome is not None:
            return outcome
        record = await asyncio.to_thread(self.store.post, sub.platform, sub.channel, day)
        status: PostStatus = "already" if record and record.status == "sent" else "busy"
        hit = await asyncio.to_thread(self.pool.advice_for, sub.channel, day)
        return PostOutcome(sub, day, status, hit, None, record)

    async def _claim_and_send(
        self, sub: Subscription, day: date, now: datetime
    ) -> PostOutcome | None:
        # Claim only once a send slot is free: a claim queued behind slow sends could outlive
        # its lease, be taken over by another replica, and be posted twice.
        async with self._slots():
            claim = await asyncio.to_thread(
                self.store.claim, sub.platform, sub.channel, day, self.clock(), self.lease
            )
            if claim is None:
                return None  # sent already, or another process holds the claim
            try:
                return await self._deliver(sub, claim)
            except Exception as exc:
                # One channel's trouble (an unknown zone, an empty pool) must not stop the others.
                log.exception("advice for %s:%s failed", sub.platform, sub.channel)
                retry_at = self.clock() + self.retry_delay
                await asyncio.to_thread(self.store.release, claim, retry_at, str(exc))
                return PostOutcome(sub, day, "failed", None, Delivery.retry(str(exc)))

    def _slots(self) -> asyncio.Semaphore:
        """The send slots of the running loop (`post-due` from cron runs each tick in its own)."""
        loop = asyncio.get_running_loop()
        if self._limit is None or self._limit_loop is not loop:
            self._limit, self._limit_loop = asyncio.Semaphore(self._concurrency), loop
        return self._limit

    async def _deliver(self, sub: Subscription, claim: Claim) -> PostOutcome:
        # Choosing hashes the pool for a new cycle: off the event loop that answers chat.
        hit = await asyncio.to_thread(self.pool.advice_for, sub.channel, claim.day)
        post = AdvicePost(
            sub, hit, claim.day, advice_nonce(sub.platform, sub.channel, claim.day), claim.attempt
        )
        sender = self.senders[sub.platform]
        try:
            delivery = await asyncio.wait_for(sender.send(post), self.send_timeout.total_seconds())
        except TimeoutError:
            delivery = Delivery.retry(f"no answer within {self.send_timeout.total_seconds():g} s")
        except Exception as exc:
            log.exception("advice sender for %s raised", sub.platform)
            delivery = Delivery.retry(f"{type(exc).__name__}: {exc}")
        done = self.clock()
        where = f"{sub.platform}:{sub.channel}"
        if self.delivery_observer is not None:
            self.delivery_observer(sub.platform, delivery.ok)
        if delivery.ok:
            kept = await asyncio.to_thread(
                self.store.mark_sent, claim, delivery.message_id or "", hit.key, done
            )
            if not kept:
                log.warning("advice for %s on %s sent after its lease ran out", where, claim.day)
            if sub.failures:
                await asyncio.to_thread(self.store.record_success, sub.platform, sub.channel)
            log.info("advice for %s on %s sent: %s", where, claim.day, delivery.message_id)
            return PostOutcome(sub, claim.day, "sent", hit, delivery)
        reason = f"{delivery.kind}: {delivery.reason}"
        await asyncio.to_thread(self.store.release, claim, done + self.retry_delay, reason)
        if delivery.kind == "broken":
            updated = await asyncio.to_thread(
                self.store.record_failure,
                sub.platform,
                sub.channel,
                delivery.reason,
                self.broken_after,
            )
            if updated is not None and updated.broken:
                log.error("advice channel %s marked broken: %s", where, delivery.reason)
            else:
                log.warning("advice channel %s rejected the post: %s", where, delivery.reason)
        else:
            log.warning("advice for %s on %s will be retried: %s", where, claim.day, reason)
        return PostOutcome(sub, claim.day, "failed", hit, delivery)

    # -- the loop ------------------------------------------------------------------------------

    def next_wakeup(self, now: datetime) -> datetime:
        """When the loop should look again: the next slot, claim retry, or `max_sleep`."""
        moments = [now + self.max_sleep]
        for sub in self.store.subscriptions():
            if not sub.broken and sub.platform in self.senders:
                slot = next_due(sub, now)
                if slot is not None:
                    moments.append(slot)
        expiry = self.store.next_lease_expiry(now)
        if expiry is not None:
            moments.append(expiry)
        return min(moments)

    def wake(self) -> None:
        """Subscriptions changed: recompute the next wake-up now."""
        self._changed.set()

    def stop(self) -> None:
        """Ask `run()` to return after the current step."""
        self._stopping = True
        self._changed.set()

    async def run(self) -> None:
        """Post what is due, sleep until the next due moment (or a change), until `stop()`."""
        while not self._stopping:
            self._changed.clear()
            try:
                await self.post_due(self.clock())
                wake_at = await asyncio.to_thread(self.next_wakeup, self.clock())
            except Exception:
                log.exception("advice scheduler step failed; trying again shortly")
                wake_at = self.clock() + min(self.max_sleep, timedelta(seconds=60))
            if self._stopping:
                break
            delay = max(0.0, (wake_at - self.clock()).total_seconds())
            await self._waiter(self._changed, delay)
