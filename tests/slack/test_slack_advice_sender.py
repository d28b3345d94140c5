"""The Slack advice sender under the real scheduler: posting, broken channels, rate limits, and
not posting twice after a crash between posting and recording it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from slack_bench import BOT_TOKEN, CHANNEL, context_texts, section_texts, slack_settings
from slack_daily_bench import DailyBench
from slack_sdk.http_retry import builtin_async_handlers
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.advice import SlackAdviceSender, create_sender
from adapters.slack.escaping import mrkdwn
from bot import AdvicePost, Subscription, advice_nonce
from bot.advice.delivery import SENDER_FACTORIES, load_senders
from tests.advice.advice_fakes import utc

OTHER_CHANNEL = "C0OTHER01"
TODAY = date(2025, 3, 3)
NINE_IN_BERLIN = utc(2025, 3, 3, 8, 0)


@pytest.fixture
def no_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack_sdk waits Retry-After plus up to a second of jitter: drop the jitter."""
    monkeypatch.setattr(builtin_async_handlers.random, "random", lambda: 0.0)


def test_create_sender_needs_a_bot_token(fake_slack) -> None:
    """The registry's factory: a sender at SLACK_API_URL with the token, None without one."""
    assert SENDER_FACTORIES["slack"] == "adapters.slack.advice:create_sender"
    sender = create_sender(slack_settings(fake_slack))
    assert isinstance(sender, SlackAdviceSender) and sender.platform == "slack"
    assert sender.client.base_url == fake_slack.api_url
    senders, missing = load_senders(slack_settings(fake_slack, SLACK_BOT_TOKEN=" "))
    assert "slack" not in senders and missing["slack"] == "not configured (no token)"


async def test_the_scheduled_post_is_the_advice_with_a_header(daily: DailyBench) -> None:
    """At 09:00 the tick posts the day's advice: header, quote, attribution, nonce metadata."""
    await daily.run("on")
    daily.clock.now = NINE_IN_BERLIN
    [outcome] = (await daily.advice.scheduler.post_due()).outcomes
    assert outcome.status == "sent"
    [post] = daily.posts(CHANNEL)
    hit = daily.advice.scheduler.pool.advice_for(CHANNEL, TODAY)
    assert outcome.hit == hit
    assert post["text"].startswith("Advice of the day: “" + " ".join(hit.text.split())[:30])
    assert [b["type"] for b in post["blocks"]] == ["header", "section", "context"]
    assert section_texts(post)[0].startswith(">")
    assert context_texts(post)[0].startswith(f"{mrkdwn(hit.speaker)} · {mrkdwn(hit.section)} · ")
    assert post["metadata"]["event_payload"]["nonce"] == advice_nonce("slack", CHANNEL, TODAY)
    assert (post["unfurl_links"], post["unfurl_media"]) == (False, False)
    record = daily.advice.store.post("slack", CHANNEL, TODAY)
    assert record.status == "sent" and record.message_id == outcome.delivery.message_id
    assert record.message_id.startswith(f"{int(NINE_IN_BERLIN.timestamp())}.")


async def test_a_rejecting_channel_is_broken_after_the_configured_failures(make_daily) -> None:
    """channel_not_found twice (QUOTEBOT_DAILY_BROKEN_AFTER=2): paused and shown by status;
    the other channel gets its post once, untouched."""
    bench = await make_daily(QUOTEBOT_DAILY_BROKEN_AFTER="2")
    bench.fake.add_channel(OTHER_CHANNEL)
    await bench.run("on")
    await bench.run("on", channel=OTHER_CHANNEL)
    bench.fake.rejecting[CHANNEL] = "channel_not_found"
    bench.clock.now = NINE_IN_BERLIN
    for _ in range(2):
        report = await bench.advice.scheduler.post_due()
        [failed] = report.by_status("failed")
        assert failed.subscription.channel == CHANNEL
        assert failed.delivery.kind == "broken"
        bench.clock.advance(minutes=5)
    assert (await bench.advice.scheduler.post_due()).outcomes == []
    sub = bench.advice.store.subscription("slack", CHANNEL)
    assert sub.broken and sub.failures == 2
    assert sub.broken_reason == (
        "the channel is gone or I can't see it (a private channel needs me invited) "
        "(channel_not_found)"
    )
    status = await bench.run("status")
    assert status.startswith("Daily advice is on (09:00 Europe/Berlin, every day) but paused: ")
    assert "posting failed 2 times (the channel is gone" in status
    assert len(bench.posts(OTHER_CHANNEL)) == 1
    assert bench.advice.store.post("slack", OTHER_CHANNEL, TODAY).status == "sent"
    assert "Next post: Tue 04 Mar" in await bench.run("status", channel=OTHER_CHANNEL)


