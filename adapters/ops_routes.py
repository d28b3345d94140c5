"""Operations endpoints on the bot's HTTP port: readiness and Prometheus metrics.

Liveness (`GET /healthz`) comes with the Slack web app; these are added next to it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from bot import Metrics

log = logging.getLogger(__name__)

READY_PATH = "/readyz"
METRICS_PATH = "/metrics"


@dataclass
class Readiness:
    """Named checks that must all pass before the bot takes traffic (index, database, platforms)."""

    checks: dict[str, Callable[[], bool]] = field(default_factory=dict)
    # What start-up is busy with ("index: 1,200 of 10,000 transcripts read"), or None.
    waiting_for: Callable[[], str | None] = lambda: None

    def add(self, name: str, check: Callable[[], bool]) -> None:
        self.checks[name] = check

    async def report(self) -> dict[str, bool]:
        results = {}
        # A copy: start-up adds checks (platforms, feeds) while a probe is being answered.
        for name, check in list(self.checks.items()):
            try:
                # Checks may touch the database: keep them off the event loop.
                results[name] = bool(await asyncio.to_thread(check))
            except Exception:  # a failing check is a "not ready", never a 500
                log.warning("readiness check %s failed", name, exc_info=True)
                results[name] = False
        return results


def add_ops_routes(web_app: web.Application, readiness: Readiness, metrics: Metrics) -> None:
    """`GET /readyz` (200 when every check passes, else 503) and `GET /metrics`."""

    async def readyz(request: web.Request) -> web.Response:
        checks = await readiness.report()
        ready = all(checks.values())
        body: dict[str, object] = {"status": "ready" if ready else "not ready", "checks": checks}
        waiting = readiness.waiting_for()
        if waiting and not ready:
            body["waiting_for"] = waiting
        return web.json_response(body, status=200 if ready else 503)

    async def metrics_page(request: web.Request) -> web.Response:
        response = web.Response(body=metrics.render())
        response.headers["Content-Type"] = metrics.content_type
        return response

    web_app.router.add_get(READY_PATH, readyz)
    web_app.router.add_get(METRICS_PATH, metrics_page)
