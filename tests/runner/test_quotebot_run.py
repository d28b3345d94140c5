"""`quotebot run`: one process with Slack, Discord and the advice scheduler, as deployed."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
import uuid
from datetime import time as clock_time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from fake_discord import FakeDiscord
from slack_sdk.signature import SignatureVerifier

from bot.advice.schedule import Subscription
from bot.advice.store import AdviceStore
from tests.slack.slack_bench import BOT_TOKEN, SIGNING_SECRET, FakeSlack, payload

REPO = Path(__file__).resolve().parents[2]
DISCORD_TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAy.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"
ADVICE_CHANNEL = "C0ADVICE1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bot_environment(tmp_path: Path, slack: FakeSlack, discord: FakeDiscord, port: int) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "DISCORD_", "QUOTEBOT_"))
    }
    env.update(
        PYTHONPATH=str(REPO),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        QUOTEBOT_HOST="127.0.0.1",
        QUOTEBOT_PORT=str(port),
        QUOTEBOT_LOG_FORMAT="json",
        DATABASE_URL=f"sqlite:///{tmp_path / 'quotebot.sqlite3'}",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        DISCORD_TOKEN=DISCORD_TOKEN,
        DISCORD_API_URL=discord.api_url,
        DISCORD_GATEWAY_URL=discord.gateway_url,
    )
    return env


async def start_quotebot(command: str, env: dict) -> asyncio.subprocess.Process:
    """`quotebot COMMAND` in its own process, as an operator starts it."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        command,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


def signed_quote(text: str, response_url: str) -> tuple[str, dict[str, str]]:
    """A signed /quote; each with its own trigger_id, as Slack sends them (the bot drops a
    repeated delivery)."""
    fields = payload("slash_command") | {
        "text": text,
        "response_url": response_url,
        "trigger_id": uuid.uuid4().hex,
    }
    body = urlencode(fields)
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=stamp, body=body)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }
    return body, headers


async def wait_until_ready(http: aiohttp.ClientSession, base: str, bot) -> dict:
    deadline = time.monotonic() + 30
    last: dict = {}
    while time.monotonic() < deadline:
        if bot.returncode is not None:
            _, stderr = await bot.communicate()
            raise AssertionError(f"quotebot run exited with {bot.returncode}: {stderr.decode()}")
        try:
            async with http.get(f"{base}/readyz") as response:
                last = await response.json()
                if response.status == 200:
                    return last
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.2)
    raise AssertionError(f"never ready: {last}")