async def test_rate_limits_are_retried_later_not_counted_as_broken(
    daily: DailyBench, no_jitter
) -> None:
    """429 past the client's own retries: a retry for later, no failure counted; it is sent on
    the next try, once."""
    await daily.run("on")
    daily.fake.rate_limit("chat.postMessage", retry_after=0, times=3)
    daily.clock.now = NINE_IN_BERLIN
    [failed] = (await daily.advice.scheduler.post_due()).outcomes
    assert (failed.status, failed.delivery.kind) == ("failed", "retry")
    assert failed.delivery.reason == "Slack is busy (ratelimited, retry after 0 s)"
    assert daily.advice.store.subscription("slack", CHANNEL).failures == 0
    assert daily.advice.scheduler.next_wakeup(daily.clock.now) == NINE_IN_BERLIN + timedelta(
        minutes=5
    )
    daily.clock.advance(minutes=5)
    [sent] = (await daily.advice.scheduler.post_due()).outcomes
    assert sent.status == "sent"
    assert len(daily.fake.method_calls("chat.postMessage")) == 4
    assert (await daily.advice.scheduler.post_due()).outcomes == []


@pytest.mark.parametrize("status", [500, 503])
async def test_server_errors_are_retried(daily: DailyBench, status: int) -> None:
    """A 5xx from Slack is a passing problem: retry, nothing counted."""
    await daily.run("on")
    daily.fake.fail("chat.postMessage", "service_unavailable", status=status)
    daily.clock.now = NINE_IN_BERLIN
    [failed] = (await daily.advice.scheduler.post_due()).outcomes
    assert failed.delivery.kind == "retry"
    assert daily.advice.store.subscription("slack", CHANNEL).failures == 0


@pytest.mark.parametrize(
    ("error", "kind", "words"),
    [
        ("not_in_channel", "broken", "I'm not a member of the channel: invite me with"),
        ("is_archived", "broken", "the channel is archived (is_archived)"),
        ("access_denied", "broken", "Slack denied me access to the channel"),
        ("restricted_action", "broken", "the workspace's settings don't let me post"),
        ("account_inactive", "retry", "Slack rejected the bot token (account_inactive)"),
        ("invalid_auth", "retry", "Slack rejected the bot token (invalid_auth)"),
        ("token_revoked", "retry", "Slack rejected the bot token (token_revoked)"),
        ("missing_scope", "broken", "the app lacks a permission"),
        ("something_new", "broken", "Slack refused the post (something_new)"),
        ("internal_error", "retry", "Slack is busy (internal_error)"),
        ("request_timeout", "retry", "Slack is busy (request_timeout)"),
    ],
)
async def test_web_api_errors_become_typed_deliveries(
    daily: DailyBench, error: str, kind: str, words: str
) -> None:
    """Channel rejections are `broken` with words for `status`; passing problems `retry`, and
    so is a rejected token: it is no channel's fault, and pausing them all would make every
    channel subscribe again after the reinstall."""
    sender = daily.advice.scheduler.senders["slack"]
    daily.fake.fail("chat.postMessage", error)
    hit = daily.advice.scheduler.pool.advice_for(CHANNEL, TODAY)
    post = AdvicePost(Subscription("slack", CHANNEL), hit, TODAY, "qa-nonce")
    delivery = await sender.send(post)
    assert (delivery.ok, delivery.kind) == (False, kind)
    assert words in delivery.reason


async def test_network_failures_are_retried(daily: DailyBench) -> None:
    """Slack unreachable: a retry, never an exception into the scheduler."""
    # Without slack_sdk's connection-error retry (it backs off for a second).
    client = AsyncWebClient(token=BOT_TOKEN, base_url="http://127.0.0.1:9/api/", retry_handlers=[])
    sender = SlackAdviceSender(client)
    hit = daily.advice.scheduler.pool.advice_for(CHANNEL, TODAY)
    delivery = await sender.send(AdvicePost(Subscription("slack", CHANNEL), hit, TODAY, "n"))
    assert delivery.kind == "retry" and delivery.reason.startswith("could not reach Slack")
    assert "couldn't reach Slack" in await sender.check_can_post(Subscription("slack", CHANNEL))


async def crashed_attempt(bench: DailyBench) -> str:
    """A replica claims today's post and posts it, then dies before recording it."""
    store, scheduler = bench.advice.store, bench.advice.scheduler
    sub = store.subscription("slack", CHANNEL)
    claim = store.claim("slack", CHANNEL, TODAY, bench.clock.now, scheduler.lease)
    hit = scheduler.pool.advice_for(CHANNEL, TODAY)
    post = AdvicePost(sub, hit, TODAY, advice_nonce("slack", CHANNEL, TODAY), claim.attempt)
    delivery = await scheduler.senders["slack"].send(post)
    assert delivery.ok
    return delivery.message_id


