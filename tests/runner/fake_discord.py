"""A loopback stand-in for Discord: the REST calls a bot makes on start, and a gateway that
says HELLO, answers IDENTIFY with READY and acknowledges heartbeats. Records what it got."""

from __future__ import annotations

import itertools
import json
from typing import Any

from aiohttp import WSMsgType, web

APPLICATION_ID = "100000000000000001"
BOT_USER = {
    "id": "100000000000000002",
    "username": "quotebot",
    "discriminator": "0",
    "global_name": "quotebot",
    "avatar": None,
    "bot": True,
}


def json_response(data: Any, status: int = 200) -> web.Response:
    # discord.py parses a body as JSON only when the content type is exactly application/json.
    return web.Response(
        body=json.dumps(data).encode(), status=status, content_type="application/json"
    )


class FakeDiscord:
    """REST under /api/v10 and the gateway at /gateway, on 127.0.0.1 and a free port."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, Any]] = []
        self.identified = 0
        # True: answer every REST call 401, as Discord does for a revoked token.
        self.reject_token = False
        self._ids = itertools.count(200000000000000000)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        body = await request.json() if request.can_read_body else None
        self.requests.append((request.method, path, body))
        if self.reject_token:
            return json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        if path == "/users/@me":
            return json_response(BOT_USER)
        if path == "/oauth2/applications/@me":
            return json_response(
                {
                    "id": APPLICATION_ID,
                    "name": "quotebot",
                    "description": "",
                    "icon": None,
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "owner": BOT_USER,
                    "verify_key": "0" * 64,
                    "flags": 0,
                }
            )
        if path.startswith(f"/applications/{APPLICATION_ID}/") and request.method == "PUT":
            commands = [
                {
                    **command,
                    "id": str(next(self._ids)),
                    "application_id": APPLICATION_ID,
                    "version": "1",
                }
                for command in body or []
            ]
            return json_response(commands)
        return json_response({"message": f"not faked: {path}", "code": 0}, status=404)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}}))
        sequence = 0
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            payload = json.loads(message.data)
            if payload["op"] == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif payload["op"] == 2:
                self.identified += 1
                sequence += 1
                ready = {
                    "v": 10,
                    "user": BOT_USER,
                    "guilds": [],
                    "session_id": "fake-session",
                    "resume_gateway_url": self.gateway_url,
                    "application": {"id": APPLICATION_ID, "flags": 0},
                }
                await ws.send_str(json.dumps({"op": 0, "t": "READY", "s": sequence, "d": ready}))
        return ws
