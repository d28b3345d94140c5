"""Offline Discord, discord.py's own way: real Interactions from recorded payloads, dispatched
through the client's connection state (command tree and view store), with the two ways out
to Discord replaced by recorders: the webhook adapter (interaction responses, follow-ups) and
`HTTPClient.request` (channel messages, command sync).
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import discord
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

from adapters.discord_bot import create_bot
from bot import Library, Settings

PAYLOADS = Path(__file__).parent / "payloads"
APP_ID = 1200000000000000000
OWNER_ID = 1000000000000000001
STRANGER_ID = 1000000000000000002
CHANNEL_ID = 1110000000000000000
EPHEMERAL = 64
ALL_POST_PERMISSIONS = str(1024 | 2048 | 16384)


def load_payload(name: str) -> dict[str, Any]:
    return json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))


@dataclass
class Call:
    """One request the bot made: method, route template, the URL's ids, and the JSON body."""

    method: str
    path: str
    url: str
    payload: Any
    # Attachments sent with the request: (filename, bytes).
    files: list[tuple[str, bytes]] = field(default_factory=list)

    @property
    def data(self) -> dict[str, Any]:
        """The message data of an interaction callback (or the body of anything else)."""
        body = self.payload or {}
        return body.get("data", body) if "type" in body else body


def http_error(cls: type[discord.HTTPException], status: int, code: int, message: str):
    """A discord.py HTTP exception as the library raises it for a JSON error body."""
    response = SimpleNamespace(status=status, reason=message)
    return cls(response, {"code": code, "message": message})


@dataclass
class FakeDiscord:
    """Records every request; `failures[(method, path or url)]` raises instead of answering;
    `rest[(method, url)]` is the JSON answer to other REST reads (channels, guilds, members)."""

    calls: list[Call] = field(default_factory=list)
    failures: dict[tuple[str, str], BaseException] = field(default_factory=dict)
    rest: dict[tuple[str, str], Any] = field(default_factory=dict)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1330000000000000001))

    def record(self, route: Any, payload: Any, files: Any = None) -> None:
        attached = [(f.filename, f.fp.getvalue()) for f in files or ()]
        self.calls.append(Call(route.method, route.path, route.url, payload, attached))
        failure = self.failures.get((route.method, route.path)) or self.failures.get(
            (route.method, route.url)
        )
        if failure is not None:
            raise failure

    def find(self, method: str, fragment: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and fragment in c.path]

    @property
    def callbacks(self) -> list[Call]:
        """Initial interaction responses (type 4 message, 5 defer, 6/7 update, 8 choices)."""
        return self.find("POST", "/callback")

    def message_payload(self, data: dict[str, Any], flags: int = 0) -> dict[str, Any]:
        """A message object as Discord returns it, built from what the bot sent."""
        message = copy.deepcopy(load_payload("button_click")["message"])
        message.update(
            id=str(next(self.ids)),
            content=data.get("content") or "",
            embeds=data.get("embeds", []),
            components=data.get("components", []),
            flags=data.get("flags", flags),
        )
        return message

    # -- the two ways out -----------------------------------------------------------------

    async def http_request(self, route: Any, **kwargs: Any) -> Any:
        self.record(route, kwargs.get("json"))
        if route.path.endswith("/commands"):
            return [
                {
                    **command,
                    "id": str(next(self.ids)),
                    "application_id": str(APP_ID),
                    "version": "1",
                    "default_member_permissions": None,
                }
                for command in kwargs["json"]
            ]
        if route.path == "/channels/{channel_id}/messages":
            message = self.message_payload(kwargs["json"])
            message["channel_id"] = str(route.channel_id)
            message["type"] = 0
            return message
        if (route.method, route.url) in self.rest:
            return copy.deepcopy(self.rest[(route.method, route.url)])
        raise AssertionError(f"unexpected request {route.method} {route.path}")

    def webhook_adapter(self) -> AsyncWebhookAdapter:
        fake = self

        class RecordingAdapter(AsyncWebhookAdapter):
            async def request(
                self,
                route: Any,
                session: Any,
                *,
                payload: Any = None,
                params: Any = None,
                multipart: Any = None,
                files: Any = None,
                **_: Any,
            ):
                # With attachments the JSON body travels as the multipart's payload_json.
                if payload is None and multipart:
                    payload = json.loads(multipart[0]["value"])
                fake.record(route, payload, files)
                if route.path.endswith("/callback"):
                    data = (payload or {}).get("data") or {}
                    return {
                        "interaction": {
                            "id": str(route.webhook_id),
                            "type": 2,
                            "response_message_id": str(next(fake.ids)),
                            "response_message_loading": payload["type"] == 5,
                            "response_message_ephemeral": bool(data.get("flags", 0) & EPHEMERAL),
                        }
                    }
                if route.method == "PATCH" or (params or {}).get("wait"):
                    return fake.message_payload(payload or {})
                return None

        return RecordingAdapter()


