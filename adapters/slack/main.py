"""`quotebot slack`: check the tokens, load the library, and serve Slack until stopped.

Daily advice runs in the same process: the advice service (subscriptions, post log, pool) is
built from the settings with this adapter's sender, and its scheduler loop runs as a task next
to the app until shutdown.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import re
import signal
import sys
from collections.abc import AsyncIterator, Mapping
from typing import Any, TextIO

from bot import AdviceService, Library, Settings, configure_logging, create_advice_service

from .advice import SlackAdviceSender
from .app import create_app, create_client
from .server import connect_socket_mode, create_web_app, serve_http

log = logging.getLogger(__name__)

EXIT_CONFIG = 2
APPS_PAGE = "https://api.slack.com/apps"
_URL = re.compile(r"^https?://[^\s/]+(/\S*)?$")
_HEX = re.compile(r"^[0-9a-fA-F]{16,}$")
# How long shutdown waits for a scheduler step in flight (a send has its own timeout) to end.
SCHEDULER_STOP_SECONDS = 10.0


def token_problem(settings: Any) -> str | None:
    """One line naming the missing or malformed variable and where to get it; None if fine."""
    bot_token = settings.slack_bot_token or ""
    app_token = settings.slack_app_token or ""
    secret = settings.slack_signing_secret or ""
    where = f"{APPS_PAGE} → your app"
    if not bot_token:
        return (
            f"SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from "
            f"{where} → OAuth & Permissions."
        )
    if not bot_token.startswith("xoxb-"):
        return (
            f"SLACK_BOT_TOKEN should start with xoxb-: use the Bot User OAuth Token from "
            f"{where} → OAuth & Permissions."
        )
    if app_token and not app_token.startswith("xapp-"):
        return (
            f"SLACK_APP_TOKEN should start with xapp-: create an app-level token with the "
            f"connections:write scope at {where} → Basic Information → App-Level Tokens."
        )
    if not app_token:
        if not secret:
            return (
                f"SLACK_SIGNING_SECRET is not set (needed in HTTP mode): copy the Signing Secret "
                f"from {where} → Basic Information → App Credentials, or set SLACK_APP_TOKEN "
                f"for Socket Mode."
            )
        if not _HEX.match(secret):
            return (
                f"SLACK_SIGNING_SECRET does not look like a signing secret (hex digits): copy it "
                f"from {where} → Basic Information → App Credentials."
            )
    api_url = settings.slack_api_url
    if api_url and not _URL.match(api_url):
        return "SLACK_API_URL should be an http(s) URL such as https://slack.com/api/."
    return None


def run(
    args: argparse.Namespace,
    environ: Mapping[str, str] | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Start the Slack bot; exit code 2 with a one-line message when a token is missing."""
    settings = Settings.load(environ)
    problem = token_problem(settings)
    if problem:
        print(f"quotebot slack: {problem}", file=stderr or sys.stderr)
        return EXIT_CONFIG
    configure_logging(settings.log_level, settings.log_format, secrets=settings.secret_values())
    library = Library.from_settings(
        settings, getattr(args, "corpus", None), getattr(args, "index", None)
    )
    port = args.port if getattr(args, "port", None) is not None else settings.port
    host = getattr(args, "host", None) or settings.host
    try:
        asyncio.run(serve(library, settings, host, port))
    finally:
        library.close()
    return 0


async def serve(library: Library, settings: Any, host: str, port: int) -> None:
    """Serve Slack until SIGINT/SIGTERM: Socket Mode with an app token, else HTTP; the daily
    advice scheduler runs alongside."""
    client = create_client(settings)
    advice = await asyncio.to_thread(
        create_advice_service, library, settings, {"slack": SlackAdviceSender(client)}
    )
    try:
        async with running_scheduler(advice):
            await _serve_app(
                create_app(library, settings, client, advice=advice), settings, host, port
            )
    finally:
        advice.store.close()


@contextlib.asynccontextmanager
async def running_scheduler(
    advice: AdviceService, stop_timeout: float = SCHEDULER_STOP_SECONDS
) -> AsyncIterator[asyncio.Task[None]]:
    """The advice scheduler loop as a task while the block runs; stopped cleanly after it."""
    task = asyncio.create_task(advice.scheduler.run(), name="advice-scheduler")
    try:
        yield task
    finally:
        advice.scheduler.stop()
        try:
            await asyncio.wait_for(asyncio.shield(task), stop_timeout)
        except TimeoutError:
            log.warning("the advice scheduler did not stop in %g s; cancelling it", stop_timeout)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        except Exception:
            log.exception("the advice scheduler failed")


async def _serve_app(bolt_app: Any, settings: Any, host: str, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    socket_handler = None
    if settings.slack_app_token:
        socket_handler = await connect_socket_mode(bolt_app, settings.slack_app_token)
        # No Slack endpoint over HTTP in Socket Mode: only health checks.
        runner = await serve_http(create_web_app(None), host, port)
    else:
        runner = await serve_http(create_web_app(bolt_app), host, port)
    try:
        await stop.wait()
    finally:
        log.info("shutting down")
        if socket_handler is not None:
            await socket_handler.close_async()
        await runner.cleanup()
