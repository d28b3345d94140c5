"""Operations endpoints on the bot's HTTP port: readiness and Prometheus metrics.

Liveness (`GET /healthz`) comes with the Slack web app; these are added next to it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from bot import Metrics, QuotebotError

log = logging.getLogger(__name__)

READY_PATH = "/readyz"
METRICS_PATH = "/metrics"


@dataclass
class Readiness:
    """Named checks that must all pass before the bot takes traffic (index, database, platforms).

    A check returns True when fine; False, or an error whose message says why, when not. The
    why is shown in `/readyz` under `problems`, so an operator sees "PostgreSQL at db:5432
    stopped answering" rather than a bare false.
    """

    checks: dict[str, Callable[[], bool]] = field(default_factory=dict)
    # Checks that are reported but do not take the process out of service: the database
    # serves only daily advice, and a replica that can answer /quote should keep getting it.
    optional: set[str] = field(default_factory=set)
    # Why each check last failed ("" while it passes): probes come every few seconds, so a
    # problem is logged when it starts and when it ends, not at every probe.
    last_problems: dict[str, str] = field(default_factory=dict)
    # What start-up is busy with ("index: 1,200 of 10,000 transcripts read"), or None.
    waiting_for: Callable[[], str | None] = lambda: None

    def add(self, name: str, check: Callable[[], bool], *, required: bool = True) -> None:
        """A check; `required=False` reports it (status `degraded`) without answering 503."""
        self.checks[name] = check
        if not required:
            self.optional.add(name)

    async def report(self) -> dict[str, bool]:
        """Each check's result (True: passing)."""
        return {name: not problem for name, problem in (await self.problems()).items()}

    async def problems(self) -> dict[str, str]:
        """Each check's problem ("" when it passes)."""
        results = {}
        # A copy: start-up adds checks (platforms, feeds) while a probe is being answered.
        for name, check in list(self.checks.items()):
            try:
                # Checks may touch the database: keep them off the event loop.
                ok = bool(await asyncio.to_thread(check))
                problem = "" if ok else "failing"
            except QuotebotError as exc:  # a known cause, in words: no traceback
                problem = str(exc)
            except Exception as exc:  # a failing check is a "not ready", never a 500
                log.warning("readiness check %s failed", name, exc_info=True)
                problem = f"{type(exc).__name__}: {exc}"
            before = self.last_problems.get(name, "")
            if problem and problem != before:
                log.warning("not ready: %s: %s", name, problem)
            elif before and not problem:
                log.info("ready again: %s", name)
            self.last_problems[name] = problem
            results[name] = problem
        return results


def add_ops_routes(web_app: web.Application, readiness: Readiness, metrics: Metrics) -> None:
    """`GET /readyz` (200 when every required check passes, else 503; `degraded` when an
    optional one fails) and `GET /metrics`."""

    async def readyz(request: web.Request) -> web.Response:
        problems = await readiness.problems()
        checks = {name: not problem for name, problem in problems.items()}
        failing = {name for name, ok in checks.items() if not ok}
        ready = not failing - readiness.optional
        status = "not ready" if not ready else ("degraded" if failing else "ready")
        body: dict[str, object] = {"status": status, "checks": checks}
        if failing:
            body["problems"] = {name: problems[name] for name in sorted(failing)}
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
