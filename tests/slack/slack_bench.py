"""The Slack test bench: the real AsyncApp over loopback HTTP, talking to a fake Slack Web API.

Everything binds 127.0.0.1 on port 0. Requests are built from the recorded payloads in
`payloads/`, form-encoded and signed the way Slack signs them.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from slack_sdk.signature import SignatureVerifier

from bot import Settings

PAYLOADS = Path(__file__).parent / "payloads"
SIGNING_SECRET = "8f742231b10e8888abcd9912ffe85a5c"
BOT_TOKEN = "xoxb-1111-2222-testtoken"
CHANNEL = "C2147483705"
USER = "U2147483697"
TEAM = "T0001"
# The bot scopes of deploy/slack-manifest.yml, as Slack lists them in `x-oauth-scopes`.
SCOPES = (
    "commands,chat:write,chat:write.public,files:write,users:read,channels:read,groups:read,"
    "channels:history,groups:history"
)


def payload(name: str) -> dict[str, Any]:
    """A recorded payload from tests/slack/payloads (a fresh copy)."""
    return json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))


@dataclass
class Call:
    """One request the fake received: the API method (or response_url name) and its body."""

    method: str
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeSlack:
    """A loopback Slack Web API and response_url endpoint that records what it receives.

    Answers `auth.test` and `chat.postMessage` (and any other method with `ok`); `fail()` and
    `rate_limit()` queue error answers for a method. For daily advice it also keeps what a
    workspace would: `users` (users.info), `channels` (conversations.info), each channel's
    posted messages with their metadata (conversations.history), channels that `reject` posts,
    and the token's `scopes` (the `x-oauth-scopes` header on every answer).
    """

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.responses: list[Call] = []
        # Socket Mode: envelopes sent to each connection after `hello`, and the acks received.
        self.envelopes: list[dict[str, Any]] = []
        self.socket_acks: list[Call] = []
        self._queued: dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]] = {}
        self._changed = asyncio.Condition()
        self._ts = itertools.count(1)
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.history: dict[str, list[dict[str, Any]]] = {}
        self.rejecting: dict[str, str] = {}
        self.scopes: str | None = SCOPES
        # Seconds since the epoch for message timestamps (tests with a fake clock set it).
        self.clock: Callable[[], float] | None = None
        # Slack's limits for apps outside the Slack Marketplace (new apps and installs since
        # 2025-05-29): conversations.history once a minute (per workspace), at most 15
        # messages a request. None lifts a limit (a Marketplace app).
        self.history_interval: float | None = 60.0
        self.history_max: int | None = 15
        self._last_history: float | None = None
        # A slow Slack: a method with a gate answers only once the test sets the gate.
        self.gates: dict[str, asyncio.Event] = {}
        # response_url posts with delete_original still to drop (see `drop_deletes`).
        self.dropped_deletes = 0
        # Files sent to the upload URLs files.getUploadURLExternal handed out, by file id.
        self.uploads: dict[str, bytes] = {}
        self._file_ids = itertools.count(1)
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._response)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self.server = TestServer(app, host="127.0.0.1", port=0)

    async def start(self) -> None:
        await self.server.start_server()

    async def close(self) -> None:
        await self.server.close()

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    @property
    def api_url(self) -> str:
        return self.url("/api/")

    def response_url(self, name: str) -> str:
        return self.url(f"/response/{name}")

    def fail(self, method: str, error: str, *, status: int = 200, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with `{"ok": false, "error": error}`."""
        answer = (status, {"ok": False, "error": error}, {})
        self._queued.setdefault(method, []).extend([answer] * times)

    def rate_limit(self, method: str, *, retry_after: int = 0, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with 429 and Retry-After."""
        answer = (429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})
        self._queued.setdefault(method, []).extend([answer] * times)

    def drop_deletes(self, times: int = 2) -> None:
        """Drop the connection on the next `times` response_url deletes, unanswered (what a
        network failure looks like; slack_sdk tries a dropped connection twice)."""
        self.dropped_deletes += times

    def method_calls(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    async def wait_for_responses(self, count: int, timeout: float = 5.0) -> list[Call]:
        """Wait until `count` response_url posts have arrived; return them all."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.responses) >= count), timeout
            )
        return list(self.responses)

    async def wait_for_socket_acks(self, count: int, timeout: float = 5.0) -> list[Call]:
        """Wait until `count` Socket Mode acks have arrived; return them all."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: len(self.socket_acks) >= count), timeout
            )
        return list(self.socket_acks)

    async def _record(self, target: list[Call], call: Call) -> None:
        async with self._changed:
            target.append(call)
            self._changed.notify_all()

    def add_user(self, user: str = USER, **fields: Any) -> dict[str, Any]:
        """A member as users.info describes them (a plain member unless `fields` say more)."""
        self.users[user] = {"id": user, "team_id": TEAM, "name": user.lower(), **fields}
        return self.users[user]

    def add_channel(self, channel: str = CHANNEL, **fields: Any) -> dict[str, Any]:
        """A channel as conversations.info describes it (public, bot a member, by default)."""
        info = {"id": channel, "is_channel": True, "is_private": False, "is_member": True}
        self.channels[channel] = info | fields
        return self.channels[channel]

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        # slack_sdk sends some methods' arguments in the query string (files_upload_v2's).
        body: dict[str, Any] = dict(request.query)
        if request.method == "GET":
            pass
        elif request.content_type == "application/json":
            body |= await request.json()
        else:
            body |= dict(await request.post())
        await self._record(self.calls, Call(method, body, dict(request.headers)))
        if method in self.gates:
            await self.gates[method].wait()
        scopes = {"X-OAuth-Scopes": self.scopes} if self.scopes is not None else {}
        queued = self._queued.get(method)
        if queued:
            status, answer, headers = queued.pop(0)
            return web.json_response(answer, status=status, headers=headers | scopes)
        if method == "conversations.history":
            wait = self._history_budget()
            if wait:
                limited = {"ok": False, "error": "ratelimited"}
                headers = {"Retry-After": str(wait)} | scopes
                return web.json_response(limited, status=429, headers=headers)
        answer = self._answer(method, body)
        return web.json_response(answer, headers=scopes)

    def _answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        if method == "apps.connections.open":
            return {"ok": True, "url": self.url("/socket").replace("http", "ws")}
        if method == "auth.test":
            return payload("auth_test")
        if method == "chat.postMessage":
            channel = str(body.get("channel"))
            if channel in self.rejecting:
                return {"ok": False, "error": self.rejecting[channel]}
            seconds = int(self.clock()) if self.clock else 1700000100
            ts = f"{seconds}.{next(self._ts):06d}"
            message = {"type": "message", "ts": ts, "bot_id": "B0BOT", **body}
            self.history.setdefault(channel, []).insert(0, message)
            return {"ok": True, "channel": channel, "ts": ts, "message": body}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._file_ids):08d}"
            return {"ok": True, "file_id": file_id, "upload_url": self.url(f"/upload/{file_id}")}
        if method == "files.completeUploadExternal":
            channel = str(body.get("channel_id"))
            if channel in self.rejecting:
                return {"ok": False, "error": self.rejecting[channel]}
            files = json.loads(str(body.get("files") or "[]"))
            if any(f.get("id") not in self.uploads for f in files):
                return {"ok": False, "error": "file_not_found"}
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        if method == "users.info":
            user = self.users.get(str(body.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "conversations.info":
            info = self.channels.get(str(body.get("channel")))
            if info is None:
                return {"ok": False, "error": "channel_not_found"}
            return {"ok": True, "channel": info}
        if method == "conversations.history":
            return self._history(body)
        return {"ok": True}

    def _history_budget(self) -> int:
        """0 when a history request is allowed now (and counts it), else the seconds to wait."""
        if self.history_interval is None:
            return 0
        now = self.clock() if self.clock else time.time()
        if self._last_history is not None and now - self._last_history < self.history_interval:
            return max(1, math.ceil(self.history_interval - (now - self._last_history)))
        self._last_history = now
        return 0

    def _history(self, body: dict[str, Any]) -> dict[str, Any]:
        """Newest first, between `oldest` and `latest` (exclusive unless `inclusive`), pages
        of `limit` (default 100, at most `history_max`) from `cursor`, with `has_more` and
        `response_metadata.next_cursor`; metadata only with include_all_metadata (and, as in
        Slack, only where the bot is a member)."""
        channel = str(body.get("channel"))
        info = self.channels.get(channel)
        if info is None:
            return {"ok": False, "error": "channel_not_found"}
        if not info.get("is_member"):
            return {"ok": False, "error": "not_in_channel"}
        oldest = float(body.get("oldest") or 0)
        latest = float(body.get("latest") or "inf")
        inclusive = str(body.get("inclusive")).lower() in {"1", "true"}
        with_metadata = str(body.get("include_all_metadata")).lower() in {"1", "true"}
        messages = []
        for message in self.history.get(channel, []):
            ts = float(message["ts"])
            if ts < oldest or ts > latest or (not inclusive and ts in (oldest, latest)):
                continue
            shown = {k: v for k, v in message.items() if k != "metadata" or with_metadata}
            messages.append(shown)
        limit = int(body.get("limit") or 100)
        if self.history_max is not None:
            limit = min(limit, self.history_max)
        start = int(str(body.get("cursor") or "page:0").removeprefix("page:"))
        page = messages[start : start + limit]
        more = start + limit < len(messages)
        next_cursor = f"page:{start + limit}" if more else ""
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": next_cursor},
        }

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1})
        for envelope in self.envelopes:
            await ws.send_json(envelope)
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                await self._record(self.socket_acks, Call("ack", json.loads(message.data)))
        return ws

    async def _upload(self, request: web.Request) -> web.Response:
        """The upload URL step of files_upload_v2: the file's bytes, POSTed as they are."""
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK - uploaded")

    async def _response(self, request: web.Request) -> web.Response:
        body = await request.json()
        await self._record(self.responses, Call(request.match_info["name"], body))
        if body.get("delete_original") and self.dropped_deletes > 0:
            self.dropped_deletes -= 1
            if request.transport is not None:
                request.transport.close()
        return web.Response(text="ok")


