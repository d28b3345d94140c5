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
    AdvicePool,
    AdviceService,
    CandidateStore,
    ConfigError,
    FeedWorker,
    Library,
    Metrics,
    QuotebotError,
    Settings,
    build_pool,
    configure_logging,
    create_advice_service,
    create_feed_worker,
    load_library,
)
from bot.cards import CardStyle
from bot.web import PageLinks

from .ops_routes import Readiness, add_ops_routes
from .startup import StartupProgress, in_background_thread
from .web_routes import LateLibrary, add_page_routes

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

    web_runner: web.AppRunner | None
    service: AdviceService
    scheduler_task: asyncio.Task[None]
    closers: list[Callable[[], Awaitable[Any]]] = field(default_factory=list)
    feed_worker: FeedWorker | None = None
    feed_task: asyncio.Task[None] | None = None
    stopping: bool = False
    warmup: asyncio.Future[Any] | None = None


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
    port = args.port if getattr(args, "port", None) is not None else settings.port
    host = getattr(args, "host", None) or settings.host
    where = Where(host, port, getattr(args, "corpus", None), getattr(args, "index", None))
    try:
        asyncio.run(serve(settings, plan, where))
    except (ConfigError, QuotebotError, FileNotFoundError) as exc:
        # Everything checked at start (the database, the platforms' answers to our tokens,
        # the port, an unreadable corpus folder, an index that cannot be written) stops here
        # in one line naming what to fix.
        print(f"quotebot {command}: {exc}", file=stderr or sys.stderr)
        return EXIT_CONFIG
    return 0


@dataclass(frozen=True)
class Where:
    """Where this process listens and which corpus and index it serves (None: the settings')."""

    host: str
    port: int
    corpus: Any = None
    index: Any = None


