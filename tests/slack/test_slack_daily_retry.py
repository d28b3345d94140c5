"""A daily post that failed for a passing reason: retried after QUOTEBOT_DAILY_RETRY (not a
fixed 5 minutes, and not tied to the lease), and shown with its reason and next try by
`advice post-due` and `advice status` instead of "nothing due" and "on its way"."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

import pytest
from slack_bench import BOT_TOKEN, SIGNING_SECRET, FakeSlack

from bot import Settings, create_advice_service
from bot.advice.schedule import Subscription
from bot.advice.store import AdviceStore
from bot.cli.command import main

CHANNEL = "C0RETRY01"


@pytest.fixture
def cron_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_slack: FakeSlack
) -> AdviceStore:
    """`quotebot advice` against the fake Slack, one channel due all day; its store."""
    for name in ("DISCORD_TOKEN", "SLACK_APP_TOKEN", "QUOTEBOT_ADVICE_FILE"):
        monkeypatch.delenv(name, raising=False)
    url = f"sqlite:///{tmp_path / 'advice.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
    monkeypatch.setenv("QUOTEBOT_DAILY_RETRY", "90")
    fake_slack.add_channel(CHANNEL)
    store = AdviceStore.open(url)
    store.save_subscription(Subscription("slack", CHANNEL, clock_time(0, 0)))
    yield store
    store.close()


def next_try(text: str) -> datetime:
    found = re.search(r"next try (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC", text)
    assert found, text
    return datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


async def test_post_due_shows_the_failure_and_the_next_try(
    cron_environment: AdviceStore, fake_slack: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    """The failed run says why and when it is tried again (QUOTEBOT_DAILY_RETRY=90 s later);
    a run before then shows it waiting instead of "nothing due"; both exit 1."""
    fake_slack.fail("chat.postMessage", "service_unavailable", status=503)
    before = datetime.now(UTC)
    assert await asyncio.to_thread(main, ["advice", "post-due"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"failed  slack:{CHANNEL} ")
    assert "(retry: Slack is busy (service_unavailable); next try " in out
    retry_at = next_try(out)
    assert before + timedelta(seconds=88) <= retry_at <= datetime.now(UTC) + timedelta(seconds=91)
    assert await asyncio.to_thread(main, ["advice", "post-due"]) == 1
    out = capsys.readouterr().out
    assert "nothing due" not in out
    assert out.startswith(f"waiting slack:{CHANNEL} ")
    assert "(failed: retry: Slack is busy (service_unavailable); next try" in out
    assert next_try(out) == retry_at


async def test_status_shows_the_failure_and_the_next_try(
    cron_environment: AdviceStore, fake_slack: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    """`advice status` (and so /quote-daily status) says today's post failed, why, and when
    it is tried again, rather than "Today's post is on its way"."""
    fake_slack.fail("chat.postMessage", "service_unavailable", status=503)
    await asyncio.to_thread(main, ["advice", "post-due"])
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["advice", "status"]) == 0
    out = capsys.readouterr().out
    assert "on its way" not in out
    assert re.search(
        r"Today's post failed \(retry: Slack is busy \(service_unavailable\)\); "
        r"next try at \d\d:\d\d \(UTC\)\.",
        out,
    ), out


@pytest.mark.parametrize("lease", ["60", "600"])
def test_the_send_timeout_does_not_follow_the_lease(seed_library, tmp_path, lease: str) -> None:
    """Shortening QUOTEBOT_DAILY_LEASE no longer shortens the send timeout; the retry delay
    is its own setting."""
    settings = Settings.load(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}",
            "QUOTEBOT_DAILY_LEASE": lease,
            "QUOTEBOT_DAILY_RETRY": "45",
        }
    )
    service = create_advice_service(seed_library, settings)
    try:
        scheduler = service.scheduler
        assert scheduler.send_timeout == timedelta(seconds=30)
        assert scheduler.lease == timedelta(seconds=int(lease))
        assert scheduler.retry_delay == timedelta(seconds=45)
    finally:
        service.store.close()