@dataclass
class Reply:
    """The app's HTTP answer to one delivery, and how long the ack took."""

    status: int
    text: str
    seconds: float


class SlackHarness:
    """The app under test, served on loopback; sends signed slash commands and button presses."""

    def __init__(self, fake: FakeSlack, web_app: web.Application) -> None:
        self.fake = fake
        self.server = TestServer(web_app, host="127.0.0.1", port=0)
        self.session: aiohttp.ClientSession | None = None
        self._ids = itertools.count(1)

    async def start(self) -> None:
        await self.server.start_server()
        self.session = aiohttp.ClientSession()

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()
        await self.server.close()

    def command_body(self, text: str, command: str = "/quote", **changes: str) -> str:
        """A slash command as Slack form-encodes it, with its own trigger id and response_url
        (`changes` replace other fields: user_id, channel_id …)."""
        n = next(self._ids)
        fields = payload("slash_command") | {
            "text": text,
            "command": command,
            "trigger_id": f"trigger.command.{n}",
            "response_url": self.fake.response_url(f"command-{n}"),
            **changes,
        }
        return urlencode(fields)

    def action_body(self, action: dict[str, Any], **changes: Any) -> str:
        """A button press on a preview: `action` is the button as the app rendered it."""
        n = next(self._ids)
        data = copy.deepcopy(payload("block_actions"))
        data["trigger_id"] = f"trigger.action.{n}"
        data["response_url"] = self.fake.response_url(f"action-{n}")
        pressed = data["actions"][0]
        pressed.update(action_id=action["action_id"], value=action["value"], text=action["text"])
        data.update(changes)
        return urlencode({"payload": json.dumps(data)})

    async def post(
        self,
        body: str,
        *,
        timestamp: int | None = None,
        secret: str = SIGNING_SECRET,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """POST a form body to /slack/events, signed with `secret` at `timestamp` (now)."""
        assert self.session is not None
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
        sent = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature,
            **(headers or {}),
        }
        started = time.perf_counter()
        async with self.session.post(
            self.server.make_url("/slack/events"), data=body.encode(), headers=sent
        ) as response:
            text = await response.text()
        return Reply(response.status, text, time.perf_counter() - started)

    async def command(self, text: str, command: str = "/quote", **changes: str) -> Reply:
        return await self.post(self.command_body(text, command, **changes))

    async def press(self, action: dict[str, Any], **changes: Any) -> Reply:
        return await self.post(self.action_body(action, **changes))

    async def ask(self, text: str) -> dict[str, Any]:
        """`/quote text`, acknowledged with 200, and the message it answers with."""
        before = len(self.fake.responses)
        reply = await self.command(text)
        assert reply.status == 200
        return (await self.fake.wait_for_responses(before + 1))[before].body

    async def click(self, message: dict[str, Any], action_id: str) -> dict[str, Any]:
        """Press a button of `message`, acknowledged with 200; the response_url post it causes."""
        before = len(self.fake.responses)
        reply = await self.press(button(message, action_id))
        assert reply.status == 200
        return (await self.fake.wait_for_responses(before + 1))[before].body


def slack_settings(fake: FakeSlack, **extra: str) -> Settings:
    """Settings as the environment would give them, with the Web API at the fake."""
    environ = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url,
        **extra,
    }
    return Settings.load(environ)


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        element
        for block in message.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def button(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    found = [b for b in buttons(message) if b["action_id"] == action_id]
    assert found, f"no {action_id} button in {[b['action_id'] for b in buttons(message)]}"
    return found[0]


def texts(message: dict[str, Any]) -> Iterator[str]:
    """Every text Slack would render from a message: `text` and all texts in its blocks."""

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    yield value
                else:
                    yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    yield from walk({k: v for k, v in message.items() if k in ("text", "blocks")})


def mrkdwn_objects(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every mrkdwn text object in a message's blocks."""

    def walk(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                yield node
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    return list(walk(message.get("blocks", [])))


def section_texts(message: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in message.get("blocks", []) if b["type"] == "section"]


def context_texts(message: dict[str, Any]) -> list[str]:
    return [
        element["text"]
        for block in message.get("blocks", [])
        if block["type"] == "context"
        for element in block["elements"]
    ]


def write_transcript(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