async def serve(settings: Settings, plan: Plan, where: Where) -> None:
    """Listen at once (health and readiness), load what the bot needs in the background, start
    the platforms, run until SIGINT or SIGTERM, then shut down in order."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Not on Windows (NotImplementedError), nor outside the main thread (RuntimeError).
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    from .slack import LateBoltApp, create_web_app, serve_http

    progress = StartupProgress()
    readiness = Readiness(waiting_for=progress.waiting_for)
    readiness.add("startup", lambda: progress.done)
    metrics = Metrics()
    late_slack = LateBoltApp() if plan.slack and not settings.slack_app_token else None
    web_app = create_web_app(late_slack)
    add_ops_routes(web_app, readiness, metrics)
    late_library = LateLibrary()
    # Read once, before listening: a bad QUOTEBOT_CARD_ARTWORK stops the start in one line.
    style = CardStyle.from_settings(settings)
    add_page_routes(web_app, late_library, public_url=settings.public_url, card_style=style)
    try:
        web_runner = await serve_http(web_app, where.host, where.port)
    except OSError as exc:
        raise ConfigError(
            f"QUOTEBOT_PORT / QUOTEBOT_HOST: cannot listen on {where.host}:{where.port}: "
            f"{exc.strerror or exc} (another process on that port? pick another with --port)"
        ) from None
    starting = asyncio.create_task(
        start(settings, plan, where, progress, readiness, metrics, late_slack, late_library),
        name="startup",
    )
    stopped = asyncio.create_task(stop.wait(), name="stop-signal")
    await asyncio.wait({starting, stopped}, return_when=asyncio.FIRST_COMPLETED)
    if not starting.done():
        # Stopped while still loading: the loading thread is abandoned (see startup.py).
        starting.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await starting
        await web_runner.cleanup()
        log.info("stopped")
        return
    try:
        running = starting.result()
    except BaseException:
        stopped.cancel()
        await web_runner.cleanup()
        raise
    running.web_runner = web_runner
    progress.finish()
    try:
        await stopped
    finally:
        await shutdown(running)


async def start(
    settings: Settings,
    plan: Plan,
    where: Where,
    progress: StartupProgress,
    readiness: Readiness,
    metrics: Metrics,
    late_slack: Any = None,
    late_library: LateLibrary | None = None,
) -> Running:
    """Load the library and the advice pool (in a background thread: a missing index can take
    minutes to build), then start the planned platforms and the scheduler."""
    library, pool, store = await in_background_thread(
        lambda: load_for_bots(settings, where, progress, metrics), name="quotebot-startup"
    )
    try:
        return await _start_platforms(
            library,
            pool,
            store,
            settings,
            plan,
            progress,
            readiness,
            metrics,
            late_slack,
            late_library,
        )
    except BaseException:
        store.close()
        library.close()
        raise


def load_for_bots(
    settings: Settings, where: Where, progress: StartupProgress, metrics: Metrics
) -> tuple[Library, AdvicePool, CandidateStore]:
    """The library (its index synced, advice scored for any transcript it re-reads) and the
    advice pool, reporting progress; blocking, so it runs off the event loop."""
    progress.step("index: checking the transcripts for changes")
    library, store = load_library(
        where.corpus or settings.corpus,
        where.index or settings.index,
        progress=progress.counter("index", "transcripts indexed"),
        search_observer=metrics.observe_search,
    )
    for error in library.errors:
        log.warning("skipped %s", error)
    progress.step("advice: loading the candidates")
    pool = build_pool(
        library,
        settings.advice_speakers,
        settings.advice_file,
        store,
        progress=progress.counter("advice", "episodes scored"),
    )
    return library, pool, store


async def _start_platforms(
    library: Library,
    pool: AdvicePool,
    store: CandidateStore,
    settings: Settings,
    plan: Plan,
    progress: StartupProgress,
    readiness: Readiness,
    metrics: Metrics,
    late_slack: Any,
    late_library: LateLibrary | None = None,
) -> Running:
    """Start the planned platforms and the scheduler over a loaded library."""
    slack, discord_ = plan.slack, plan.discord
    # Read once; a bad QUOTEBOT_CARD_ARTWORK stops the start here, before anything opens.
    style = CardStyle.from_settings(settings)

    def count_post(platform: str, ok: bool) -> None:
        metrics.observe_post(platform, "advice", ok)

    service = create_advice_service(library, settings, delivery_observer=count_post, pool=pool)
    episodes = len(library.episodes())
    readiness.add("index", lambda: episodes > 0)
    # Not required: without its database the bot still answers /quote (daily posts wait for
    # it), so a replica stays in its load balancer and /readyz says `degraded`.
    readiness.add("database", service.store.ping, required=False)
    closers: list[Callable[[], Awaitable[Any]]] = []
    try:
        feed_worker = create_feed_worker(library, settings)
    except BaseException:
        service.store.close()
        raise

    def rebuild_advice_pool(_report: object) -> None:
        # New episodes bring new advice candidates (and soundbites); built in the worker thread.
        # The candidate store scores only the episodes the refresh added or changed.
        service.scheduler.pool = build_pool(
            library, settings.advice_speakers, settings.advice_file, store
        )

    feed_worker.refresh_listeners.append(rebuild_advice_pool)

    try:
        if slack:
            progress.step("slack: starting")
            bolt_app, slack_closers = await _start_slack(
                library, settings, service, readiness, style
            )
            closers.extend(slack_closers)
            if late_slack is not None:
                late_slack.app = bolt_app
        if discord_:
            progress.step("discord: logging in")
            closers.extend(await _start_discord(library, settings, plan, service, readiness, style))
    except BaseException:
        # A platform that failed to start must not leave the other's connections open.
        for close in closers:
            with contextlib.suppress(Exception):
                await close()
        service.store.close()
        feed_worker.close()
        raise

    # Last: the library and the candidate store outlive every reply that might read them.
    closers.extend((_closer(library.close), _closer(store.close)))
    if late_library is not None:
        late_library.library = library
    scheduler_task = asyncio.create_task(service.scheduler.run(), name="advice-scheduler")
    # Feeds are polled (at start, then on their interval) and the index refreshed in the
    # background: answers never wait for it, and a failing feed never affects readiness.
    feed_task = asyncio.create_task(feed_worker.run(), name="feed-worker")
    running = Running(
        None, service, scheduler_task, closers, feed_worker=feed_worker, feed_task=feed_task
    )
    # Sorting every section title (200,000 at 10,000 episodes) once, after readiness rather
    # than before it, keeps the first help or no-match answer as quick as the rest.
    running.warmup = asyncio.create_task(asyncio.to_thread(library.section_titles))
    readiness.add("accepting", lambda: not running.stopping)
    log.info(
        "quotebot running: slack=%s%s discord=%s, %d episodes",
        "socket-mode" if slack and settings.slack_app_token else ("http" if slack else "off"),
        "" if late_slack is None else " (events on the HTTP port)",
        "on" if discord_ else "off",
        episodes,
    )
    return running


def _closer(close: Callable[[], None]) -> Callable[[], Awaitable[None]]:
    async def closing() -> None:
        close()

    return closing


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
    await drain_replies(SHUTDOWN_GRACE_SECONDS)
    for close in running.closers:
        try:
            await asyncio.wait_for(close(), SHUTDOWN_GRACE_SECONDS)
        except Exception:
            log.exception("error while closing a connection")
    if running.web_runner is not None:
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


async def drain_replies(timeout: float) -> None:
    """Wait (up to `timeout`) for replies still being written after their ack."""
    pending = [task for task in asyncio.all_tasks() if not task.done() and _is_reply(task)]
    if pending:
        log.info("waiting for %d reply(ies) in flight", len(pending))
        await asyncio.wait(pending, timeout=timeout)


async def _start_slack(
    library: Library,
    settings: Settings,
    service: AdviceService,
    readiness: Readiness,
    style: CardStyle,
) -> tuple[Any, list[Callable[[], Awaitable[Any]]]]:
    from .slack import (
        SlackAdviceSender,
        connect_socket_mode,
        create_app,
        verify_app_token,
        verify_token,
        watch_token,
    )

    bolt_app = create_app(library, settings, advice=service, card_style=style)
    # Slack must accept the token before we take traffic (else bolt answers every /quote with
    # "please reinstall"); afterwards every answer keeps /readyz up to date.
    token = watch_token(bolt_app.client)
    await verify_token(bolt_app.client, settings)
    links = PageLinks(settings.public_url)
    service.scheduler.add_sender(SlackAdviceSender(bolt_app.client, links=links))
    closers: list[Callable[[], Awaitable[Any]]] = []
    if settings.slack_app_token:
        await verify_app_token(bolt_app.client, settings.slack_app_token)
        handler = await connect_socket_mode(bolt_app, settings.slack_app_token)
        readiness.add(
            "slack",
            lambda: token.check() and bool(handler.client and handler.client.is_connected()),
        )
        closers.append(handler.close_async)
    else:
        readiness.add("slack", token.check)
    return bolt_app, closers


async def _start_discord(
    library: Library,
    settings: Settings,
    plan: Plan,
    service: AdviceService,
    readiness: Readiness,
    style: CardStyle,
) -> list[Callable[[], Awaitable[Any]]]:
    import aiohttp
    import discord
    from discord.gateway import DiscordWebSocket

    from .discord_bot import check_gateway, create_bot, point_discord_at, quiet_reconnects

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
        card_style=style,
    )
    try:
        await client.login(settings.discord_token or "")
    except discord.LoginFailure:
        await client.close()
        raise ConfigError(
            "DISCORD_TOKEN was rejected by Discord: reset the token in the Developer Portal "
            "(Bot → Reset Token)"
        ) from None
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        # No network, a proxy or firewall in the way, DNS, a wrong DISCORD_API_URL.
        await client.close()
        raise ConfigError(
            f"could not reach Discord at {discord.http.Route.BASE} ({type(exc).__name__}): "
            "check the network or proxy, and DISCORD_API_URL if it is set"
        ) from None
    except discord.HTTPException as exc:
        await client.close()
        raise ConfigError(
            f"Discord answered the login with HTTP {exc.status} at {discord.http.Route.BASE}: "
            "try again in a few minutes (https://discordstatus.com)"
        ) from None
    try:
        await check_gateway(str(DiscordWebSocket.DEFAULT_GATEWAY))
    except ConfigError:
        await client.close()
        raise
    quiet_reconnects()
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
