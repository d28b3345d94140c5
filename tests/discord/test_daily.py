"""/quote-daily through the real command tree, and the Discord advice sender on the fake HTTP.

Each test has its own SQLite database and a clock that only moves when told; the scheduler
is stepped with `post_due()` (its loop is not started, except in the lifecycle test).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest
from discord_fakes import (
    CHANNEL_ID,
    EPHEMERAL,
    OWNER_ID,
    STRANGER_ID,
    FakeDiscord,
    Harness,
    http_error,
    load_payload,
)

from adapters.discord_bot import messages
from adapters.discord_bot.advice import DiscordAdviceSender, create_sender
from bot import Library
from bot.advice.delivery import AdvicePost, advice_nonce
from bot.advice.schedule import Subscription
from bot.advice.service import AdviceService, create_advice_service
from bot.settings import Settings

API = "https://discord.com/api/v10"
GUILD_ID = 1100000000000000000
BOT_ID = 1200000000000000000
OTHER_CHANNEL = 1110000000000000007
THIRD_CHANNEL = 1110000000000000008
MESSAGES = "/channels/{channel_id}/messages"
TOKEN = "MTIwMDAwMDAwMDAwMDAwMDAwMA.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"

VIEW, SEND, EMBED, MANAGE_CHANNELS = 1024, 2048, 16384, 16
MANAGER = str(VIEW | SEND | MANAGE_CHANNELS)
MEMBER = str(VIEW | SEND)


class Clock:
    """A clock that only moves when the test says so (Monday 2025-03-03, 07:00 UTC)."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 3, 7, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def service(seed_library: Library, tmp_path: Path, clock: Clock):
    settings = Settings.load(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'advice.sqlite3'}",
            "QUOTEBOT_DAILY_BROKEN_AFTER": "2",
        }
    )
    service = create_advice_service(seed_library, settings, clock=clock)
    yield service
    service.store.close()


@pytest.fixture
async def daily_bot(harness: Harness, seed_library: Library, service: AdviceService, fake):
    """The bot with daily advice; it may post everywhere (as a server admin configured it)."""
    grant(fake)
    return await harness.start(seed_library, advice=service, advice_loop=False)


def grant(fake: FakeDiscord, channel_id: int = CHANNEL_ID, deny: int = 0) -> None:
    """What Discord's REST API says about a channel: @everyone may view, send and embed there,
    minus `deny` in the channel's @everyone overwrite."""
    overwrite = {"id": str(GUILD_ID), "type": 0, "allow": "0", "deny": str(deny)}
    fake.rest[("GET", f"{API}/channels/{channel_id}")] = {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": "podcast-chat",
        "permission_overwrites": [overwrite],
    }
    fake.rest[("GET", f"{API}/guilds/{GUILD_ID}")] = {
        "id": str(GUILD_ID),
        "owner_id": str(OWNER_ID),
        "roles": [{"id": str(GUILD_ID), "permissions": str(VIEW | SEND | EMBED)}],
    }
    fake.rest[("GET", f"{API}/guilds/{GUILD_ID}/members/{BOT_ID}")] = {
        "user": {"id": str(BOT_ID)},
        "roles": [],
    }


async def daily(
    harness: Harness,
    client: discord.Client,
    sub: str,
    *,
    user_id: int = OWNER_ID,
    member_permissions: str = MANAGER,
    channel_id: int = CHANNEL_ID,
    **options: Any,
) -> str:
    """The member runs `/quote-daily sub option:value …`; returns the private answer's text."""
    payload = harness.payload_for("slash_command", user_id, None)
    payload["channel_id"] = payload["channel"]["id"] = str(channel_id)
    payload["member"]["permissions"] = member_permissions
    payload["data"]["name"] = "quote-daily"
    payload["data"]["options"] = [
        {
            "name": sub,
            "type": 1,
            "options": [
                {"name": key, "type": 5 if isinstance(value, bool) else 3, "value": value}
                for key, value in options.items()
            ],
        }
    ]
    await harness.dispatch(client, payload)
    message = harness.last_message()
    assert message["flags"] & EPHEMERAL
    return message["content"]


