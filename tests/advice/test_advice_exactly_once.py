"""Exactly one post per channel per local day: restarts, crashes, replicas, on both databases."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

from advice_fakes import FakeClock, RecordingSender, utc

from bot.advice.delivery import advice_nonce
from bot.advice.pool import AdvicePool
from bot.advice.schedule import Subscription
from bot.advice.scheduler import AdviceScheduler
from bot.advice.store import AdviceStore
from bot.store import MIGRATIONS, Database
from bot.times import parse_local_time

NINE = parse_local_time("09:00")


def subscribe(store: AdviceStore, *channels: str, zone: str = "UTC") -> None:
    for channel in channels:
        store.save_subscription(Subscription("slack", channel, NINE, zone))


async def test_restart_mid_day_does_not_repost(
    db_url: str, pool: AdvicePool, sender: RecordingSender
) -> None:
    """A second process started the same afternoon finds today's post sent and stays quiet."""
    clock = FakeClock(utc(2025, 3, 3, 9, 0))
    first = AdviceStore.open(db_url)
    subscribe(first, "C1")
    report = await AdviceScheduler(first, pool, {"slack": sender}, clock=clock).post_due()
    assert [o.status for o in report.outcomes] == ["sent"]
    first.close()
    clock.advance(hours=5)
    restarted = AdviceStore.open(db_url)
    assert (
        await AdviceScheduler(restarted, pool, {"slack": sender}, clock=clock).post_due()
    ).outcomes == []
    record = restarted.post("slack", "C1", clock.now.date())
    assert (record.status, record.message_id, record.attempts) == ("sent", "m1", 1)
    assert record.advice_key == pool.advice_for("C1", clock.now.date()).key
    restarted.close()


async def test_crash_between_claim_and_post_is_retried_after_the_lease(
    db_url: str, pool: AdvicePool, sender: RecordingSender
) -> None:
    """A claim left by a crashed process blocks others until its lease ends, then is re-sent."""
    clock = FakeClock(utc(2025, 3, 3, 9, 0))
    store = AdviceStore.open(db_url)
    subscribe(store, "C1")
    lease = timedelta(seconds=120)
    crashed = store.claim("slack", "C1", clock.now.date(), clock.now, lease)
    assert crashed is not None and crashed.attempt == 1
    scheduler = AdviceScheduler(store, pool, {"slack": sender}, clock=clock, lease=lease)
    clock.advance(seconds=60)
    assert (await scheduler.post_due()).outcomes == []
    assert scheduler.next_wakeup(clock.now) == utc(2025, 3, 3, 9, 2)
    clock.advance(seconds=60)
    assert [o.status for o in (await scheduler.post_due()).outcomes] == ["sent"]
    assert len(sender.posts) == 1
    post = sender.posts[0]
    assert post.attempt == 2 and post.nonce == advice_nonce("slack", "C1", post.day)
    assert len(post.nonce) == 25
    # The crashed process waking up late cannot overwrite the new owner's record.
    assert not store.mark_sent(crashed, "late", None, clock.now)
    assert store.post("slack", "C1", post.day).message_id == "m1"
    store.close()


