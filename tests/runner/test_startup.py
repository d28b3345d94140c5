"""Start-up: the bot listens at once; building a missing index happens behind `/readyz`."""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import time
from pathlib import Path

import aiohttp
from fake_discord import FakeDiscord
from test_quotebot_run import bot_environment, free_port, start_quotebot, wait_until_ready

from tests.slack.slack_bench import FakeSlack

SEED = next((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


async def test_a_missing_index_is_built_while_health_answers_and_readyz_says_why(
    tmp_path: Path, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:
    """With 40 transcripts and no index, `/healthz` answers and `/readyz` is 503 naming what it
    waits for (with a count) until the index and advice are built; the log shows progress;
    then the bot is ready."""
    slack, discord = fakes
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(40):
        shutil.copy(SEED, corpus / f"episode-{n:02d}.txt")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = bot_environment(tmp_path, slack, discord, port) | {"QUOTEBOT_CORPUS": str(corpus)}
    bot = await start_quotebot("slack", env)
    waiting: list[str] = []
    try:
        async with aiohttp.ClientSession() as http:
            deadline = time.monotonic() + 60
            while not waiting and time.monotonic() < deadline:
                try:
                    async with (
                        http.get(f"{base}/healthz") as health,
                        http.get(f"{base}/readyz") as ready,
                    ):
                        body = await ready.json()
                        if health.status == 200 and ready.status == 503:
                            waiting.append(body["waiting_for"])
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            assert waiting and waiting[0].startswith(("index", "advice")), waiting
            async with http.post(f"{base}/slack/events", data="x=1") as early:
                assert early.status in (503, 401)  # 401 once ready: the body is unsigned
            ready_body = await wait_until_ready(http, base, bot)
            assert "waiting_for" not in ready_body
        bot.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(bot.wait(), 15) == 0
        _, stderr = await bot.communicate()
        messages = [json.loads(line)["message"] for line in stderr.decode().splitlines()]
        assert any("of 40 transcripts indexed" in m for m in messages)
        assert any(m.startswith("start-up: ready in") for m in messages)
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()


async def test_sigterm_while_the_index_builds_stops_at_once(
    tmp_path: Path, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:
    """A deploy that replaces a pod still building its first index does not wait for the
    build: SIGTERM ends the process within seconds, with exit code 0."""
    slack, discord = fakes
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(60):
        shutil.copy(SEED, corpus / f"episode-{n:02d}.txt")
    port = free_port()
    env = bot_environment(tmp_path, slack, discord, port) | {"QUOTEBOT_CORPUS": str(corpus)}
    bot = await start_quotebot("slack", env)
    try:
        async with aiohttp.ClientSession() as http:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    async with http.get(f"http://127.0.0.1:{port}/readyz") as ready:
                        if "index" in (await ready.json()).get("waiting_for", ""):
                            break
                except aiohttp.ClientConnectionError:
                    pass
                await asyncio.sleep(0.05)
        started = time.monotonic()
        bot.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(bot.wait(), 15) == 0
        assert time.monotonic() - started < 5
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