def posts(fake: FakeDiscord, channel_id: int = CHANNEL_ID) -> list[Any]:
    """The channel messages the bot created in `channel_id` (not interaction responses)."""
    return [c for c in fake.find("POST", MESSAGES) if c.url.endswith(f"/{channel_id}/messages")]


# -- subscription commands ---------------------------------------------------------------------


async def test_on_with_defaults_uses_the_configured_zone_and_says_so(
    harness, daily_bot, service, fake
):
    """`on` alone: 09:00 in QUOTEBOT_DAILY_TIMEZONE (UTC), and a hint that servers have no zone."""
    text = await daily(harness, daily_bot, "on")

    assert text.startswith(
        "Daily advice is on for this channel: 09:00 UTC, every day. "
        "Next post: today at 09:00 (UTC)."
    )
    assert "Discord servers have no time zone setting, so this uses UTC" in text
    sub = service.store.subscription("discord", str(CHANNEL_ID))
    assert (sub.workspace, sub.created_by) == (str(GUILD_ID), str(OWNER_ID))
    assert fake.find("GET", "/channels/{channel_id}")  # the permission check asked Discord
    assert fake.callbacks[-1].data["allowed_mentions"] == {"parse": []}


async def test_on_with_time_zone_and_weekdays_then_a_new_time_replaces_it(
    harness, daily_bot, service
):
    """Explicit time, zone (any case) and weekdays; running `on` again moves the schedule."""
    text = await daily(
        harness, daily_bot, "on", time="7:30", timezone="europe/berlin", weekdays=True
    )
    assert text == (  # 08:00 in Berlin now: today's 07:30 has passed
        "Daily advice is on for this channel: 07:30 Europe/Berlin, weekdays only. "
        "Next post: Tue 04 Mar at 07:30 (Europe/Berlin)."
    )

    text = await daily(harness, daily_bot, "on", time="18:00", timezone="America/New_York")
    assert text.startswith(
        "Daily advice moved from 07:30 Europe/Berlin, weekdays only to "
        "18:00 America/New\\_York, every day."
    )
    [sub] = service.store.subscriptions()
    assert (sub.local_time.hour, sub.timezone, sub.weekdays_only) == (18, "America/New_York", False)


async def test_bad_time_or_zone_is_explained_and_nothing_is_saved(harness, daily_bot, service):
    """A time or zone that cannot be used gets a private explanation; hostile text stays inert."""
    text = await daily(harness, daily_bot, "on", time="noonish")
    assert text == "“noonish” is not a time of day: use HH:MM, for example 09:00."

    text = await daily(harness, daily_bot, "on", timezone="Europe/Berln")
    assert text.startswith("“Europe/Berln” is not a time zone (like Europe/Berlin).")
    assert "Did you mean Europe/Berlin" in text

    text = await daily(harness, daily_bot, "on", timezone="@everyone")
    assert "@everyone" not in text and "@\u200beveryone" in text
    assert service.store.subscriptions() == []


async def test_timezone_autocomplete_offers_iana_names(harness, daily_bot, fake):
    """Typing into `timezone` offers at most 25 IANA names, those starting with it first."""

    async def choices(typed: str) -> list[dict[str, Any]]:
        payload = harness.payload_for("autocomplete", OWNER_ID, None)
        payload["data"]["name"] = "quote-daily"
        payload["data"]["options"] = [
            {
                "name": "on",
                "type": 1,
                "options": [{"name": "timezone", "type": 3, "value": typed, "focused": True}],
            }
        ]
        await harness.dispatch(daily_bot, payload)
        response = fake.callbacks[-1].payload
        assert response["type"] == 8
        return response["data"]["choices"]

    everything = await choices("")
    assert len(everything) == 25
    assert all(c["name"] == c["value"] and len(c["name"]) <= 100 for c in everything)
    assert [c["value"] for c in await choices("berl")] == ["Europe/Berlin"]
    new_york = [c["value"] for c in await choices("new_y")]
    assert new_york[0] == "America/New_York"
    assert await choices("zzzz") == []


