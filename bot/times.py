"""Times of day, time zones and durations as people type them: parsed, or refused with a hint."""

from __future__ import annotations

import difflib
import re
from datetime import time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .errors import QuotebotError


class ScheduleError(QuotebotError):
    """A time or time zone a user typed that cannot be used; the message says what would work."""


def parse_local_time(text: str) -> time:
    """`9`, `9:30`, `09:30`, `9am`, `9:30 pm` as a wall-clock time; ScheduleError otherwise."""
    match = re.fullmatch(
        r"\s*(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?\s*", text, re.IGNORECASE
    )
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        meridiem = (match.group(3) or "").lower().replace(".", "")
        if meridiem and 1 <= hour <= 12:
            hour = hour % 12 + (12 if meridiem == "pm" else 0)
        elif meridiem:
            hour = 99
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise ScheduleError(f"“{text.strip()}” is not a time of day: use HH:MM, for example 09:00.")


def resolve_timezone(text: str) -> str:
    """The IANA zone name for what a user typed (any case); ScheduleError with suggestions."""
    wanted = text.strip().replace(" ", "_")
    names = _zone_names()
    lowered = {name.lower(): name for name in names}
    if wanted.lower() in lowered:
        name = lowered[wanted.lower()]
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
        else:
            return name
    close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(close)}?" if close else " Use an Area/City name."
    raise ScheduleError(f"“{text.strip()}” is not a time zone (like Europe/Berlin).{hint}")


def timezone_choices(prefix: str, limit: int = 25) -> list[str]:
    """Zone names for autocomplete: those starting with, then containing, what was typed."""
    wanted = prefix.strip().replace(" ", "_").lower()
    names = _zone_names()
    starts = [n for n in names if n.lower().startswith(wanted)]
    contains = [n for n in names if wanted in n.lower() and n not in starts]
    return (starts + contains)[:limit]


def parse_window(text: str) -> timedelta | None:
    """A catch-up window: `day` (rest of the local day: None), or `90m`, `2h`, `3600s`."""
    value = text.strip().lower()
    if value in {"day", "rest-of-day", ""}:
        return None
    match = re.fullmatch(r"(\d+)\s*([smh]?)", value)
    if not match:
        raise ValueError("expected `day` or a duration like 2h, 90m, 600s")
    amount, unit = int(match.group(1)), match.group(2) or "s"
    if amount <= 0:
        raise ValueError("the catch-up window must be longer than 0")
    return timedelta(seconds=amount * {"s": 1, "m": 60, "h": 3600}[unit])


@cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(n for n in available_timezones() if "/" in n or n == "UTC"))
