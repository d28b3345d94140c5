"""The platform-neutral /quote-daily commands, the broken-channel path and the scheduler loop."""

from __future__ import annotations

import asyncio
from datetime import time, timedelta

import pytest
from advice_fakes import FakeClock, RecordingSender, utc

from bot.advice.delivery import AdvicePost, Delivery
from bot.advice.pool import AdvicePool
from bot.advice.schedule import Subscription
from bot.advice.scheduler import AdviceScheduler
from bot.advice.service import REFUSAL, AdviceService
from bot.advice.store import AdviceStore
from bot.cli.command import main


@pytest.fixture
def service(scheduler: AdviceScheduler) -> AdviceService:
    return AdviceService(scheduler)


async def on(service: AdviceService, channel: str = "C1", **kwargs) -> object:
    return await service.subscribe("slack", channel, by_user="U1", allowed=True, **kwargs)


async def test_subscribe_refusals_and_input_errors(
    service: AdviceService, sender: RecordingSender
) -> None:
    """No permission, a bad time or zone, or a channel the bot cannot post in: nothing saved."""
    refused = await service.subscribe("slack", "C1", by_user="U1", allowed=False)
    assert (refused.ok, refused.text) == (False, REFUSAL)
    assert "Did you mean Europe/Berlin" in (await on(service, timezone="Europe/Berln")).text
    assert "not a time of day" in (await on(service, time="noonish")).text
    sender.problem = "invite me with /invite @quotebot"
    reply = await on(service)
    assert not reply.ok and reply.text.endswith("invite me with /invite @quotebot")
    assert service.store.subscriptions() == []


async def test_subscribe_status_and_off(service: AdviceService, clock: FakeClock) -> None:
    """`on` saves the schedule and names the next post; `status` repeats it; `off` removes it."""
    reply = await on(service, time="9:30", timezone="europe/berlin", weekdays_only=True)
    assert reply.ok
    assert reply.text == (
        "Daily advice is on for this channel: 09:30 Europe/Berlin, weekdays only. "
        "Next post: today at 09:30 (Europe/Berlin)."
    )
    assert reply.next_post == utc(2025, 3, 3, 8, 30)
    status = await service.status("slack", "C1")
    assert status.text.startswith("Daily advice is on: 09:30 Europe/Berlin, weekdays only.")
    off = await service.unsubscribe("slack", "C1", by_user="U1", allowed=True)
    assert off.text == "Daily advice is off for this channel."
    assert (await service.status("slack", "C1")).text == "Daily advice is off for this channel."


async def test_workspace_zone_is_the_default(service: AdviceService) -> None:
    """Without a zone typed, the workspace's (or server's) zone is used, else the default."""
    reply = await on(service, workspace_timezone="America/New_York")
    assert reply.subscription.timezone == "America/New_York"
    assert (await on(service, "C2")).subscription.timezone == "UTC"


async def test_changing_the_time_replaces_the_schedule(
    service: AdviceService, scheduler: AdviceScheduler, clock: FakeClock, sender: RecordingSender
) -> None:
    """09:00 then moved to 15:00 after the morning post: one post that day, never two."""
    await on(service, time="09:00")
    clock.now = utc(2025, 3, 3, 9, 0)
    await scheduler.post_due()
    reply = await on(service, time="15:00")
    assert reply.text.startswith("Daily advice moved from 09:00 UTC, every day to 15:00 UTC")
    assert "Next post: Tue 04 Mar at 15:00 (UTC)." in reply.text
    clock.now = utc(2025, 3, 3, 15, 0)
    await scheduler.post_due()
    assert len(sender.posts) == 1
    assert len(service.store.subscriptions()) == 1


async def test_moving_the_time_before_the_post_uses_only_the_new_time(
    service: AdviceService, scheduler: AdviceScheduler, clock: FakeClock, sender: RecordingSender
) -> None:
    """Moved from 09:00 to 15:00 at 08:00: nothing at 09:00, one post at 15:00."""
    await on(service, time="09:00")
    clock.now = utc(2025, 3, 3, 8, 0)
    await on(service, time="15:00")
    clock.now = utc(2025, 3, 3, 9, 0)
    assert (await scheduler.post_due()).outcomes == []
    clock.now = utc(2025, 3, 3, 15, 0)
    assert [o.status for o in (await scheduler.post_due()).outcomes] == ["sent"]


async def test_now_counts_as_todays_post(
    service: AdviceService, scheduler: AdviceScheduler, clock: FakeClock, sender: RecordingSender
) -> None:
    """`now` posts at once; the 09:00 tick and a second `now` do not post again."""
    await on(service)
    first = await service.post_now("slack", "C1", by_user="U1")
    assert (first.ok, first.text) == (True, "Posted today's advice.")
    again = await service.post_now("slack", "C1", by_user="U1")
    assert again.text == "Today's advice was already posted here."
    assert again.hit == first.hit
    clock.now = utc(2025, 3, 3, 9, 0)
    assert (await scheduler.post_due()).outcomes == []
    assert len(sender.posts) == 1
    status = await service.status("slack", "C1")
    assert "Next post: Tue 04 Mar at 09:00 (UTC)." in status.text
    assert "Last post: 2025-03-03." in status.text