async def test_off_and_status(harness, daily_bot):
    """`status` shows the schedule (to anyone); `off` removes it."""
    assert await daily(harness, daily_bot, "status") == "Daily advice is off for this channel."
    await daily(harness, daily_bot, "on", time="10:00")

    text = await daily(harness, daily_bot, "status", user_id=STRANGER_ID, member_permissions=MEMBER)
    assert text == ("Daily advice is on: 10:00 UTC, every day. Next post: today at 10:00 (UTC).")
    assert await daily(harness, daily_bot, "off") == "Daily advice is off for this channel."
    assert await daily(harness, daily_bot, "off") == "Daily advice was not on for this channel."
    assert await daily(harness, daily_bot, "status") == "Daily advice is off for this channel."


async def test_now_posts_once_and_a_second_now_does_not_post_again(
    harness, daily_bot, service, fake, clock
):
    """`now` posts today's advice in the channel; again the same day, it is not repeated."""
    await daily(harness, daily_bot, "on")
    assert await daily(harness, daily_bot, "now") == "Posted today's advice."
    [post] = posts(fake)
    [embed] = post.payload["embeds"]
    assert embed["title"] == messages.ADVICE_TITLE
    expected = service.scheduler.pool.advice_for(str(CHANNEL_ID), date(2025, 3, 3))
    assert expected.speaker in embed["author"]["name"]

    clock.now += timedelta(hours=3)  # past 09:00: the scheduled post is the same post
    assert await daily(harness, daily_bot, "now") == "Today's advice was already posted here."
    await service.scheduler.post_due()
    assert len(posts(fake)) == 1
    status = await daily(harness, daily_bot, "status")
    assert "Next post: Tue 04 Mar at 09:00 (UTC)." in status
    assert status.endswith("Last post: 2025-03-03.")


async def test_only_members_with_manage_channels_may_change_it(harness, daily_bot, service, fake):
    """on/off/now from a member without Manage Channels: a polite private refusal, no change."""
    await daily(harness, daily_bot, "on")
    for sub in ("on", "off", "now"):
        text = await daily(harness, daily_bot, sub, user_id=STRANGER_ID, member_permissions=MEMBER)
        assert text == messages.DAILY_REFUSAL
    assert len(service.store.subscriptions()) == 1
    assert posts(fake) == []


async def test_on_refuses_with_the_fix_when_the_bot_cannot_send(harness, daily_bot, service, fake):
    """The channel denies Send Messages to @everyone: `on` says what to grant, saves nothing."""
    grant(fake, deny=SEND)
    text = await daily(harness, daily_bot, "on")

    assert text == (
        "I can't post in this channel yet: I need Send Messages in this channel. A server "
        "admin can grant it in the channel's settings (Edit Channel → Permissions → quotebot)."
    )
    assert service.store.subscriptions() == []


async def test_a_role_overwrite_can_give_back_what_everyone_lost(harness, daily_bot, fake):
    """Permissions are computed as Discord does: the bot's role overwrite beats @everyone's."""
    grant(fake, deny=SEND | EMBED)
    channel = fake.rest[("GET", f"{API}/channels/{CHANNEL_ID}")]
    channel["permission_overwrites"].append(
        {"id": "1140000000000000001", "type": 0, "allow": str(SEND), "deny": "0"}
    )
    fake.rest[("GET", f"{API}/guilds/{GUILD_ID}/members/{BOT_ID}")]["roles"] = [
        "1140000000000000001"
    ]
    text = await daily(harness, daily_bot, "on")
    assert text.startswith("I can't post in this channel yet: I need Embed Links in this channel.")


async def test_without_a_service_daily_advice_is_not_enabled(harness, bot):
    """A bot built without an AdviceService answers /quote-daily with "not enabled"."""
    assert await daily(harness, bot, "on") == messages.DAILY_NOT_ENABLED
    assert await daily(harness, bot, "status") == messages.DAILY_NOT_ENABLED


