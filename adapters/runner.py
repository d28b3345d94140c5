"""`quotebot run`: every configured front end and the advice scheduler in one asyncio loop.

Slack (Socket Mode or HTTP) and Discord start when their tokens are set; one HTTP server
carries Slack's events endpoint (HTTP mode), `/healthz`, `/readyz` and `/metrics`; one advice
scheduler posts for both. SIGINT or SIGTERM stops intake, lets in-flight replies and posts
finish (a few seconds at most), then closes connections.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import socket
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from aiohttp import web

from bot import (
    AdviceService,
    ConfigError,
    FeedWorker,
    Library,
    Metrics,
    Settings,
    build_pool,
    configure_logging,
    create_advice_service,
    create_feed_worker,
)

from .ops_routes import Readiness, add_ops_routes

log = logging.getLogger(__name__)

EXIT_CONFIG = 2
SHUTDOWN_GRACE_SECONDS = 8.0
NOTHING_CONFIGURED = (
    "no chat platform is configured: set SLACK_BOT_TOKEN (with SLACK_SIGNING_SECRET for HTTP "
    "or SLACK_APP_TOKEN for Socket Mode) and/or DISCORD_TOKEN; see `quotebot config` and the "
    "README's Configuration table"
)


@dataclass
class Running:
    """What a started bot holds, so that shutdown can close each piece in order."""

    web_runner: web.AppRunner
    service: AdviceService
    scheduler_task: asyncio.Task[None]
    closers: list[Callable[[], Awaitable[Any]]] = field(default_factory=list)
    feed_worker: FeedWorker | None = None
    feed_task: asyncio.Task[None] | None = None
    stopping: bool = False


@dataclass(frozen=True)
class Plan:
    """What this process runs, worked out (and checked) before anything starts."""

    slack: bool
    discord: bool
    discord_shards: str | int | None = None
    discord_shard_ids: list[int] | None = None
    force_sync: bool = False


def plan_for(
    settings: Settings, args: argparse.Namespace | None = None, only: str | None = None
) -> Plan:
    """The platforms to run (all configured ones, or `only` one), or ConfigError naming the
    variable or option to fix."""
    args = args or argparse.Namespace()
    slack = only == "slack" or (only is None and bool(settings.slack_bot_token))
    discord_ = only == "discord" or (only is None and bool(settings.discord_token))
    if not (slack or discord_):
        raise ConfigError(NOTHING_CONFIGURED)
    if slack:
        from .slack import token_problem

        problem = token_problem(settings)
        if problem:
            raise ConfigError(problem)
    if not discord_:
        return Plan(slack=True, discord=False)
    from .discord_bot import check_token, parse_shards

    check_token(settings.discord_token)
    shards = parse_shards(getattr(args, "shards", None)) or settings.discord_shards
    ids = shard_ids(getattr(args, "shard_ids", None) or settings.discord_shard_ids, shards)
    return Plan(slack, True, shards, ids, bool(getattr(args, "sync", False)))


def check_configuration(settings: Settings) -> str | None:
    """One line naming what to fix, or None when at least one platform is ready to start."""
    try:
        plan_for(settings)
    except ConfigError as exc:
        return str(exc)
    return None


def run(args: argparse.Namespace, only: str | None = None, stderr: TextIO | None = None) -> int:
    """Start everything configured (or `only` "slack" or "discord"); a configuration problem
    is one line naming what to fix, and exit code 2."""
    command = only or "run"
    try:
        settings = Settings.load(config_file=getattr(args, "config", None))
        plan = plan_for(settings, args, only)
    except ConfigError as exc:
        print(f"quotebot {command}: {exc}", file=stderr or sys.stderr)
        return EXIT_CONFIG
    configure_logging(settings.log_level, settings.log_format, secrets=settings.secret_values())
    metrics = Metrics()
    library = Library.from_settings(
        settings,
        getattr(args, "corpus", None),
        getattr(args, "index", None),
        search_observer=metrics.observe_search,
    )
    port = args.port if getattr(args, "port", None) is not None else settings.port
    host = getattr(args, "host", None) or settings.host
    try:
        asyncio.run(serve(library, settings, plan, host, port, metrics))
    except ConfigError as exc:
        print(f"quotebot {command}: {exc}", file=stderr or sys.stderr)
        return EXIT_CONFIG
    finally:
        library.close()
    return 0


async def serve(
    library: Library, settings: Settings, plan: Plan, host: str, port: int, metrics: Metrics
) -> None:
    """Run until SIGINT or SIGTERM, then shut down in order. `metrics` is what `library`
    reports its searches to; the advice scheduler reports its posts there too."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    running = await start(library, settings, plan, host, port, metrics)
    try:
        await stop.wait()
    finally:
        await shutdown(running)


