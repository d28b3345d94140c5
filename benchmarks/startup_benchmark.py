"""Start-up benchmark: time to ready, `quotebot advice`, memory and a Slack burst, by size.

For the seed and for synthetic catalogues of 1,000 and 10,000 episodes (made from the seed as in
search_benchmark.py), with the index and the advice candidates already built:

- time from process start to `/readyz` 200 for `quotebot run` (Slack over HTTP and Discord,
  each against a loopback fake), `quotebot slack` and `quotebot discord`;
- resident memory of the ready process;
- wall time of `quotebot advice --date D --channel C` (one channel, one date);
- 50 concurrent signed `/quote` commands, 10 bursts, against the ready `quotebot slack`: ack
  p50/p99 and how many answers reached the response_url within 2 s of the last burst.

    python benchmarks/startup_benchmark.py [--sizes 0 1000 10000] [--data benchmarks/out]

Size 0 is the bundled seed. A missing index is built first (long at 10,000: run it once in the
background); the build time is printed but is not the point here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "runner"))

from fake_discord import FakeDiscord  # noqa: E402
from slack_sdk.signature import SignatureVerifier  # noqa: E402

from benchmarks.search_benchmark import make_corpus, percentile  # noqa: E402
from bot.advice.candidates import load_library  # noqa: E402
from bot.advice.pool import build_pool  # noqa: E402
from tests.slack.slack_bench import BOT_TOKEN, SIGNING_SECRET, FakeSlack, payload  # noqa: E402

DISCORD_TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAy.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"
RARE = ["kagle", "layoffs", "promotion", '"stack ranking"', "interview"]
COMMON = ["the team", "people think", "manager", "writing", "you know"]
BURSTS, CONCURRENCY = 10, 50


def prepare(size: int, data: Path) -> tuple[Path, Path]:
    """The corpus and index for a size, built (with advice candidates) when missing."""
    corpus = REPO / "seeds" if size == 0 else data / f"corpus-{size}"
    index = data / f"index-{size or 'seed'}.sqlite3"
    if size:
        make_corpus(corpus, size)
    started = time.perf_counter()
    library, store = load_library(corpus, index)
    build_pool(library, store=store)
    spent = time.perf_counter() - started
    if spent > 5:
        print(f"# prepared {size or 'seed'}: {spent:.0f} s (index and advice built)", flush=True)
    store.close()
    library.close()
    return corpus, index


def environment(
    corpus: Path, index: Path, slack: FakeSlack, discord: FakeDiscord, port: int, scratch: Path
) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "QUOTEBOT_"))
    }
    env.update(
        PYTHONPATH=str(REPO),
        XDG_CACHE_HOME=str(scratch / "cache"),
        XDG_STATE_HOME=str(scratch / "state"),
        XDG_DATA_HOME=str(scratch / "data"),
        QUOTEBOT_CORPUS=str(corpus),
        QUOTEBOT_INDEX=str(index),
        QUOTEBOT_HOST="127.0.0.1",
        QUOTEBOT_PORT=str(port),
        QUOTEBOT_LOG_LEVEL="info",
        QUOTEBOT_LOG_FORMAT="json",
        DATABASE_URL=f"sqlite:///{scratch / 'quotebot.sqlite3'}",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        DISCORD_TOKEN=DISCORD_TOKEN,
        DISCORD_API_URL=discord.api_url,
        DISCORD_GATEWAY_URL=discord.gateway_url,
    )
    return env


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def start_until_ready(
    command: str, env: dict[str, str], log: Path
) -> tuple[asyncio.subprocess.Process, float, float]:
    """Spawn `quotebot COMMAND` logging to `log`; (process, seconds from spawn to the first
    `/readyz` 200, wall-clock time of the spawn)."""
    base = f"http://127.0.0.1:{env['QUOTEBOT_PORT']}"
    spawned = time.time()
    started = time.perf_counter()
    with log.open("w") as stderr:
        bot = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            command,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=stderr,
        )
    async with aiohttp.ClientSession() as http:
        while True:
            if bot.returncode is not None:
                raise RuntimeError(log.read_text())
            try:
                async with http.get(f"{base}/readyz") as response:
                    if response.status == 200:
                        return bot, time.perf_counter() - started, spawned
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.01)


STAGES = (
    ("boot", "listening on"),
    ("library", "start-up: index"),
    ("advice", "start-up: advice"),
    ("platforms", "start-up: slack"),
    ("platforms", "start-up: discord"),
    ("connected", "start-up: ready"),
)


def stage_seconds(log: Path, spawned: float, ready: float) -> dict[str, float]:
    """Seconds spent in each start-up stage, from the bot's JSON log: imports and settings up
    to listening (boot), loading the library, the advice pool, starting the platforms, and
    from "ready" in the log to /readyz 200 (connected: Discord's gateway, the poll)."""
    marks: dict[str, float] = {}
    for line in log.read_text().splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        when = datetime.fromisoformat(record["time"]).timestamp()
        for stage, prefix in STAGES:
            if record.get("message", "").startswith(prefix) and stage not in marks:
                marks[stage] = when
    order = [stage for stage in dict.fromkeys(s for s, _ in STAGES) if stage in marks]
    ends = [marks[s] for s in order[1:]] + [spawned + ready]
    spent = {"boot": marks.get("boot", spawned) - spawned}
    for stage, end in zip(order, ends, strict=True):
        if stage != "boot":
            spent[stage] = end - marks[stage]
    return spent


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def stop(bot: asyncio.subprocess.Process) -> None:
    bot.terminate()
    await asyncio.wait_for(bot.wait(), 30)


def signed(text: str, response_url: str) -> tuple[str, dict[str, str]]:
    fields = payload("slash_command") | {
        "text": text,
        "response_url": response_url,
        "trigger_id": uuid.uuid4().hex,
    }
    body = urlencode(fields)
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=stamp, body=body)
    return body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }


async def slack_load(base: str, slack: FakeSlack, words: list[str]) -> dict[str, float]:
    """BURSTS bursts of CONCURRENCY signed /quote commands; ack latency and answers."""
    before = len(slack.responses)
    acks: list[float] = []
    sent = 0
    async with aiohttp.ClientSession() as http:

        async def one(n: int) -> None:
            body, headers = signed(words[n % len(words)], slack.response_url(f"load-{n}"))
            t0 = time.perf_counter()
            async with http.post(f"{base}/slack/events", data=body, headers=headers) as response:
                await response.read()
                assert response.status == 200, response.status
            acks.append((time.perf_counter() - t0) * 1000)

        for burst in range(BURSTS):
            await asyncio.gather(*(one(burst * CONCURRENCY + n) for n in range(CONCURRENCY)))
            sent += CONCURRENCY
    deadline = time.perf_counter() + 2
    while len(slack.responses) - before < sent and time.perf_counter() < deadline:
        await asyncio.sleep(0.02)
    return {
        "ack_p50_ms": percentile(acks, 0.5),
        "ack_p99_ms": percentile(acks, 0.99),
        "answered": len(slack.responses) - before,
        "sent": sent,
    }


def advice_seconds(env: dict[str, str], runs: int) -> float:
    times = []
    for n in range(runs):
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bot",
                "advice",
                "--date",
                f"2026-0{1 + n % 9}-15",
                "--channel",
                "C0123",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


async def measure(size: int, data: Path, runs: int) -> dict[str, object]:
    corpus, index = prepare(size, data)
    slack, discord = FakeSlack(), FakeDiscord()
    await slack.start()
    await discord.start()
    row: dict[str, object] = {"size": size}
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for command in ("run", "slack", "discord"):
                readies, memory, stages = [], [], []
                for _ in range(runs):
                    env = environment(corpus, index, slack, discord, free_port(), Path(scratch))
                    log = Path(scratch) / f"{command}.log"
                    bot, ready, spawned = await start_until_ready(command, env, log)
                    readies.append(ready)
                    memory.append(rss_mb(bot.pid))
                    if command == "slack" and "rare" not in row:
                        base = f"http://127.0.0.1:{env['QUOTEBOT_PORT']}"
                        row["rare"] = await slack_load(base, slack, RARE)
                        row["common"] = await slack_load(base, slack, COMMON)
                    await stop(bot)
                    stages.append(stage_seconds(log, spawned, ready))
                row[f"{command}_ready_s"] = statistics.median(readies)
                row[f"{command}_stages_s"] = {
                    stage: round(statistics.median(s.get(stage, 0.0) for s in stages), 3)
                    for stage in stages[0]
                }
                row[f"{command}_rss_mb"] = statistics.median(memory)
            env = environment(corpus, index, slack, discord, free_port(), Path(scratch))
            row["advice_s"] = advice_seconds(env, runs)
    finally:
        await slack.close()
        await discord.close()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 1000, 10000])
    parser.add_argument("--data", type=Path, default=REPO / "benchmarks" / "out")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in args.sizes:
        row = asyncio.run(measure(size, args.data, args.runs))
        rows.append(row)
        print(json.dumps(row), flush=True)
    print()
    print(
        "| episodes | run ready | slack ready | discord ready | RSS (run) | advice "
        "| ack p50/p99 rare | ack p50/p99 common | answered |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        rare, common = r["rare"], r["common"]
        print(
            f"| {r['size'] or 'seed'} | {r['run_ready_s']:.2f} s | {r['slack_ready_s']:.2f} s | "
            f"{r['discord_ready_s']:.2f} s | {r['run_rss_mb']:.0f} MB | {r['advice_s']:.2f} s | "
            f"{rare['ack_p50_ms']:.0f}/{rare['ack_p99_ms']:.0f} ms | "
            f"{common['ack_p50_ms']:.0f}/{common['ack_p99_ms']:.0f} ms | "
            f"{rare['answered'] + common['answered']}/{rare['sent'] + common['sent']} |"
        )

    print()
    print("`quotebot run`, where the time to ready goes (median seconds):")
    print("| episodes | boot (imports, settings) | library | advice | platforms | connected |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        st = r["run_stages_s"]
        cells = " | ".join(
            f"{st.get(k, 0.0):.2f}" for k in ("boot", "library", "advice", "platforms", "connected")
        )
        print(f"| {r['size'] or 'seed'} | {cells} |")


if __name__ == "__main__":
    main()