async def test_slow_subscribe_defers_then_follows_up(harness, daily_bot, fake):
    """When the service is slow the command defers privately, then answers as a follow-up."""
    group = daily_bot.tree.get_command("quote-daily")
    group.defer_after = 0.0
    text = await daily(harness, daily_bot, "on")

    defers = [c for c in fake.callbacks if c.payload["type"] == 5]
    assert defers[-1].payload == {"type": 5, "data": {"flags": EPHEMERAL}}
    assert text.startswith("Daily advice is on for this channel")


# -- the sender ----------------------------------------------------------------------------------


async def test_scheduled_post_carries_the_nonce_with_enforce_nonce(
    harness, daily_bot, service, fake, clock
):
    """At 09:00 the scheduler posts through the Discord sender: embed, nonce, enforce_nonce,
    no pings; the message id is recorded."""
    await daily(harness, daily_bot, "on")
    clock.now = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    report = await service.scheduler.post_due()

    [outcome] = report.by_status("sent")
    [post] = posts(fake)
    assert post.payload["nonce"] == advice_nonce("discord", str(CHANNEL_ID), date(2025, 3, 3))
    assert len(post.payload["nonce"]) <= 25
    assert post.payload["enforce_nonce"] is True
    assert post.payload["allowed_mentions"] == {"parse": []}
    assert post.payload["embeds"][0]["title"] == messages.ADVICE_TITLE
    record = service.store.post("discord", str(CHANNEL_ID), date(2025, 3, 3))
    assert record.status == "sent" and record.message_id == outcome.delivery.message_id


async def test_rejecting_channels_are_marked_broken_and_others_still_get_posts(
    harness, daily_bot, service, fake, clock
):
    """Missing permissions and an unknown channel: broken after QUOTEBOT_DAILY_BROKEN_AFTER (2)
    failures, shown by status; a healthy channel gets its one post regardless."""
    since = datetime(2025, 3, 1, tzinfo=UTC)
    for channel in (CHANNEL_ID, OTHER_CHANNEL, THIRD_CHANNEL):
        service.store.save_subscription(Subscription("discord", str(channel), since=since))
    fake.failures[("POST", f"{API}/channels/{CHANNEL_ID}/messages")] = http_error(
        discord.Forbidden, 403, 50013, "Missing Permissions"
    )
    fake.failures[("POST", f"{API}/channels/{OTHER_CHANNEL}/messages")] = http_error(
        discord.NotFound, 404, 10003, "Unknown Channel"
    )

    clock.now = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
    first = await service.scheduler.post_due()
    assert {o.delivery.kind for o in first.by_status("failed")} == {"broken"}
    clock.now += timedelta(minutes=6)  # past the retry delay
    await service.scheduler.post_due()
    clock.now += timedelta(minutes=6)
    third = await service.scheduler.post_due()
    assert third.outcomes == []  # broken channels are no longer tried

    broken = service.store.subscription("discord", str(CHANNEL_ID))
    assert broken.broken and broken.failures == 2
    assert "Send Messages or Embed Links" in broken.broken_reason
    gone = service.store.subscription("discord", str(OTHER_CHANNEL))
    assert gone.broken and "no longer exists" in gone.broken_reason
    assert len(posts(fake, CHANNEL_ID)) == 2 and len(posts(fake, OTHER_CHANNEL)) == 2
    assert len(posts(fake, THIRD_CHANNEL)) == 1
    assert not service.store.subscription("discord", str(THIRD_CHANNEL)).broken

    status = await daily(harness, daily_bot, "status")
    assert status.startswith("Daily advice is on (09:00 UTC, every day) but paused: posting")
    assert "failed 2 times (I'm missing Send Messages or Embed Links" in status


def _post(service: AdviceService, channel: int = CHANNEL_ID) -> AdvicePost:
    day = date(2025, 3, 3)
    sub = Subscription("discord", str(channel))
    hit = service.scheduler.pool.advice_for(str(channel), day)
    return AdvicePost(sub, hit, day, advice_nonce("discord", str(channel), day))


