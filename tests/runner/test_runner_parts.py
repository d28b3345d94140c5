"""The pieces `quotebot run` is made of: configuration checks, shard ids, readiness."""

from __future__ import annotations

import logging
import sys

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from adapters.discord_bot.reconnect_log import OneLineReconnects
from adapters.ops_routes import Readiness, add_ops_routes
from adapters.runner import check_configuration, shard_ids
from bot.errors import QuotebotError
from bot.metrics import Metrics
from bot.settings import ConfigError, Settings

SLACK = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd9912"}


def test_nothing_configured_names_every_variable() -> None:
    """With no token at all the message names the Slack and Discord variables."""
    problem = check_configuration(Settings.load({}))
    assert problem and "SLACK_BOT_TOKEN" in problem and "DISCORD_TOKEN" in problem


def test_a_malformed_token_is_named() -> None:
    """A Discord token of the wrong shape is reported by its variable."""
    problem = check_configuration(Settings.load({"DISCORD_TOKEN": "nope"}))
    assert problem and problem.startswith("DISCORD_TOKEN")


def test_one_platform_is_enough() -> None:
    """Slack alone (HTTP mode with its signing secret) is a valid configuration."""
    assert check_configuration(Settings.load(SLACK)) is None


def test_every_secret_is_redacted() -> None:
    """Tokens, the signing secret and the database URL are all handed to the log redactor."""
    settings = Settings.load(SLACK | {"DATABASE_URL": "postgresql://u:pw@db/q"})
    assert set(settings.secret_values()) == set(SLACK.values()) | {"postgresql://u:pw@db/q"}


@pytest.mark.parametrize(
    ("value", "hostname", "expected"),
    [(None, "x", None), ("0,2", "x", [0, 2]), ("ordinal", "quotebot-discord-3", [3])],
)
def test_shard_ids_from_a_list_or_the_pod_ordinal(value, hostname, expected) -> None:
    """A StatefulSet pod runs the shard of its ordinal; a list runs those shards."""
    assert shard_ids(value, 4, hostname) == expected


@pytest.mark.parametrize(
    ("value", "shards", "hostname"),
    [("ordinal", 4, "quotebot"), ("7", 4, "x"), ("0", "auto", "x"), ("a,b", 4, "x")],
)
def test_bad_shard_ids_are_configuration_errors(value, shards, hostname) -> None:
    """Shard ids out of range, unreadable or without a shard count are named errors."""
    with pytest.raises(ConfigError, match="QUOTEBOT_DISCORD_SHARD"):
        shard_ids(value, shards, hostname)


async def test_readyz_is_503_until_every_check_passes() -> None:
    """/readyz lists its checks and answers 503 while one fails, 200 when all pass."""
    state = {"discord": False}
    readiness = Readiness()
    readiness.add("index", lambda: True)
    readiness.add("discord", lambda: state["discord"])
    app = web.Application()
    add_ops_routes(app, readiness, Metrics())
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        response = await client.get("/readyz")
        assert response.status == 503
        assert (await response.json())["checks"] == {"index": True, "discord": False}
        state["discord"] = True
        assert (await client.get("/readyz")).status == 200


async def test_a_check_that_raises_counts_as_not_ready() -> None:
    """A readiness check that throws (a database gone) is reported as failing, not a 500."""

    def broken() -> bool:
        raise OSError("database is gone")

    readiness = Readiness()
    readiness.add("database", broken)
    app = web.Application()
    add_ops_routes(app, readiness, Metrics())
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        response = await client.get("/readyz")
        assert response.status == 503


async def test_metrics_are_served_in_prometheus_format() -> None:
    """/metrics serves the exposition text with Prometheus' content type."""
    metrics = Metrics()
    metrics.observe_post("slack", "advice", ok=True)
    app = web.Application()
    add_ops_routes(app, Readiness(), metrics)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        response = await client.get("/metrics")
        assert response.headers["Content-Type"].startswith("text/plain")
        assert 'quotebot_posts_total{kind="advice",outcome="sent",platform="slack"} 1.0' in (
            await response.text()
        )


async def test_shutdown_waits_for_replies_in_flight_but_not_for_connections() -> None:
    """Draining waits for a reply task (named as discord.py names them) and not for a
    long-lived connection task, which is closed afterwards."""
    import asyncio

    from adapters.runner import drain_replies

    finished: list[str] = []

    async def reply() -> None:
        await asyncio.sleep(0.2)
        finished.append("reply")

    connection = asyncio.create_task(asyncio.sleep(60), name="discord-gateway")
    asyncio.create_task(reply(), name="CommandTree-invoker")
    loop = asyncio.get_running_loop()
    started = loop.time()
    await drain_replies(timeout=5)
    assert finished == ["reply"]
    assert loop.time() - started < 2 and not connection.done()
    connection.cancel()


async def test_an_optional_check_failing_is_degraded_not_503() -> None:
    """A check added with required=False (the database) is reported with its problem, but the
    process stays in service: 200, status `degraded`."""

    def database() -> bool:
        raise QuotebotError("PostgreSQL at db:5432/quotebot stopped answering: connection refused")

    readiness = Readiness()
    readiness.add("index", lambda: True)
    readiness.add("database", database, required=False)
    app = web.Application()
    add_ops_routes(app, readiness, Metrics())
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        response = await client.get("/readyz")
        body = await response.json()
    assert response.status == 200 and body["status"] == "degraded"
    assert body["checks"] == {"index": True, "database": False}
    assert body["problems"] == {
        "database": "PostgreSQL at db:5432/quotebot stopped answering: connection refused"
    }


def test_discord_reconnect_attempts_are_one_line_each() -> None:
    """discord.py's "Attempting a reconnect" record loses its traceback and says the cause."""
    try:
        raise ConnectionResetError("Connection reset by peer")
    except ConnectionResetError:
        record = logging.LogRecord(
            "discord.client",
            logging.ERROR,
            __file__,
            1,
            "Attempting a reconnect in %.2fs",
            (4.5,),
            sys.exc_info(),
        )
    assert OneLineReconnects().filter(record)
    assert record.exc_info is None and record.levelname == "WARNING"
    assert record.getMessage() == (
        "Attempting a reconnect in 4.50s (ConnectionResetError: Connection reset by peer)"
    )