async def test_a_retry_after_a_crash_finds_the_first_post_instead_of_posting(
    daily: DailyBench,
) -> None:
    """attempt 2 looks up today's history (with metadata) for the nonce: found, so it is
    recorded as sent with the first message's ts and nothing is posted again."""
    await daily.run("on")
    daily.clock.now = NINE_IN_BERLIN
    first_ts = await crashed_attempt(daily)
    assert (await daily.advice.scheduler.post_due()).outcomes == []  # the lease still runs
    daily.clock.advance(seconds=daily.advice.scheduler.lease.total_seconds() + 1)
    [outcome] = (await daily.advice.scheduler.post_due()).outcomes
    assert outcome.status == "sent"
    assert len(daily.posts()) == 1
    record = daily.advice.store.post("slack", CHANNEL, TODAY)
    assert (record.status, record.message_id, record.attempts) == ("sent", first_ts, 2)
    [looked] = daily.fake.method_calls("conversations.history")
    assert looked.body["channel"] == CHANNEL
    assert looked.body["include_all_metadata"] in {"1", "true"}
    # Only the moments the first attempt could have posted in: its claim to its send's end.
    start = NINE_IN_BERLIN.timestamp()
    assert float(looked.body["oldest"]) == start - 5
    assert float(looked.body["latest"]) == start + 30 + 5
    assert looked.body["limit"] == "15"


def chatter(bench: DailyBench, count: int, *, after: float) -> None:
    """`count` messages from people, one a second from `after` seconds past the clock's now."""
    start = bench.clock.now.timestamp() + after
    messages = [
        {"type": "message", "ts": f"{start + n:.6f}", "text": f"message {n}"} for n in range(count)
    ]
    history = bench.fake.history.setdefault(CHANNEL, [])
    history[:] = sorted(history + messages, key=lambda m: float(m["ts"]), reverse=True)


async def test_a_retry_in_a_busy_channel_finds_the_first_post_in_one_small_request(
    daily: DailyBench,
) -> None:
    """Hundreds of messages since midnight and since the crash: the look-up still needs one
    request of at most 15 messages (Slack's budget outside the Marketplace), because it reads
    only the moments the first attempt could have posted in."""
    await daily.run("on")
    daily.clock.now = NINE_IN_BERLIN
    chatter(daily, 450, after=-3 * 3600)
    first_ts = await crashed_attempt(daily)
    chatter(daily, 450, after=60)
    daily.clock.advance(seconds=daily.advice.scheduler.lease.total_seconds() + 1)
    [outcome] = (await daily.advice.scheduler.post_due()).outcomes
    assert outcome.status == "sent" and outcome.delivery.message_id == first_ts
    assert len(daily.posts()) == 1
    [looked] = daily.fake.method_calls("conversations.history")
    assert looked.body["limit"] == "15" and "cursor" not in looked.body


async def test_more_than_15_messages_in_the_window_posts_and_says_so(
    daily: DailyBench, caplog: pytest.LogCaptureFixture
) -> None:
    """30 messages within seconds of the first attempt: the one request cannot see it; the
    sender says so and posts (the documented at-least-once case) rather than page for minutes."""
    await daily.run("on")
    daily.clock.now = NINE_IN_BERLIN
    await crashed_attempt(daily)
    chatter(daily, 30, after=1)
    daily.clock.advance(seconds=daily.advice.scheduler.lease.total_seconds() + 1)
    [outcome] = (await daily.advice.scheduler.post_due()).outcomes
    assert outcome.status == "sent"
    assert len(daily.posts()) == 2
    assert len(daily.fake.method_calls("conversations.history")) == 1
    assert any("there are more; posting" in message for message in caplog.messages)


