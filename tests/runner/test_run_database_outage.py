"""`quotebot run` and a PostgreSQL that is not answering: refused at start in one line naming
the host; while running, /quote keeps answering, /readyz says `degraded` and what is wrong
(still 200: the replica keeps its traffic), and `ready` again with the database. The
database is the real PostgreSQL behind a loopback proxy."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from pathlib import Path

import aiohttp
from fake_discord import FakeDiscord
from test_quotebot_run import (
    bot_environment,
    free_port,
    signed_quote,
    start_quotebot,
    wait_until_ready,
)

from tests.slack.slack_bench import FakeSlack
from tests.tcp_proxy import TcpProxy


async def readyz(http: aiohttp.ClientSession, base: str) -> tuple[int, dict]:
    async with http.get(f"{base}/readyz") as response:
        return response.status, await response.json()


async def wait_for_status(
    http: aiohttp.ClientSession, base: str, status: str, timeout: float = 15
) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        _, body = await readyz(http, base)
        if body["status"] == status:
            return body
        assert time.monotonic() < deadline, f"/readyz stayed {body}"
        await asyncio.sleep(0.2)


async def test_run_with_postgres_not_answering_names_the_host_in_one_line(
    tmp_path: Path, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:
    """A DATABASE_URL whose host does not answer stops `quotebot run` at start: exit 2, one
    line naming DATABASE_URL and the host, and no password."""
    slack, discord = fakes
    env = bot_environment(tmp_path, slack, discord, free_port())
    dead = free_port()
    env["DATABASE_URL"] = f"postgresql://quotebot:s3cret-pass@127.0.0.1:{dead}/quotebot"
    bot = await start_quotebot("run", env)
    _, stderr = await asyncio.wait_for(bot.communicate(), 30)
    lines = [line for line in stderr.decode().splitlines() if not line.startswith("{")]
    assert bot.returncode == 2
    assert lines == [
        f"quotebot run: DATABASE_URL: cannot connect to PostgreSQL at 127.0.0.1:{dead}/quotebot: "
        + lines[0].rsplit(": ", 1)[-1]
    ]
    assert "refused" in lines[0].lower() and "s3cret-pass" not in stderr.decode()


async def test_quote_keeps_answering_while_postgres_is_away_and_readyz_says_degraded(
    tmp_path: Path, fakes: tuple[FakeSlack, FakeDiscord], pg_url: str
) -> None:
    """Stop the database under a running bot: /readyz says `degraded`, naming the database and
    its host, but stays 200 (the replica keeps its traffic), a signed /quote is answered, and
    the status is `ready` again once the database is back."""
    slack, discord = fakes
    proxy, url = TcpProxy.for_url(pg_url)
    proxy.start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = bot_environment(tmp_path, slack, discord, port)
    env.pop("DISCORD_TOKEN")
    env["DATABASE_URL"] = url
    bot = await start_quotebot("run", env)
    try:
        async with aiohttp.ClientSession() as http:
            await wait_until_ready(http, base, bot)
            proxy.stop()
            body = await wait_for_status(http, base, "degraded")
            assert body["checks"]["database"] is False and body["checks"]["index"] is True
            assert (await readyz(http, base))[0] == 200
            assert f"127.0.0.1:{proxy.port}" in body["problems"]["database"]
            quote, headers = signed_quote("layoffs", slack.response_url("during-outage"))
            async with http.post(f"{base}/slack/events", data=quote, headers=headers) as response:
                assert response.status == 200
            answer = (await slack.wait_for_responses(1, timeout=10))[0].body
            assert "layoffs" in json.dumps(answer)
            proxy.start()
            body = await wait_for_status(http, base, "ready")
            assert body["checks"]["database"] is True and "problems" not in body
        bot.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(bot.wait(), 15) == 0
        _, stderr = await bot.communicate()
        assert "Traceback" not in stderr.decode()
    finally:
        proxy.stop()
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
