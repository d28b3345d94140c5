"""`/quote-daily` (and `/quote daily …`): turn a channel's advice of the day on, off, or post now.

The core's AdviceService does the work; this module parses the command, decides who may change
a channel's schedule, and finds a default time zone:

- **Who may change it**: workspace admins and owners (`users.info`: `is_admin`, `is_owner`,
  `is_primary_owner`), or every full member when `QUOTEBOT_SLACK_DAILY_ANYONE` is true (guests
  never). `status` and `help` are open to all.
- **Default zone**: Slack has no workspace time zone in its API, so the zone of the person
  turning it on (`users.info` → `tz`) stands in for it: in practice the admin lives where the
  team does. Else `QUOTEBOT_DAILY_TIMEZONE`. Typing an Area/City always wins.

Everything runs after the ack; answers are ephemeral, through `respond`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import AdviceService

from . import blocks, messages
from .delivery import CONNECTION_FAILED, error_code
from .escaping import escape
from .guard import apologising

log = logging.getLogger(__name__)

COMMAND = "/quote-daily"
PLATFORM = "slack"
ACTIONS = ("on", "off", "status", "now", "help")
_WEEKDAYS = {"weekdays", "weekday", "weekdays-only", "workdays", "mon-fri"}
_EVERY_DAY = {"daily", "everyday", "every-day", "every", "day"}
_MERIDIEM = {"am", "pm", "a.m.", "p.m."}
_FILLER = {"only", "at", "in"}
_LOOKUP_TIMEOUT = 5.0


@dataclass(frozen=True)
class DailyRequest:
    """A parsed `/quote-daily` command; `problem` says why it could not be read."""

    action: str
    time: str | None = None
    timezone: str | None = None
    weekdays_only: bool = False
    problem: str | None = None


@dataclass(frozen=True)
class Member:
    """What `users.info` says about the person asking (or why it could not say)."""

    is_admin: bool = False
    is_guest: bool = False
    timezone: str | None = None
    error: str | None = None


def is_daily(text: str) -> bool:
    """`/quote daily`, `/quote daily on 9:00` …: routed here; `/quote daily standup` searches."""
    words = (text or "").lower().split()
    return bool(words) and words[0] == "daily" and (len(words) == 1 or words[1] in ACTIONS)


def parse(text: str) -> DailyRequest:
    """`on [HH:MM] [Area/City] [weekdays]`, `off`, `status`, `now` or `help`."""
    words = (text or "").split()
    if not words:
        return DailyRequest("help")
    action, rest = words[0].lower(), words[1:]
    if action not in ACTIONS:
        return DailyRequest("help", problem=f"I don't know “{action}” here.")
    if action != "on":
        if rest:
            return DailyRequest("help", problem=f"`{action}` takes nothing after it.")
        return DailyRequest(action)
    time: str | None = None
    zone: str | None = None
    weekdays = False
    for word in rest:
        lowered = word.lower()
        if lowered in _WEEKDAYS:
            weekdays = True
        elif lowered in _EVERY_DAY:
            weekdays = False
        elif lowered in _FILLER:
            continue
        elif lowered in _MERIDIEM and time is not None:
            time += lowered
        elif re.match(r"\d", word):
            if time is not None:
                return DailyRequest("help", problem=messages.DAILY_ONE_TIME)
            time = word
        else:
            if zone is not None:
                return DailyRequest("help", problem=messages.DAILY_ONE_ZONE)
            zone = word
    return DailyRequest("on", time, zone, weekdays)


def help_text(command: str, anyone: bool) -> str:
    """Usage, with who may change the schedule."""
    who = "Anyone in the workspace (not guests)" if anyone else "Workspace admins and owners"
    return "\n".join(
        (
            f"*{command}* posts one piece of advice from the podcast in this channel every day.",
            f"• `{command} on`  every day at 09:00 in your time zone",
            f"• `{command} on 08:30 Europe/Berlin weekdays`  a time, an Area/City zone, "
            "weekdays only",
            f"• `{command} off`  stop",
            f"• `{command} status`  the schedule, the next and last post",
            f"• `{command} now`  post today's advice here now (it counts as today's)",
            f"{who} can turn it on or off or post now; anyone can ask for the status.",
        )
    )


def refusal(member: Member) -> str:
    """The polite no, saying who can and what everyone can do."""
    text = messages.DAILY_GUESTS_REFUSED if member.is_guest else messages.DAILY_ADMINS_ONLY
    if member.error:
        text += messages.DAILY_LOOKUP_FAILED.format(error=member.error)
    return text


class DailyListeners:
    """`/quote-daily` over an AdviceService (None: daily advice is not enabled)."""

    def __init__(self, advice: AdviceService | None, *, anyone: bool = False) -> None:
        self.advice = advice
        self.anyone = anyone

    def register(self, app: AsyncApp) -> None:
        app.command(COMMAND)(self.on_command)

    @apologising
    async def on_command(
        self,
        ack: AsyncAck,
        command: Mapping[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        """`/quote-daily …`: ack at once, then answer privately."""
        await ack()
        await self.answer(command, command.get("text", ""), respond, client, COMMAND)

    async def answer(
        self,
        command: Mapping[str, Any],
        text: str,
        respond: AsyncRespond,
        client: AsyncWebClient,
        name: str = COMMAND,
    ) -> None:
        """Do what `text` asks and answer through `respond` (ephemeral)."""
        reply = await self.reply(command, text, client, name)
        await respond(response_type="ephemeral", **blocks.notice(reply).as_kwargs())

    async def reply(
        self, command: Mapping[str, Any], text: str, client: AsyncWebClient, name: str = COMMAND
    ) -> str:
        """The answer to one command, as safe mrkdwn."""
        request = parse(text)
        if request.action == "help":
            usage = help_text(name, self.anyone)
            return f"{escape(request.problem)}\n{usage}" if request.problem else usage
        if self.advice is None:
            return messages.DAILY_NOT_ENABLED
        channel = str(command.get("channel_id") or "")
        user = str(command.get("user_id") or "")
        if request.action == "status":
            return escape((await self.advice.status(PLATFORM, channel)).text)
        member = await self.member(client, user)
        # With QUOTEBOT_SLACK_DAILY_ANYONE a failed look-up does not lock everyone out.
        if not (member.is_admin or (self.anyone and not member.is_guest)):
            log.info("refused /quote-daily %s in %s for %s", request.action, channel, user)
            return refusal(member)
        if request.action == "off":
            result = await self.advice.unsubscribe(PLATFORM, channel, by_user=user, allowed=True)
            return escape(result.text)
        if request.action == "now":
            result = await self.advice.post_now(
                PLATFORM, channel, by_user=user, allowed=True, timezone=member.timezone
            )
            return escape(result.text)
        result = await self.advice.subscribe(
            PLATFORM,
            channel,
            by_user=user,
            allowed=True,
            workspace=str(command.get("team_id") or ""),
            time=request.time,
            timezone=request.timezone,
            weekdays_only=request.weekdays_only,
            workspace_timezone=member.timezone,
        )
        answer = escape(result.text)
        if result.ok and not request.timezone and member.timezone:
            answer += (
                "\n_The time zone is yours from your Slack profile; add an Area/City "
                f"(`{name} on 09:00 Europe/Berlin`) to choose another._"
            )
        return answer

    async def member(self, client: AsyncWebClient, user: str) -> Member:
        """Role and time zone of `user` from `users.info` (scope users:read)."""
        try:
            response = await asyncio.wait_for(client.users_info(user=user), _LOOKUP_TIMEOUT)
        except SlackApiError as exc:
            error = error_code(exc)
            log.warning("users.info for %s failed: %s", user, error)
            return Member(error=error)
        except (TimeoutError, aiohttp.ClientError) as exc:
            log.warning("users.info for %s failed: %s", user, type(exc).__name__)
            return Member(error=CONNECTION_FAILED)
        info = response.get("user") or {}
        return Member(
            is_admin=bool(
                info.get("is_admin") or info.get("is_owner") or info.get("is_primary_owner")
            ),
            is_guest=bool(info.get("is_restricted") or info.get("is_ultra_restricted")),
            timezone=_known_zone(info.get("tz")),
        )


def _known_zone(name: Any) -> str | None:
    """Slack's `tz` when this machine knows that zone, else None (the default then applies)."""
    if not isinstance(name, str) or "/" not in name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name
