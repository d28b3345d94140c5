"""`quotebot slack` whose token Slack starts rejecting while it runs (the app uninstalled):
/readyz turns 503 naming SLACK_BOT_TOKEN, and the channels are not paused for it."""

from __future__ import annotations

import asyncio
import signal
import time
from datetime import time as clock_time
from pathlib import Path

import aiohttp
from fake_discord import FakeDiscord
from test_quotebot_run import bot_environment, free_port, start_quotebot, wait_until_ready

from bot.advice.schedule import Subscription
from bot.advice.store import AdviceStore
from tests.slack.slack_bench import FakeSlack

CHANNEL = "C0ADVICE1"


async def test_a_token_revoked_while_running_turns_readyz_503_naming_it(
    tmp_path: Path, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:
    """The daily post fails with token_revoked: /readyz says SLACK_BOT_TOKEN was rejected, and
    the subscription is not counted as a broken channel."""
    slack, discord = fakes
    database = f"sqlite:///{tmp_path / 'quotebot.sqlite3'}"
    store = AdviceStore.open(database)
    store.save_subscription(Subscription("slack", CHANNEL, local_time=clock_time(0, 0)))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = bot_environment(tmp_path, slack, discord, port)
    env["DATABASE_URL"] = database
    slack.fail("chat.postMessage", "token_revoked", times=5)
    bot = await start_quotebot("slack", env)
    try:
        async with aiohttp.ClientSession() as http:
            deadline = time.monotonic() + 20
            while True:
                try:
                    async with http.get(f"{base}/readyz") as response:
                        body = await response.json()
                        if response.status == 503 and "slack" in body.get("problems", {}):
                            break
                except aiohttp.ClientConnectionError:
                    pass
                assert bot.returncode is None and time.monotonic() < deadline, "never 503"
                await asyncio.sleep(0.2)
        assert body["problems"]["slack"].startswith(
            "SLACK_BOT_TOKEN was rejected by Slack (token_revoked)"
        )
        sub = store.subscription("slack", CHANNEL)
        assert sub is not None and not sub.broken and sub.failures == 0
        bot.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(bot.wait(), 15) == 0
    finally:
        store.close()
        if bot.returncode is None:
            bot.kill()
            await bot.wait()


async def test_a_good_token_is_checked_at_start(
    tmp_path: Path, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:
    """auth.test answers before the bot reports ready."""
    slack, discord = fakes
    port = free_port()
    bot = await start_quotebot("slack", bot_environment(tmp_path, slack, discord, port))
    try:
        async with aiohttp.ClientSession() as http:
            await wait_until_ready(http, f"http://127.0.0.1:{port}", bot)
        assert len(slack.method_calls("auth.test")) >= 1
        bot.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(bot.wait(), 15) == 0
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