async def start(
    library: Library, settings: Settings, plan: Plan, host: str, port: int, metrics: Metrics
) -> Running:
    """Start the planned platforms, the scheduler and the HTTP server."""
    slack, discord_ = plan.slack, plan.discord

    def count_post(platform: str, ok: bool) -> None:
        metrics.observe_post(platform, "advice", ok)

    service = create_advice_service(library, settings, delivery_observer=count_post)
    readiness = Readiness()
    readiness.add("index", lambda: library.index.passage_count() > 0)
    readiness.add("database", service.store.ping)
    closers: list[Callable[[], Awaitable[Any]]] = []
    try:
        feed_worker = create_feed_worker(library, settings)
    except BaseException:
        service.store.close()
        raise

    def rebuild_advice_pool(_report: object) -> None:
        # New episodes bring new advice candidates (and soundbites); built in the worker thread.
        service.scheduler.pool = build_pool(library, settings.advice_speakers, settings.advice_file)

    feed_worker.refresh_listeners.append(rebuild_advice_pool)

    bolt_app = None
    try:
        if slack:
            bolt_app, slack_closers = await _start_slack(library, settings, service, readiness)
            closers.extend(slack_closers)
        if discord_:
            closers.extend(await _start_discord(library, settings, plan, service, readiness))
    except BaseException:
        # A platform that failed to start must not leave the other's connections open.
        for close in closers:
            with contextlib.suppress(Exception):
                await close()
        service.store.close()
        feed_worker.close()
        raise

    from .slack import create_web_app, serve_http

    http_mode_slack = bolt_app if slack and not settings.slack_app_token else None
    web_app = create_web_app(http_mode_slack)
    add_ops_routes(web_app, readiness, metrics)
    web_runner = await serve_http(web_app, host, port)
    scheduler_task = asyncio.create_task(service.scheduler.run(), name="advice-scheduler")
    # Feeds are polled (at start, then on their interval) and the index refreshed in the
    # background: answers never wait for it, and a failing feed never affects readiness.
    feed_task = asyncio.create_task(feed_worker.run(), name="feed-worker")
    running = Running(
        web_runner, service, scheduler_task, closers, feed_worker=feed_worker, feed_task=feed_task
    )
    readiness.add("accepting", lambda: not running.stopping)
    log.info(
        "quotebot running: slack=%s discord=%s http=%s:%s",
        "socket-mode" if slack and settings.slack_app_token else ("http" if slack else "off"),
        "on" if discord_ else "off",
        host,
        port,
    )
    return running


async def shutdown(running: Running) -> None:
    """Stop taking work, let what is in flight finish, then close every connection.

    Order matters: replies still being written after their ack use the platforms' HTTP
    sessions, so they are drained before the connections close.
    """
    running.stopping = True  # /readyz answers 503 from here on
    log.info("shutting down")
    scheduler = running.service.scheduler
    scheduler.stop()
    try:
        # A post being sent finishes (and is recorded) before the loop returns; a send never
        # takes longer than the scheduler's send timeout.
        grace = scheduler.send_timeout.total_seconds() + 2
        await asyncio.wait_for(asyncio.shield(running.scheduler_task), grace)
    except TimeoutError:
        running.scheduler_task.cancel()
    if running.feed_worker is not None and running.feed_task is not None:
        # A poll in progress stops after the fetches already started (each has a deadline).
        running.feed_worker.stop()
        try:
            await asyncio.wait_for(asyncio.shield(running.feed_task), SHUTDOWN_GRACE_SECONDS)
        except TimeoutError:
            log.warning("a feed poll is still finishing; it resumes at the next start")
            running.feed_task.cancel()
    await _drain_replies(SHUTDOWN_GRACE_SECONDS)
    for close in running.closers:
        try:
            await asyncio.wait_for(close(), SHUTDOWN_GRACE_SECONDS)
        except Exception:
            log.exception("error while closing a connection")
    await running.web_runner.cleanup()
    running.service.store.close()
    if running.feed_worker is not None:
        running.feed_worker.close()
    log.info("stopped")


