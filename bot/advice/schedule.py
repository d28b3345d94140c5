"""Daily post times as pure functions of a subscription and `now`: no clock, no database.

A subscription stores a wall-clock time and an IANA zone name, never a UTC instant, so the post
follows daylight saving. The instant for a given local day is `slot_for`: a time that does not
exist that day (02:30 when clocks jump from 02:00 to 03:00) posts at the first valid instant
after it (03:00); a time that happens twice (01:30 when clocks fall back) posts at its first
occurrence. Either way there is one slot per local day, and the post log's unique
(platform, channel, local_date) makes the post happen once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_TIME = time(9, 0)
DEFAULT_ZONE = "UTC"


@dataclass(frozen=True)
class Subscription:
    """A channel's daily advice: when (local time + zone) and its delivery health."""

    platform: str
    channel: str
    local_time: time = DEFAULT_TIME
    timezone: str = DEFAULT_ZONE
    weekdays_only: bool = False
    workspace: str = ""
    created_by: str = ""
    # Slots before this instant are not owed: subscribing at 10:00 for 09:00 starts tomorrow.
    since: datetime = field(default_factory=lambda: datetime(2000, 1, 1, tzinfo=UTC))
    failures: int = 0
    broken: bool = False
    broken_reason: str | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def describe(self) -> str:
        """`09:00 Europe/Berlin, weekdays only` as status messages show it."""
        days = ", weekdays only" if self.weekdays_only else ", every day"
        return f"{self.local_time:%H:%M} {self.timezone}{days}"


def slot_for(subscription: Subscription, day: date) -> datetime | None:
    """The UTC instant the post for a local day is due, or None when no post is owed that day."""
    if subscription.weekdays_only and day.weekday() >= 5:
        return None
    zone = subscription.zone
    wall = datetime.combine(day, subscription.local_time)
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first  # exists; for a repeated time, fold=0 is its first occurrence
    # In a gap: fold=0 reads the wall time with the offset before the jump, fold=1 with the one
    # after, so the jump lies between them. Find the first instant whose wall time is >= wanted.
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    low, high = min(low, first), max(low, first)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    instant = high.replace(microsecond=0)
    if instant.astimezone(zone).date() != day:
        return None  # the whole day was skipped (Samoa, 2011-12-30)
    return instant


def local_date(subscription: Subscription, now: datetime) -> date:
    """The date it is in the subscription's zone at `now`."""
    return now.astimezone(subscription.zone).date()


def due_date(
    subscription: Subscription, now: datetime, window: timedelta | None = None
) -> date | None:
    """The local date whose post is due at `now`, or None.

    Only today (in the subscription's zone) can be due: yesterday's post is never sent late.
    Today's is due from its slot until the catch-up window closes (`window` after the slot,
    or the end of the local day when `window` is None).
    """
    today = local_date(subscription, now)
    slot = slot_for(subscription, today)
    if slot is None or slot < subscription.since or now < slot:
        return None
    if window is not None and now >= slot + window:
        return None
    return today


def next_due(subscription: Subscription, now: datetime) -> datetime | None:
    """The first slot strictly after `now` (and not before `since`): when to wake up next."""
    day = local_date(subscription, now)
    for offset in range(0, 9):
        slot = slot_for(subscription, day + timedelta(days=offset))
        if slot is not None and slot > now and slot >= subscription.since:
            return slot
    return None
