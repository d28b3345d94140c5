"""`quotebot slack` with feeds: polled at start and on the interval, new episodes answer
/quote without a restart, and a broken feed never costs readiness."""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import time
from pathlib import Path
from types import SimpleNamespace

import aiohttp
from test_quotebot_run import (
    bot_environment,
    free_port,
    signed_quote,
    start_quotebot,
    wait_until_ready,
)

from bot.feeds import FeedStore
from tests.feeds.feed_server import FeedServer
from tests.slack.slack_bench import FakeSlack

REPO = Path(__file__).resolve().parents[2]


async def quote_until(
    http: aiohttp.ClientSession, base: str, slack: FakeSlack, query: str, wanted: str
) -> str:
    """Ask /quote until the answer contains `wanted` (the poll runs in the background)."""
    deadline = time.monotonic() + 20
    answer = ""
    while time.monotonic() < deadline:
        seen = len(slack.responses)
        body, headers = signed_quote(query, slack.response_url("quote"))
        async with http.post(f"{base}/slack/events", data=body, headers=headers) as response:
            assert response.status == 200
        answer = json.dumps((await slack.wait_for_responses(seen + 1, timeout=10))[-1].body)
        if wanted in answer:
            return answer
        await asyncio.sleep(0.3)
    raise AssertionError(f"/quote {query} never found {wanted!r}; last answer: {answer[:300]}")


async def test_feeds_are_polled_in_the_background_and_new_episodes_answer_quote(
    tmp_path: Path,
) -> None:
    """Feeds are polled in the background and new episodes answer quote."""
    feeds = FeedServer().start()
    slack = FakeSlack()
    await slack.start()
    feeds.add_site()
    good = feeds.add_file("/good.xml", "hosted-show.xml")
    broken = feeds.add("/broken.xml", "", status=500)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(next((REPO / "seeds").glob("*.txt")), corpus)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    no_discord = SimpleNamespace(api_url="", gateway_url="")
    env = bot_environment(tmp_path, slack, no_discord, port)  # type: ignore[arg-type]
    for key in [k for k in env if k.startswith("DISCORD_")]:
        del env[key]
    env.update(
        QUOTEBOT_CORPUS=str(corpus),
        QUOTEBOT_FEEDS=f"{good} {broken}",
        QUOTEBOT_FEEDS_ALLOW_PRIVATE="true",
        QUOTEBOT_FEEDS_INTERVAL="1",
    )
    bot = await start_quotebot("slack", env)
    try:
        async with aiohttp.ClientSession() as http:
            await wait_until_ready(http, base, bot)
            answer = await quote_until(http, base, slack, "rooftop", "Tom Okafor")
            assert "Bees on the roof" in answer
            # The broken feed failed, and the bot is still ready.
            async with http.get(f"{base}/readyz") as response:
                assert response.status == 200
            # A new episode in the feed: found at the next interval, no restart.
            route = feeds.routes["/good.xml"]
            route.body = route.body.replace(
                b"<item>",
                b'<item><title>Worms</title><guid>new-1</guid><podcast:transcript url="'
                + feeds.base.encode()
                + b'/site/worms.srt" type="application/srt"/></item><item>',
                1,
            )
            await quote_until(http, base, slack, "kitchen scraps", "Worms")
        store = FeedStore.open(env["DATABASE_URL"])
        try:
            errors = {feed.url: feed.last_error for feed in store.all()}
        finally:
            store.close()
        assert errors[good] is None
        assert "server error (HTTP 500)" in (errors[broken] or "")
        bot.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(bot.wait(), 15) == 0
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
        await slack.close()
        feeds.stop()
