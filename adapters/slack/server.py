"""Serving the bolt app: an aiohttp web application (HTTP mode) or Socket Mode.

`create_web_app` returns a plain `aiohttp.web.Application`, so other routes (readiness,
metrics) can be added to the same server before it starts.
"""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


class LateBoltApp:
    """A bolt app that arrives after the server starts: the runner serves `/healthz` and
    `/readyz` while the index loads, and Slack's events get a 503 until the app is set (a
    load balancer sends none before `/readyz` says ready)."""

    def __init__(self) -> None:
        self.app: AsyncApp | None = None


def create_web_app(
    bolt_app: AsyncApp | LateBoltApp | None = None, path: str = EVENTS_PATH
) -> web.Application:
    """`POST {path}` for Slack (when a bolt app is given) and `GET /healthz`."""
    web_app = web.Application()
    if bolt_app is not None:

        async def slack_events(request: web.Request) -> web.Response:
            app = bolt_app.app if isinstance(bolt_app, LateBoltApp) else bolt_app
            if app is None:
                return web.json_response({"status": "starting"}, status=503)
            raw = await request.read()
            try:
                # The signature is checked over exactly these bytes (decoded, never re-encoded
                # from parsed fields).
                body = raw.decode("utf-8")
            except UnicodeDecodeError:
                return web.Response(status=400, text="body is not UTF-8")
            bolt_request = AsyncBoltRequest(
                body=body,
                query=request.query_string,
                # Every value of a repeated header, as bolt's dict of lists holds them.
                headers={name: request.headers.getall(name) for name in set(request.headers)},
            )
            return await to_aiohttp_response(await app.async_dispatch(bolt_request))

        web_app.router.add_post(path, slack_events)
    web_app.router.add_get(HEALTH_PATH, healthz)
    return web_app


async def healthz(request: web.Request) -> web.Response:
    """Liveness: the process is up and its event loop answers."""
    return web.json_response({"status": "ok"})


async def serve_http(web_app: web.Application, host: str, port: int) -> web.AppRunner:
    """Start serving `web_app` on host:port; the caller cleans up the returned runner."""
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("listening on http://%s:%s", host, port)
    return runner


async def connect_socket_mode(bolt_app: AsyncApp, app_token: str) -> AsyncSocketModeHandler:
    """Open Socket Mode connections (through the app's client, so SLACK_API_URL applies)."""
    handler = AsyncSocketModeHandler(bolt_app, app_token)
    await handler.connect_async()
    log.info("connected to Slack in Socket Mode")
    return handler
