"""/quote-daily (and /quote daily …) end to end: signed commands in, ephemeral answers out."""

from __future__ import annotations

import asyncio
import random
from datetime import date, time

from slack_bench import CHANNEL, TEAM, USER, SlackHarness, section_texts, slack_settings
from slack_daily_bench import DailyBench

from adapters.slack import create_app, create_web_app, messages
from bot import advice_nonce
from tests.advice.advice_fakes import utc

OTHER = "U0OTHER1"
TODAY = date(2025, 3, 3)


async def test_on_defaults_to_09_00_in_the_requesters_zone(daily: DailyBench) -> None:
    """`on` alone: 09:00 in the admin's Slack time zone, checked and saved, next post named."""
    answer = await daily.run("on")
    assert answer.startswith(
        "Daily advice is on for this channel: 09:00 Europe/Berlin, every day. "
        "Next post: today at 09:00 (Europe/Berlin)."
    )
    assert "time zone is yours from your Slack profile" in answer
    sub = daily.advice.store.subscription("slack", CHANNEL)
    assert (sub.local_time, sub.timezone, sub.weekdays_only) == (time(9), "Europe/Berlin", False)
    assert (sub.workspace, sub.created_by) == (TEAM, USER)
    [looked_up] = daily.fake.method_calls("users.info")
    assert looked_up.body["user"] == USER
    [checked] = daily.fake.method_calls("conversations.info")
    assert checked.body["channel"] == CHANNEL


async def test_the_ack_does_not_wait_for_slow_lookups(daily: DailyBench) -> None:
    """users.info hanging: the command is acked at once; the answer follows once Slack answers."""
    gate = daily.fake.gates["users.info"] = asyncio.Event()
    reply = await daily.slack.command("on", "/quote-daily")
    assert (reply.status, reply.text) == (200, "")
    assert reply.seconds < 1.0
    assert daily.fake.responses == []
    gate.set()
    [answer] = await daily.fake.wait_for_responses(1)
    assert section_texts(answer.body)[0].startswith("Daily advice is on for this channel")


async def test_on_with_time_zone_and_weekdays_and_moving_it(daily: DailyBench) -> None:
    """An explicit time, zone and weekdays; `on` again replaces the schedule, never adds one."""
    answer = await daily.run("on 7:30 america/new_york weekdays")
    assert answer == (
        "Daily advice is on for this channel: 07:30 America/New_York, weekdays only. "
        "Next post: today at 07:30 (America/New_York)."
    )
    moved = await daily.run("on 10:15 Europe/Berlin")
    assert moved.startswith(
        "Daily advice moved from 07:30 America/New_York, weekdays only to "
        "10:15 Europe/Berlin, every day."
    )
    [sub] = daily.advice.store.subscriptions()
    assert (sub.local_time, sub.timezone) == (time(10, 15), "Europe/Berlin")


async def test_without_a_profile_zone_the_configured_default_applies(make_daily) -> None:
    """No `tz` in users.info: QUOTEBOT_DAILY_TIMEZONE (and its time) are the default."""
    bench = await make_daily(QUOTEBOT_DAILY_TIMEZONE="Asia/Tokyo", QUOTEBOT_DAILY_TIME="08:00")
    bench.fake.add_user(USER, is_owner=True)
    answer = await bench.run("on")
    assert answer.startswith("Daily advice is on for this channel: 08:00 Asia/Tokyo, every day.")
    assert "Slack profile" not in answer


async def test_bad_times_zones_and_words_say_what_would_work(daily: DailyBench) -> None:
    """A time or zone that cannot be used, or an unknown word: nothing saved, a helpful answer."""
    assert "“25:99” is not a time of day: use HH:MM" in await daily.run("on 25:99")
    zone = await daily.run("on 9:00 Europe/Berln")
    assert "“Europe/Berln” is not a time zone" in zone and "Did you mean Europe/Berlin" in zone
    unknown = await daily.run("sometimes")
    assert unknown.startswith("I don't know “sometimes” here.\n*/quote-daily* posts one")
    assert "`/quote-daily on 08:30 Europe/Berlin weekdays`" in unknown
    escaped = await daily.run("on 9:00 <!channel>")
    assert "<!channel>" not in escaped and "&lt;!channel&gt;" in escaped
    assert daily.advice.store.subscriptions() == []


async def test_status_and_off(daily: DailyBench) -> None:
    """`status` before, during and after; `off` removes the schedule."""
    assert await daily.run("status") == "Daily advice is off for this channel."
    await daily.run("on 9:30")
    status = await daily.run("status")
    assert status == (
        "Daily advice is on: 09:30 Europe/Berlin, every day. "
        "Next post: today at 09:30 (Europe/Berlin)."
    )
    assert await daily.run("off") == "Daily advice is off for this channel."
    assert await daily.run("off") == "Daily advice was not on for this channel."
    assert daily.advice.store.subscriptions() == []
    assert await daily.run("status") == "Daily advice is off for this channel."


async def test_now_posts_once_and_counts_as_todays_post(daily: DailyBench) -> None:
    """`now` posts in the channel through the claim; a second `now` and the 09:00 tick don't."""
    await daily.run("on")
    assert await daily.run("now") == "Posted today's advice."
    [post] = daily.posts()
    assert post["channel"] == CHANNEL
    assert post["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Advice of the day", "emoji": True},
    }
    assert post["metadata"] == {
        "event_type": "quotebot_advice",
        "event_payload": {"nonce": advice_nonce("slack", CHANNEL, TODAY)},
    }
    assert await daily.run("now") == "Today's advice was already posted here."
    daily.clock.now = utc(2025, 3, 3, 8, 0)  # 09:00 in Berlin
    assert (await daily.advice.scheduler.post_due()).outcomes == []
    assert len(daily.posts()) == 1
    status = await daily.run("status")
    assert "Next post: Tue 04 Mar at 09:00 (Europe/Berlin)." in status
    assert "Last post: 2025-03-03." in status