async def test_run_starts_both_platforms_and_the_scheduler_then_stops_on_sigterm(
    tmp_path: Path, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:
    """One process answers a signed /quote, posts due advice, reports health and metrics,
    connects to Discord, and exits cleanly within seconds of SIGTERM."""
    slack, discord = fakes
    store = AdviceStore.open(f"sqlite:///{tmp_path / 'quotebot.sqlite3'}")
    store.save_subscription(
        Subscription("slack", ADVICE_CHANNEL, local_time=clock_time(0, 0), timezone="UTC")
    )
    store.close()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    bot = await start_quotebot("run", bot_environment(tmp_path, slack, discord, port))
    try:
        async with aiohttp.ClientSession() as http:
            ready = await wait_until_ready(http, base, bot)
            assert set(ready["checks"]) >= {"index", "database", "slack", "discord"}
            async with http.get(f"{base}/healthz") as response:
                assert response.status == 200
            body, headers = signed_quote("layoffs", slack.response_url("quote"))
            async with http.post(f"{base}/slack/events", data=body, headers=headers) as response:
                assert response.status == 200
            answer = (await slack.wait_for_responses(1, timeout=10))[0].body
            assert "layoffs" in json.dumps(answer)
            deadline = time.monotonic() + 10
            while not any(
                call.body.get("channel") == ADVICE_CHANNEL
                for call in slack.method_calls("chat.postMessage")
            ):
                assert time.monotonic() < deadline, "the due advice was never posted"
                await asyncio.sleep(0.1)
            async with http.get(f"{base}/metrics") as response:
                metrics = await response.text()
            assert 'quotebot_searches_total{outcome="results",platform="slack"} 1.0' in metrics
        assert discord.identified == 1
        assert any(method == "PUT" for method, _, _ in discord.requests)
        started = time.monotonic()
        bot.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(bot.wait(), 15)
        assert code == 0
        assert time.monotonic() - started < 10
        _, stderr = await bot.communicate()
        log = stderr.decode()
        assert BOT_TOKEN not in log and DISCORD_TOKEN not in log and SIGNING_SECRET not in log
        assert '"message": "stopped"' in log
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()


async def test_run_without_any_platform_names_the_variables(tmp_path: Path) -> None:
    """With no token set, `quotebot run` says which variables to set and exits 2."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "DISCORD_"))
    }
    env["PYTHONPATH"] = str(REPO)
    bot = await start_quotebot("run", env)
    _, stderr = await asyncio.wait_for(bot.communicate(), 30)
    assert bot.returncode == 2
    assert "SLACK_BOT_TOKEN" in stderr.decode() and "DISCORD_TOKEN" in stderr.decode()


async def test_quotebot_discord_runs_discord_alone_with_health_and_daily_advice(
    tmp_path: Path, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:
    """`quotebot discord` connects to Discord only, syncs /quote and /quote-daily, serves
    readiness, and stops cleanly on SIGTERM."""
    slack, discord = fakes
    port = free_port()
    env = bot_environment(tmp_path, slack, discord, port)
    bot = await start_quotebot("discord", env)
    try:
        async with aiohttp.ClientSession() as http:
            ready = await wait_until_ready(http, f"http://127.0.0.1:{port}", bot)
        assert "discord" in ready["checks"] and "slack" not in ready["checks"]
        synced = [body for method, _, body in discord.requests if method == "PUT"]
        assert {"quote", "quote-daily"} <= {command["name"] for command in synced[0]}
        assert slack.calls == []
        bot.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(bot.wait(), 15) == 0
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()


async def test_a_token_discord_rejects_is_named_and_exits_2(
    tmp_path: Path, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:
    """A well-formed token that Discord refuses stops the bot with one line naming it."""
    slack, discord = fakes
    discord.reject_token = True
    env = bot_environment(tmp_path, slack, discord, free_port())
    bot = await start_quotebot("discord", env)
    _, stderr = await asyncio.wait_for(bot.communicate(), 30)
    assert bot.returncode == 2
    assert "quotebot discord: DISCORD_TOKEN was rejected by Discord" in stderr.decode()
    assert DISCORD_TOKEN not in stderr.decode()


async def test_run_serves_the_quote_pages_and_answers_link_them(
    tmp_path: Path, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:
    """The bot's HTTP port serves /search and /q/<key>; with QUOTEBOT_PUBLIC_URL the pages'
    card tags and the chat answers point at the public address."""
    slack, discord = fakes
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = bot_environment(tmp_path, slack, discord, port)
    env["QUOTEBOT_PUBLIC_URL"] = "https://quotes.example.com"
    bot = await start_quotebot("slack", env)
    key = "peterman-pod-2025-08-15-stefan-mai:215"
    try:
        async with aiohttp.ClientSession() as http:
            await wait_until_ready(http, base, bot)
            async with http.get(f"{base}/search", params={"q": "layoffs"}) as response:
                assert response.status == 200
                assert "<mark>layoffs</mark>" in await response.text()
            async with http.get(f"{base}/q/{key}") as response:
                assert response.status == 200
                assert "default-src 'none'" in response.headers["Content-Security-Policy"]
                page = await response.text()
            assert f'content="https://quotes.example.com/q/{key}/card.png"' in page
            async with http.get(f"{base}/q/{key}/card.png") as response:
                assert response.status == 200 and response.content_type == "image/png"
            body, headers = signed_quote("layoffs", slack.response_url("quote"))
            async with http.post(f"{base}/slack/events", data=body, headers=headers) as response:
                assert response.status == 200
            answer = (await slack.wait_for_responses(1, timeout=10))[0].body
            assert f"<https://quotes.example.com/q/{key}|Quote page>" in json.dumps(answer)
    finally:
        bot.send_signal(signal.SIGTERM)
        await asyncio.wait_for(bot.wait(), 15)


async def test_discord_not_answering_at_start_is_one_line(
    tmp_path: Path, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:
    """A Discord API nothing answers (no network, a proxy, DISCORD_API_URL): one line naming
    where it looked, exit 2, instead of discord.py's traceback."""
    slack, discord = fakes
    env = bot_environment(tmp_path, slack, discord, free_port())
    dead = free_port()
    env["DISCORD_API_URL"] = f"http://127.0.0.1:{dead}/api/v10"
    bot = await start_quotebot("discord", env)
    _, stderr = await asyncio.wait_for(bot.communicate(), 60)
    text = stderr.decode()
    assert bot.returncode == 2, text
    assert "Traceback" not in text
    last = text.splitlines()[-1]
    assert last.startswith(
        f"quotebot discord: could not reach Discord at http://127.0.0.1:{dead}/api/v10 ("
    )
    assert "DISCORD_API_URL" in last and DISCORD_TOKEN not in text


async def test_a_discord_gateway_not_answering_at_start_is_one_line(
    tmp_path: Path, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:
    """REST answers but the gateway does not (a proxy letting HTTPS through, not websockets):
    one line naming the gateway, exit 2, instead of a reconnect traceback and a bot that
    never connects."""
    slack, discord = fakes
    env = bot_environment(tmp_path, slack, discord, free_port())
    dead = free_port()
    env["DISCORD_GATEWAY_URL"] = f"ws://127.0.0.1:{dead}/gateway"
    bot = await start_quotebot("discord", env)
    _, stderr = await asyncio.wait_for(bot.communicate(), 60)
    text = stderr.decode()
    assert bot.returncode == 2, text
    assert "Traceback" not in text
    assert text.splitlines()[-1].startswith(
        f"quotebot discord: could not reach Discord's gateway at ws://127.0.0.1:{dead}/gateway ("
    )


async def test_an_index_that_cannot_be_created_is_one_line_not_a_traceback(
    tmp_path: Path, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:
    """`QUOTEBOT_INDEX` where no file can be made stops `quotebot run` with one line, exit 2."""
    slack, discord = fakes
    env = bot_environment(tmp_path, slack, discord, free_port())
    (tmp_path / "a-file").write_text("not a folder")
    env["QUOTEBOT_INDEX"] = str(tmp_path / "a-file" / "index.sqlite3")
    bot = await start_quotebot("run", env)
    _, stderr = await asyncio.wait_for(bot.communicate(), 30)
    lines = [line for line in stderr.decode().splitlines() if not line.startswith("{")]
    assert bot.returncode == 2
    assert lines == [
        f"quotebot run: cannot use the search index {tmp_path / 'a-file' / 'index.sqlite3'}: "
        f"{tmp_path / 'a-file'} is a file, not a folder; set QUOTEBOT_INDEX (or --index) to a file "
        "in a folder quotebot can write"
    ]


async def test_slack_starts_and_answers_with_one_transcript_it_cannot_read(
    tmp_path: Path, fakes: tuple[FakeSlack, FakeDiscord], permissions_enforced: list[str]
) -> None:
    """A mode-000 transcript is logged by name; `quotebot slack` still gets ready and serves."""
    slack, discord = fakes
    port = free_port()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seed = next((REPO / "seeds").glob("*.txt"))
    (corpus / "seed.txt").write_bytes(seed.read_bytes())
    (corpus / "locked.txt").write_bytes(seed.read_bytes())
    (corpus / "locked.txt").chmod(0)
    env = bot_environment(tmp_path, slack, discord, port) | {"QUOTEBOT_CORPUS": str(corpus)}
    bot = await asyncio.create_subprocess_exec(
        *permissions_enforced,
        sys.executable,
        "-m",
        "bot",
        "slack",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with aiohttp.ClientSession() as http:
            await wait_until_ready(http, f"http://127.0.0.1:{port}", bot)
        bot.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(bot.communicate(), 15)
        assert bot.returncode == 0
        log = stderr.decode()
        assert f"skipped {corpus / 'locked.txt'}: cannot be read: permission denied" in log
        assert "Traceback" not in log
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