# Tasks that carry a reply to a user, by the names (or coroutine names) slack-bolt and
# discord.py give them; long-lived tasks (gateway, sockets, the server) are not waited for.
REPLY_TASK_MARKERS = (
    "run_ack_function_asynchronously",  # bolt: a listener's work after ack()
    "CommandTree-invoker",  # discord.py: a slash command or autocomplete
    "discord-ui-view-dispatch",  # discord.py: a button of a live view
    "discord-ui-dynamic-item",  # discord.py: a persistent (dynamic) button
)


def _is_reply(task: asyncio.Task[Any]) -> bool:
    label = f"{task.get_name()} {getattr(task.get_coro(), '__qualname__', '')}"
    return any(marker in label for marker in REPLY_TASK_MARKERS)


async def _drain_replies(timeout: float) -> None:
    """Wait (up to `timeout`) for replies still being written after their ack."""
    pending = [task for task in asyncio.all_tasks() if not task.done() and _is_reply(task)]
    if pending:
        log.info("waiting for %d reply(ies) in flight", len(pending))
        await asyncio.wait(pending, timeout=timeout)


async def _start_slack(
    library: Library, settings: Settings, service: AdviceService, readiness: Readiness
) -> tuple[Any, list[Callable[[], Awaitable[Any]]]]:
    from .slack import SlackAdviceSender, connect_socket_mode, create_app

    bolt_app = create_app(library, settings, advice=service)
    service.scheduler.add_sender(SlackAdviceSender(bolt_app.client))
    closers: list[Callable[[], Awaitable[Any]]] = []
    if settings.slack_app_token:
        handler = await connect_socket_mode(bolt_app, settings.slack_app_token)
        readiness.add("slack", lambda: bool(handler.client and handler.client.is_connected()))
        closers.append(handler.close_async)
    else:
        readiness.add("slack", lambda: True)
    return bolt_app, closers


async def _start_discord(
    library: Library,
    settings: Settings,
    plan: Plan,
    service: AdviceService,
    readiness: Readiness,
) -> list[Callable[[], Awaitable[Any]]]:
    import discord

    from .discord_bot import create_bot, point_discord_at

    point_discord_at(settings.discord_api_url, settings.discord_gateway_url)
    # The client registers its advice sender itself; the loop is this process's one scheduler.
    client = create_bot(
        library,
        settings,
        shards=plan.discord_shards,
        shard_ids=plan.discord_shard_ids,
        force_sync=plan.force_sync,
        advice=service,
        advice_loop=False,
    )
    try:
        await client.login(settings.discord_token or "")
    except discord.LoginFailure:
        await client.close()
        raise ConfigError(
            "DISCORD_TOKEN was rejected by Discord: reset the token in the Developer Portal "
            "(Bot → Reset Token)"
        ) from None
    connection = asyncio.create_task(client.connect(), name="discord-gateway")

    def connection_failed(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("the Discord connection ended: %s", task.exception())

    connection.add_done_callback(connection_failed)
    readiness.add("discord", lambda: client.is_ready() and not client.is_closed())

    async def close() -> None:
        await client.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await connection

    return [close]


def shard_ids(
    value: str | None, shards: str | int | None, hostname: str | None = None
) -> list[int] | None:
    """`QUOTEBOT_DISCORD_SHARD_IDS`: `0,2`, or `ordinal` for a StatefulSet pod's own shard
    (`quotebot-discord-3` runs shard 3)."""
    if not value:
        return None
    if not isinstance(shards, int):
        raise ConfigError(
            "QUOTEBOT_DISCORD_SHARD_IDS (--shard-ids) needs QUOTEBOT_DISCORD_SHARDS (--shards) "
            "set to a count"
        )
    if value.strip() == "ordinal":
        name = hostname or socket.gethostname()
        ordinal = name.rsplit("-", 1)[-1]
        if not ordinal.isdigit():
            raise ConfigError(
                f"QUOTEBOT_DISCORD_SHARD_IDS=ordinal: host name {name!r} does not end in -N"
            )
        ids = [int(ordinal)]
    else:
        try:
            ids = [int(part) for part in value.split(",") if part.strip()]
        except ValueError:
            raise ConfigError(
                f"QUOTEBOT_DISCORD_SHARD_IDS: expected numbers like 0,1: {value}"
            ) from None
    if not ids or any(not 0 <= i < shards for i in ids):
        raise ConfigError(f"QUOTEBOT_DISCORD_SHARD_IDS: each id must be between 0 and {shards - 1}")
    return ids