async def test_broken_channel_is_marked_and_others_continue(
    service: AdviceService, scheduler: AdviceScheduler, clock: FakeClock, sender: RecordingSender
) -> None:
    """A channel that keeps rejecting posts is broken after 3 tries; the others get theirs."""
    await on(service, "C1")
    await on(service, "C2")
    sender.answers["C1"] = Delivery.broken("not_in_channel")
    clock.now = utc(2025, 3, 3, 9, 0)
    for _ in range(3):
        report = await scheduler.post_due()
        assert "C1" in [o.subscription.channel for o in report.by_status("failed")]
        clock.advance(minutes=5)
    assert (await scheduler.post_due()).outcomes == []
    broken = service.store.subscription("slack", "C1")
    assert broken.broken and broken.failures == 3 and broken.broken_reason == "not_in_channel"
    status = await service.status("slack", "C1")
    assert not status.ok and "paused: posting failed 3 times (not_in_channel)" in status.text
    assert service.store.post("slack", "C2", clock.now.date()).status == "sent"
    # Fixing it and turning it on again clears the flag; today's post still goes out.
    del sender.answers["C1"]
    await on(service, "C1")
    assert [o.status for o in (await scheduler.post_due()).outcomes] == ["sent"]


async def test_a_failing_or_hanging_sender_does_not_stop_the_others(
    store: AdviceStore, pool: AdvicePool, clock: FakeClock
) -> None:
    """One sender raising and one never answering become retries; the other platform posts."""

    class Raising(RecordingSender):
        async def send(self, post: AdvicePost) -> Delivery:
            raise RuntimeError("boom")

    class Hanging(RecordingSender):
        async def send(self, post: AdvicePost) -> Delivery:
            await asyncio.Event().wait()
            raise AssertionError("unreachable")

    good = RecordingSender("discord")
    senders = {"slack": Raising("slack"), "matrix": Hanging("matrix"), "discord": good}
    scheduler = AdviceScheduler(
        store, pool, senders, clock=clock, send_timeout=timedelta(milliseconds=20)
    )
    service = AdviceService(scheduler)
    for platform in senders:
        await service.subscribe(platform, "C1", by_user="U1", allowed=True)
    clock.now = utc(2025, 3, 3, 9, 0)
    report = await scheduler.post_due()
    assert sorted((o.subscription.platform, o.status) for o in report.outcomes) == [
        ("discord", "sent"),
        ("matrix", "failed"),
        ("slack", "failed"),
    ]
    assert store.post("slack", "C1", clock.now.date()).error == "retry: RuntimeError: boom"
    assert scheduler.next_wakeup(clock.now) == utc(2025, 3, 3, 9, 5)


async def test_loop_sleeps_until_the_next_due_time(
    store: AdviceStore, pool: AdvicePool, clock: FakeClock, sender: RecordingSender
) -> None:
    """The loop wakes at 09:00 sharp (via max-sleep steps), posts once, then aims at tomorrow."""
    waits: list[float] = []

    async def waiter(event: asyncio.Event, seconds: float) -> None:
        waits.append(seconds)
        clock.advance(seconds=seconds)
        if clock.now >= utc(2025, 3, 4, 0, 0):
            scheduler.stop()

    scheduler = AdviceScheduler(
        store, pool, {"slack": sender}, clock=clock, max_sleep=timedelta(hours=4), waiter=waiter
    )
    await AdviceService(scheduler).subscribe("slack", "C1", by_user="U", allowed=True)
    await scheduler.run()
    assert len(sender.posts) == 1 and sender.posts[0].day.isoformat() == "2025-03-03"
    assert waits[:2] == [2 * 3600.0, 4 * 3600.0]  # 07:00 -> 09:00, then the 4 h cap
    assert max(waits) <= 4 * 3600


async def test_cron_post_due_without_senders_leaves_posts_unclaimed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    """`quotebot advice post-due` with no adapter configured says so and claims nothing."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    store = AdviceStore.open(sqlite_url)
    store.save_subscription(Subscription("slack", "C1", time(0, 0)))  # due all day, every day
    code = await asyncio.to_thread(main, ["advice", "post-due"])
    out = capsys.readouterr().out
    assert code == 1
    assert "unsent  1 due post(s) on slack left unclaimed: not configured (no token)" in out
    assert store.posts() == []
    assert await asyncio.to_thread(main, ["advice", "status"]) == 0
    assert "ok      slack:C1  Daily advice is on: 00:00 UTC, every day." in capsys.readouterr().out
    store.close()