@pytest.mark.parametrize(
    "error",
    [
        http_error(discord.HTTPException, 429, 0, "You are being rate limited."),
        discord.RateLimited(120.0),
        http_error(discord.DiscordServerError, 503, 0, "Service Unavailable"),
        http_error(discord.DiscordServerError, 502, 0, "Bad Gateway"),
        aiohttp.ClientConnectionError("Connection reset by peer"),
        TimeoutError(),
    ],
    ids=["429", "ratelimited", "503", "502", "network", "timeout"],
)
async def test_passing_problems_are_retried_not_counted(daily_bot, service, fake, error):
    """Rate limits, Discord's 5xx and network errors: `retry`, never a step towards broken."""
    fake.failures[("POST", MESSAGES)] = error
    delivery = await DiscordAdviceSender(daily_bot).send(_post(service))
    assert (delivery.ok, delivery.kind) == (False, "retry")
    assert delivery.reason


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (http_error(discord.Forbidden, 403, 50001, "Missing Access"), "can't see the channel"),
        (http_error(discord.Forbidden, 403, 50013, "Missing Permissions"), "Send Messages"),
        (http_error(discord.NotFound, 404, 10003, "Unknown Channel"), "no longer exists"),
        (http_error(discord.HTTPException, 400, 50083, "Archived thread"), "thread is archived"),
    ],
    ids=["50001", "50013", "10003", "50083"],
)
async def test_refusals_are_broken_with_a_human_reason(daily_bot, service, fake, error, reason):
    """Missing access or permissions, an unknown channel, an archived thread: `broken`."""
    fake.failures[("POST", MESSAGES)] = error
    delivery = await DiscordAdviceSender(daily_bot).send(_post(service))
    assert delivery.kind == "broken" and reason in delivery.reason


async def test_rejected_token_is_not_retried_in_a_loop(daily_bot, service, fake):
    """A 401 is not the channel's fault: `retry`, and this sender stops calling Discord."""
    fake.failures[("POST", MESSAGES)] = http_error(discord.HTTPException, 401, 0, "Unauthorized")
    sender = DiscordAdviceSender(daily_bot)
    first = await sender.send(_post(service))
    second = await sender.send(_post(service, OTHER_CHANNEL))
    assert first.kind == second.kind == "retry"
    assert "DISCORD_TOKEN was rejected" in second.reason
    assert len(fake.find("POST", MESSAGES)) == 1


# -- the REST-only sender for `quotebot advice post-due` ----------------------------------------


def test_create_sender_needs_a_token():
    """No DISCORD_TOKEN (or a malformed one): no sender, so Discord's posts stay unclaimed."""
    assert create_sender(Settings.load({})) is None
    assert create_sender(Settings.load({"DISCORD_TOKEN": "nonsense"})) is None


async def test_rest_sender_logs_in_on_first_post_without_a_gateway(service, fake):
    """The cron path's sender logs in over REST on its first post, posts, and closes."""
    sender = create_sender(Settings.load({"DISCORD_TOKEN": TOKEN}))
    assert sender is not None and sender.platform == "discord"
    sender.client.http.request = fake.http_request  # type: ignore[method-assign]
    bot_user = load_payload("button_click")["message"]["author"]
    fake.rest[("GET", f"{API}/users/@me")] = bot_user
    fake.rest[("GET", f"{API}/oauth2/applications/@me")] = {
        "id": str(BOT_ID),
        "name": "quotebot",
        "description": "",
        "icon": None,
        "bot_public": False,
        "bot_require_code_grant": False,
        "owner": {**bot_user, "id": str(OWNER_ID), "bot": False},
        "verify_key": "0" * 64,
    }
    try:
        delivery = await sender.send(_post(service))
        again = await sender.send(_post(service, OTHER_CHANNEL))
    finally:
        await sender.aclose()
    assert delivery.ok and again.ok
    assert [c.path for c in fake.calls] == [
        "/users/@me",
        "/oauth2/applications/@me",
        MESSAGES,
        MESSAGES,
    ]
    assert sender.client.ws is None  # never connected to the gateway
    assert fake.calls[2].payload["enforce_nonce"] is True