def run_replicas(url: str, pool: AdvicePool, sender: RecordingSender, count: int) -> None:
    """`count` schedulers, each with its own connection and thread, tick through a day at once."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def replica() -> None:
        store = AdviceStore.open(url)
        try:
            scheduler = AdviceScheduler(store, pool, {"slack": sender})
            for minutes in range(0, 60 * 15, 90):  # 09:00 to 23:00, every 90 minutes
                # Replica clocks agree (NTP): a lease only means something within that skew.
                barrier.wait()
                asyncio.run(scheduler.post_due(utc(2025, 3, 3, 9, 0) + timedelta(minutes=minutes)))
        except BaseException as exc:
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=replica) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


def test_concurrent_replicas_post_once_per_channel(
    db_url: str, pool: AdvicePool, sender: RecordingSender
) -> None:
    """Six replicas racing over ten channels (and migrating at once) post each exactly once."""
    channels = [f"C{n}" for n in range(10)]
    setup = AdviceStore.open(db_url)
    subscribe(setup, *channels, zone="Europe/Berlin")
    run_replicas(db_url, pool, sender, 6)
    assert sorted(sender.channels()) == sorted(channels)
    posts = setup.posts("slack")
    assert [p.status for p in posts] == ["sent"] * 10
    assert {p.message_id for p in posts} == {f"m{n}" for n in range(1, 11)}
    setup.close()


def test_migrations_run_once_and_are_recorded(db_url: str) -> None:
    """Opening the store twice applies each migration once; the version is recorded."""
    AdviceStore.open(db_url).close()
    db = Database(db_url)
    assert db.migrate(MIGRATIONS) == []
    assert db.schema_version() == max(v for v, _, _ in MIGRATIONS)
    db.close()


async def test_every_delivery_attempt_is_reported_to_the_observer(
    store: AdviceStore, pool: AdvicePool, sender: RecordingSender
) -> None:
    """The scheduler tells its observer each attempt's platform and outcome (for metrics)."""
    seen: list[tuple[str, bool]] = []
    scheduler = AdviceScheduler(
        store,
        pool,
        {"slack": sender},
        clock=FakeClock(utc(2025, 3, 3, 9)),
        delivery_observer=lambda platform, ok: seen.append((platform, ok)),
    )
    subscribe(store, "C1", "C2")
    await scheduler.post_due()
    assert seen == [("slack", True), ("slack", True)]


async def test_a_claim_waits_for_a_free_send_slot(store: AdviceStore, pool: AdvicePool) -> None:
    """With every send slot busy, the next channel is not claimed yet (its lease cannot run
    out while it waits, so no other replica can take it over and post it twice)."""
    clock = FakeClock(utc(2025, 3, 3, 9))
    seen_while_sending: list[object] = []

    class SlowSender(RecordingSender):
        async def send(self, post):
            if post.subscription.channel == "C1":
                seen_while_sending.append(store.post("slack", "C2", clock.now.date()))
            return await super().send(post)

    scheduler = AdviceScheduler(store, pool, {"slack": SlowSender()}, clock=clock, concurrency=1)
    subscribe(store, "C1", "C2")
    report = await scheduler.post_due()
    assert sorted(o.status for o in report.outcomes) == ["sent", "sent"]
    assert seen_while_sending == [None]


async def test_stop_before_the_loop_starts_is_not_lost(scheduler: AdviceScheduler) -> None:
    """A scheduler told to stop before its loop runs returns at once instead of looping on."""
    scheduler.stop()
    await asyncio.wait_for(scheduler.run(), timeout=2)


async def test_one_failing_channel_does_not_stop_the_others(
    store: AdviceStore, pool: AdvicePool, sender: RecordingSender
) -> None:
    """A channel whose zone this machine does not know is skipped; the other still posts."""
    clock = FakeClock(utc(2025, 3, 3, 9))
    store.save_subscription(Subscription("slack", "C1", NINE, "Mars/Olympus_Mons"))
    subscribe(store, "C2")
    report = await AdviceScheduler(store, pool, {"slack": sender}, clock=clock).post_due()
    assert [(o.subscription.channel, o.status) for o in report.outcomes] == [("C2", "sent")]


async def test_an_empty_pool_fails_the_post_and_frees_the_claim(
    store: AdviceStore, sender: RecordingSender
) -> None:
    """With nothing to post, the day's claim is given back (to retry later), not left held."""
    clock = FakeClock(utc(2025, 3, 3, 9))
    subscribe(store, "C1")
    report = await AdviceScheduler(store, AdvicePool([]), {"slack": sender}, clock=clock).post_due()
    assert [o.status for o in report.outcomes] == ["failed"]
    record = store.post("slack", "C1", clock.now.date())
    assert record.status == "claimed" and record.error and "empty" in record.error
    assert sender.posts == []