async def test_two_channels_recovering_at_once_keep_to_one_look_up_a_minute(
    make_daily,
) -> None:
    """Two channels crashed after posting. Slack allows one history request a minute: the
    first finds its post, the second is rate limited and waits for Retry-After (not the
    scheduler's retry delay alone), then finds its own. Nothing is posted twice."""
    bench = await make_daily(QUOTEBOT_DAILY_RETRY="20")
    bench.fake.add_channel(OTHER_CHANNEL)
    await bench.run("on")
    await bench.run("on", channel=OTHER_CHANNEL)
    bench.clock.now = NINE_IN_BERLIN
    store, scheduler = bench.advice.store, bench.advice.scheduler
    for channel in (CHANNEL, OTHER_CHANNEL):
        claim = store.claim("slack", channel, TODAY, bench.clock.now, scheduler.lease)
        hit = scheduler.pool.advice_for(channel, TODAY)
        nonce = advice_nonce("slack", channel, TODAY)
        sub = store.subscription("slack", channel)
        assert (await scheduler.senders["slack"].send(AdvicePost(sub, hit, TODAY, nonce))).ok
        assert claim.attempt == 1  # ... and both processes die here
    bench.clock.advance(seconds=scheduler.lease.total_seconds() + 1)
    report = await scheduler.post_due()
    assert sorted(o.status for o in report.outcomes) == ["failed", "sent"]
    [limited] = report.by_status("failed")
    assert limited.delivery.kind == "retry" and "ratelimited" in limited.delivery.reason
    record = store.post("slack", limited.subscription.channel, TODAY)
    assert record.lease_until >= bench.clock.now + timedelta(seconds=59)
    bench.clock.advance(seconds=30)
    assert (await scheduler.post_due()).outcomes == []  # Retry-After still runs
    bench.clock.advance(seconds=31)
    [recovered] = (await scheduler.post_due()).outcomes
    assert recovered.status == "sent" and recovered.subscription == limited.subscription
    assert len(bench.posts(CHANNEL)) == 1 and len(bench.posts(OTHER_CHANNEL)) == 1
    looks = bench.fake.method_calls("conversations.history")
    assert len(looks) == 3  # two look-ups a minute apart, and the one refused between them


async def test_a_retry_posts_when_the_first_attempt_never_reached_slack(
    daily: DailyBench,
) -> None:
    """attempt 2 with no such message today: a message without metadata or with another day's
    nonce does not count, so it posts."""
    await daily.run("on")
    daily.clock.now = NINE_IN_BERLIN
    store, scheduler = daily.advice.store, daily.advice.scheduler
    store.claim("slack", CHANNEL, TODAY, daily.clock.now, scheduler.lease)  # then crashed
    today = f"{utc(2025, 3, 3, 7, 30).timestamp():.6f}"
    daily.fake.history[CHANNEL] = [
        {"type": "message", "ts": today, "text": "morning all"},
        {
            "type": "message",
            "ts": today,
            "metadata": {
                "event_type": "quotebot_advice",
                "event_payload": {"nonce": advice_nonce("slack", CHANNEL, date(2025, 3, 2))},
            },
        },
    ]
    daily.clock.advance(minutes=3)
    [outcome] = (await daily.advice.scheduler.post_due()).outcomes
    assert outcome.status == "sent"
    assert len(daily.posts()) == 1
    assert len(daily.fake.method_calls("conversations.history")) == 1


async def test_when_history_cannot_be_read_the_retry_posts(daily: DailyBench) -> None:
    """Posting via chat:write.public without membership: history says not_in_channel, so the
    retry cannot check and posts (the documented at-least-once window); a transient history
    error waits for the next try instead."""
    await daily.run("on")
    daily.clock.now = NINE_IN_BERLIN
    await crashed_attempt(daily)
    daily.fake.add_channel(CHANNEL, is_member=False)
    daily.clock.advance(minutes=3)
    daily.fake.fail("conversations.history", "internal_error")
    [waiting] = (await daily.advice.scheduler.post_due()).outcomes
    assert (waiting.status, waiting.delivery.kind) == ("failed", "retry")
    assert len(daily.posts()) == 1
    daily.clock.advance(minutes=5)
    [outcome] = (await daily.advice.scheduler.post_due()).outcomes
    assert outcome.status == "sent"
    assert len(daily.posts()) == 2


async def test_a_look_up_that_found_nothing_is_not_repeated_for_the_same_attempts(
    daily: DailyBench,
) -> None:
    """Attempt 2 reads the crashed attempt's moments, finds nothing, and its own post is
    refused (a 503): attempt 3 then looks only at attempt 2's moments, not back to the crash."""
    await daily.run("on")
    daily.clock.now = NINE_IN_BERLIN
    store, scheduler = daily.advice.store, daily.advice.scheduler
    store.claim("slack", CHANNEL, TODAY, daily.clock.now, scheduler.lease)  # then crashed
    daily.clock.advance(seconds=scheduler.lease.total_seconds() + 1)
    second_claim = daily.clock.now
    daily.fake.fail("chat.postMessage", "service_unavailable", status=503)
    [failed] = (await scheduler.post_due()).outcomes
    assert failed.status == "failed" and failed.delivery.checked
    daily.clock.advance(seconds=scheduler.retry_delay.total_seconds() + 1)
    [outcome] = (await scheduler.post_due()).outcomes
    assert outcome.status == "sent" and len(daily.fake.history[CHANNEL]) == 1
    first, second = daily.fake.method_calls("conversations.history")
    assert float(first.body["oldest"]) == NINE_IN_BERLIN.timestamp() - 5
    assert float(second.body["oldest"]) == second_claim.timestamp() - 5