async def test_rest_sender_with_a_rejected_token_retries_later(service, fake):
    """A token Discord refuses at login: `retry` with the reason, no post attempted."""
    sender = create_sender(Settings.load({"DISCORD_TOKEN": TOKEN}))
    sender.client.http.request = fake.http_request  # type: ignore[method-assign]
    fake.failures[("GET", "/users/@me")] = http_error(discord.HTTPException, 401, 0, "401")
    try:
        delivery = await sender.send(_post(service))
        check = await sender.check_can_post(Subscription("discord", str(CHANNEL_ID)))
    finally:
        await sender.aclose()
    assert delivery.kind == "retry" and "DISCORD_TOKEN was rejected" in delivery.reason
    assert check is not None and "DISCORD_TOKEN" in check
    assert fake.find("POST", MESSAGES) == []


# -- the loop inside `quotebot discord` ---------------------------------------------------------


async def test_bot_runs_the_scheduler_loop_and_stops_it_on_close(
    harness, seed_library, service, fake
):
    """With advice the bot registers its sender, starts the loop in setup_hook, stops on close."""
    client = await harness.start(seed_library, advice=service)
    task = client._advice_task
    assert isinstance(service.scheduler.senders["discord"], DiscordAdviceSender)
    assert task is not None and not task.done()
    await asyncio.sleep(0)  # let the loop take its first step
    await client.close()
    assert task.done() and task.exception() is None
    assert client._advice_task is None


async def test_quote_daily_definition(daily_bot):
    """One guild-only group with on/off/status/now; `timezone` autocompletes, `weekdays` is a
    boolean."""
    group = daily_bot.tree.get_command("quote-daily").to_dict(daily_bot.tree)
    assert group["contexts"] == [0] and group["dm_permission"] is False
    subcommands = {c["name"]: c for c in group["options"]}
    assert list(subcommands) == ["on", "off", "status", "now"]
    options = {o["name"]: o for o in subcommands["on"]["options"]}
    assert options["timezone"]["autocomplete"] is True
    assert options["weekdays"]["type"] == 5
    assert not any(o.get("required") for o in options.values())


def test_advice_post_due_closes_the_discord_sender(monkeypatch, tmp_path, capsys):
    """`quotebot advice post-due` builds the REST sender from DISCORD_TOKEN and closes it."""
    from adapters.discord_bot.advice import RestAdviceSender
    from bot.cli.command import main as cli_main

    closed: list[RestAdviceSender] = []
    original = RestAdviceSender.aclose

    async def aclose(self: RestAdviceSender) -> None:
        closed.append(self)
        await original(self)

    monkeypatch.setattr(RestAdviceSender, "aclose", aclose)
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'advice.sqlite3'}")
    assert cli_main(["advice", "post-due"]) == 0
    assert "nothing due" in capsys.readouterr().out
    assert len(closed) == 1


async def test_threads_are_checked_against_their_parent_channel(daily_bot, fake):
    """In a thread the parent channel's overwrites count, and Send Messages in Threads."""
    thread_id = 1150000000000000001
    grant(fake)
    fake.rest[("GET", f"{API}/channels/{thread_id}")] = {
        "id": str(thread_id),
        "type": 11,
        "guild_id": str(GUILD_ID),
        "parent_id": str(CHANNEL_ID),
    }
    sender = DiscordAdviceSender(daily_bot)
    problem = await sender.check_can_post(Subscription("discord", str(thread_id)))
    assert problem.startswith("I need Send Messages in Threads in this channel.")
    fake.rest[("GET", f"{API}/guilds/{GUILD_ID}")]["roles"][0]["permissions"] = str(
        VIEW | EMBED | 274877906944
    )
    assert await sender.check_can_post(Subscription("discord", str(thread_id))) is None
