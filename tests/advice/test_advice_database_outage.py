"""PostgreSQL going away and coming back: one line naming the host at start, a clear "not
answering" while it is away, and daily posts resumed (once) when it answers again. The
database is the real PostgreSQL behind a loopback proxy that the tests stop and start."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from datetime import time, timedelta

import pytest
from advice_fakes import FakeClock, RecordingSender, utc

from bot.advice.pool import AdvicePool
from bot.advice.schedule import Subscription
from bot.advice.scheduler import AdviceScheduler
from bot.advice.service import AdviceService
from bot.advice.store import AdviceStore
from bot.cli.command import main
from bot.messages import DAILY_DATABASE_AWAY
from bot.store import DatabaseUnavailable
from tests.tcp_proxy import TcpProxy


@pytest.fixture
def proxied(pg_url: str) -> Iterator[tuple[TcpProxy, str]]:
    """The test's PostgreSQL schema reached through a proxy (started)."""
    proxy, url = TcpProxy.for_url(pg_url)
    proxy.start()
    yield proxy, url
    proxy.stop()


def dead_url() -> str:
    """A PostgreSQL URL on a loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"postgresql://postgres@127.0.0.1:{port}/test"


@pytest.mark.parametrize("action", ["post-due", "status"])
def test_advice_commands_name_the_unreachable_host_in_one_line(
    action: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`advice post-due` (cron) and `advice status` say which host did not answer, no traceback."""
    url = dead_url()
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["advice", action]) == 2
    err = capsys.readouterr().err
    host = url.removeprefix("postgresql://postgres@")
    assert err.startswith(f"quotebot: DATABASE_URL: cannot connect to PostgreSQL at {host}: ")
    assert "refused" in err.lower() and err.count("\n") == 1


def test_a_stopped_database_is_named_once_it_is_away(
    proxied: tuple[TcpProxy, str],
) -> None:
    """A store whose PostgreSQL stops raises DatabaseUnavailable naming the host (for /readyz),
    and answers again by itself once PostgreSQL is back."""
    proxy, url = proxied
    store = AdviceStore.open(url)
    try:
        assert store.ping()
        proxy.stop()
        with pytest.raises(DatabaseUnavailable, match=f"127.0.0.1:{proxy.port}/test"):
            store.ping()
        with pytest.raises(DatabaseUnavailable, match="cannot connect to PostgreSQL"):
            store.ping()  # reconnecting fails too, in the same words
        proxy.start()
        assert store.ping()
    finally:
        store.close()


async def test_daily_posts_resume_once_when_the_database_is_back(
    proxied: tuple[TcpProxy, str], pool: AdvicePool, sender: RecordingSender
) -> None:
    """The scheduler loop outlives an outage: it waits, tries again, and posts today's advice
    exactly once when PostgreSQL answers again."""
    proxy, url = proxied
    clock = FakeClock(utc(2025, 3, 3, 8, 0))
    store = AdviceStore.open(url)
    store.save_subscription(Subscription("slack", "C1", time(9, 0)))
    waits: list[float] = []

    async def waiter(event: asyncio.Event, seconds: float) -> None:
        waits.append(seconds)
        clock.advance(seconds=seconds)
        if len(waits) == 1:
            proxy.stop()  # the database goes away before 09:00
        elif len(waits) == 3:
            proxy.start()  # and is back after two failed steps
        elif len(sender.posts) or len(waits) > 10:
            scheduler.stop()

    scheduler = AdviceScheduler(
        store, pool, {"slack": sender}, clock=clock, max_sleep=timedelta(hours=4), waiter=waiter
    )
    try:
        await asyncio.wait_for(scheduler.run(), timeout=60)
        assert waits[1:3] == [30.0, 30.0]  # the outage: tried again every 30 s
        assert [post.day.isoformat() for post in sender.posts] == ["2025-03-03"]
        assert store.post("slack", "C1", clock.now.date()).status == "sent"
    finally:
        store.close()


async def test_daily_commands_answer_in_words_while_the_database_is_away(
    proxied: tuple[TcpProxy, str], pool: AdvicePool, sender: RecordingSender
) -> None:
    """/quote-daily on, off, status and now get a sentence (no host names) while PostgreSQL is
    away, and work again once it is back."""
    proxy, url = proxied
    store = AdviceStore.open(url)
    service = AdviceService(AdviceScheduler(store, pool, {"slack": sender}))
    try:
        proxy.stop()
        replies = [
            await service.subscribe("slack", "C1", by_user="U1", allowed=True),
            await service.unsubscribe("slack", "C1", by_user="U1", allowed=True),
            await service.status("slack", "C1"),
            await service.post_now("slack", "C1", by_user="U1"),
        ]
        assert [(r.ok, r.text) for r in replies] == [(False, DAILY_DATABASE_AWAY)] * 4
        assert all("127.0.0.1" not in r.text for r in replies)
        proxy.start()
        assert (await service.subscribe("slack", "C1", by_user="U1", allowed=True)).ok
    finally:
        store.close()