async def test_now_without_a_subscription_posts_for_today(daily: DailyBench) -> None:
    """`now` in a channel that never subscribed still posts (once) and saves no schedule."""
    assert await daily.run("now") == "Posted today's advice."
    assert await daily.run("now") == "Today's advice was already posted here."
    assert len(daily.posts()) == 1
    assert daily.advice.store.subscriptions() == []


async def test_quote_daily_inside_quote(daily: DailyBench) -> None:
    """`/quote daily on|status|now|help` is /quote-daily; `/quote daily standup` still searches."""
    on = await daily.run("daily on 9:00", command="/quote")
    assert on.startswith("Daily advice is on for this channel: 09:00 Europe/Berlin")
    assert (await daily.run("daily status", command="/quote")).startswith("Daily advice is on:")
    helped = await daily.run("daily", command="/quote")
    assert helped.startswith("*/quote daily* posts one piece of advice")
    assert "`/quote daily off`" in helped
    searched = await daily.run("daily standup", command="/quote")
    assert searched.startswith("No quotes match “daily standup”.")


async def test_members_who_are_not_admins_are_refused(daily: DailyBench) -> None:
    """A plain member may not turn it on, off or post now, but may read the status."""
    daily.fake.add_user(OTHER, tz="Europe/Paris")
    for action in ("on", "off", "now"):
        refused = await daily.run(action, user=OTHER)
        assert refused == messages.DAILY_ADMINS_ONLY
    assert await daily.run("status", user=OTHER) == "Daily advice is off for this channel."
    assert daily.advice.store.subscriptions() == []
    assert daily.posts() == []
    assert daily.fake.method_calls("conversations.info") == []
    # A user Slack cannot describe is refused too, and told why.
    unknown = await daily.run("on", user="U0GHOST1")
    assert unknown == messages.DAILY_ADMINS_ONLY + messages.DAILY_LOOKUP_FAILED.format(
        error="user_not_found"
    )


async def test_anyone_may_change_it_when_configured_but_not_guests(make_daily) -> None:
    """QUOTEBOT_SLACK_DAILY_ANYONE=true lets every full member in; guests stay out."""
    bench = await make_daily(QUOTEBOT_SLACK_DAILY_ANYONE="true")
    bench.fake.add_user(OTHER, tz="Europe/Paris")
    bench.fake.add_user("U0GUEST1", is_restricted=True)
    answer = await bench.run("on", user=OTHER)
    assert answer.startswith("Daily advice is on for this channel: 09:00 Europe/Paris")
    guest = await bench.run("off", user="U0GUEST1")
    assert guest == messages.DAILY_GUESTS_REFUSED
    assert "Anyone in the workspace (not guests)" in await bench.run("help", user=OTHER)
    assert len(bench.advice.store.subscriptions()) == 1


async def test_subscribing_where_the_bot_cannot_post_is_refused_with_the_fix(
    daily: DailyBench,
) -> None:
    """Not a member of a public channel without chat:write.public, a private channel, a channel
    Slack will not show: refused, saying what to fix; nothing is saved silently broken."""
    daily.fake.add_channel(CHANNEL, is_member=False)
    daily.fake.scopes = "commands,chat:write,users:read,channels:read,groups:read"
    answer = await daily.run("on")
    assert answer == (
        "I can't post in this channel yet: I'm not a member of this channel: invite me with "
        "`/invite @quotebot`, then try again."
    )
    daily.fake.add_channel(CHANNEL, is_member=False, is_private=True)
    assert "this is a private channel, so invite me with `/invite @quotebot`" in (
        await daily.run("on")
    )
    del daily.fake.channels[CHANNEL]
    assert "I can't see this channel. If it is private, invite me" in await daily.run("on")
    daily.fake.add_channel(CHANNEL, is_member=False, is_archived=True)
    assert await daily.run("on") == "I can't post in this channel yet: this channel is archived."
    assert daily.advice.store.subscriptions() == []
    # With chat:write.public a public channel works without an invitation.
    daily.fake.add_channel(CHANNEL, is_member=False)
    daily.fake.scopes = None  # (and so does a Slack that does not say which scopes it granted)
    assert (await daily.run("on")).startswith("Daily advice is on for this channel")


async def test_direct_messages_are_not_channels(daily: DailyBench) -> None:
    """In a DM, `on` explains that daily advice is for channels (no API call needed)."""
    answer = await daily.run("on", channel="D0123ABCD")
    assert answer.endswith(
        "daily advice goes to channels, not direct messages. Run this in a channel."
    )
    assert daily.fake.method_calls("conversations.info") == []


async def test_without_an_advice_service_daily_is_not_enabled(fake_slack, seed_library) -> None:
    """An app built without advice answers /quote-daily politely; help still explains it."""
    app = create_app(seed_library, slack_settings(fake_slack), rng=random.Random(1))
    harness = SlackHarness(fake_slack, create_web_app(app))
    await harness.start()
    try:
        for n, text in enumerate(("on", "status"), start=1):
            reply = await harness.command(text, "/quote-daily")
            assert reply.status == 200
            answer = (await fake_slack.wait_for_responses(n))[-1].body
            assert section_texts(answer) == [messages.DAILY_NOT_ENABLED]
        await harness.command("help", "/quote-daily")
        helped = (await fake_slack.wait_for_responses(3))[-1].body
        assert section_texts(helped)[0].startswith("*/quote-daily* posts one piece")
    finally:
        await harness.close()
    assert fake_slack.method_calls("users.info") == []