class Harness:
    """Builds clients and feeds them interactions; every test gets its own."""

    def __init__(self, fake: FakeDiscord, tmp_path: Path) -> None:
        self.fake = fake
        self.tmp_path = tmp_path
        self.clients: list[discord.Client] = []
        self.interaction_ids = itertools.count(1310000000000000100)

    async def start(
        self, library: Library, env: dict[str, str] | None = None, **options: Any
    ) -> discord.Client:
        """A client as `quotebot discord` builds it, set up as after login (no gateway)."""
        environ = {"QUOTEBOT_DISCORD_SYNC_STATE": str(self.tmp_path / "sync.json"), **(env or {})}
        client = create_bot(
            library, Settings.load(environ=environ), rng=random.Random(4), **options
        )
        await client._async_setup_hook()
        client._connection.application_id = APP_ID
        bot_user = load_payload("button_click")["message"]["author"]
        client._connection.user = discord.ClientUser(state=client._connection, data=bot_user)
        client.http.request = self.fake.http_request  # type: ignore[method-assign]
        await client.setup_hook()
        self.clients.append(client)
        return client

    async def dispatch(self, client: discord.Client, payload: dict[str, Any]) -> None:
        """Deliver one INTERACTION_CREATE and wait for everything it started to finish."""
        async_context.set(self.fake.webhook_adapter())
        before = asyncio.all_tasks()
        client._connection.parse_interaction_create(payload)
        for _ in range(10):
            pending = asyncio.all_tasks() - before - {asyncio.current_task()}
            if not pending:
                return
            done, still = await asyncio.wait(pending, timeout=5)
            assert not still, f"interaction tasks did not finish: {still}"
            for task in done:
                task.result()

    def payload_for(self, name: str, user_id: int, app_permissions: str | None) -> dict[str, Any]:
        payload = load_payload(name)
        payload["id"] = str(next(self.interaction_ids))
        payload["member"]["user"]["id"] = str(user_id)
        if app_permissions is not None:
            payload["app_permissions"] = app_permissions
        return payload

    async def command(
        self,
        client: discord.Client,
        name: str,
        user_id: int = OWNER_ID,
        app_permissions: str | None = None,
        **options: str,
    ) -> None:
        """The member runs `/name option:value …`."""
        payload = self.payload_for("slash_command", user_id, app_permissions)
        payload["data"]["name"] = name
        payload["data"]["options"] = [
            {"name": key, "type": 3, "value": value} for key, value in options.items()
        ]
        await self.dispatch(client, payload)

    async def autocomplete(
        self, client: discord.Client, focused: str, typed: str, **options: str
    ) -> list[dict[str, Any]]:
        """The member types `typed` into option `focused` of /quote; returns the choices sent."""
        payload = self.payload_for("autocomplete", OWNER_ID, None)
        payload["data"]["options"] = [
            {"name": key, "type": 3, "value": value} for key, value in options.items()
        ] + [{"name": focused, "type": 3, "value": typed, "focused": True}]
        await self.dispatch(client, payload)
        response = self.fake.callbacks[-1].payload
        assert response["type"] == 8
        return response["data"]["choices"]

    async def click(
        self,
        client: discord.Client,
        custom_id: str,
        message: dict[str, Any],
        user_id: int = OWNER_ID,
        app_permissions: str | None = None,
    ) -> None:
        """The member presses the button `custom_id` on `message` (a message object)."""
        payload = self.payload_for("button_click", user_id, app_permissions)
        payload["data"]["custom_id"] = custom_id
        payload["message"] = message
        await self.dispatch(client, payload)

    def last_message(self) -> dict[str, Any]:
        """The message object for the last message the bot sent or edited by interaction."""
        for call in reversed(self.fake.calls):
            if call.path.endswith("/callback") and call.payload["type"] in (4, 7):
                return self.fake.message_payload(call.payload["data"])
            if call.method == "PATCH" or (call.method == "POST" and "/webhooks/" in call.path):
                return self.fake.message_payload(call.payload)
        raise AssertionError("no message was sent")

    async def close(self) -> None:
        for client in self.clients:
            await client.close()


def buttons(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The buttons of a message payload, in order."""
    return [c for row in data.get("components", []) for c in row["components"]]


def button(data: dict[str, Any], label: str) -> dict[str, Any]:
    return next(b for b in buttons(data) if b.get("label") == label)


def write_transcript(folder: Path, name: str, body: str, **front: str) -> Path:
    """A transcript in the seeds' format: YAML front matter, `### Section`, `Name HH:MM:SS:`."""
    folder.mkdir(parents=True, exist_ok=True)
    meta = {"podcast_name": "Test Pod", "episode_title": "Test Episode", **front}
    header = "\n".join(f"{key}: {json.dumps(value)}" for key, value in meta.items())
    path = folder / f"{name}.txt"
    path.write_text(f"---\n{header}\n---\nTranscript\n{body}\n", encoding="utf-8")
    return path
