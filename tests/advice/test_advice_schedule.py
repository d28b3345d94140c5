"""When a channel's post is due: local time + IANA zone, weekdays, DST, catch-up, no yesterday."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from advice_fakes import utc

from bot.advice.schedule import Subscription, due_date, next_due, slot_for
from bot.times import (
    ScheduleError,
    parse_local_time,
    parse_window,
    resolve_timezone,
    timezone_choices,
)


def sub(at: str = "09:00", zone: str = "Europe/Berlin", **kwargs) -> Subscription:
    return Subscription("slack", "C1", parse_local_time(at), zone, **kwargs)


def test_due_at_local_time_not_before() -> None:
    """09:00 Berlin in winter is 08:00 UTC: not due a second before, due from then on."""
    s = sub()
    assert due_date(s, utc(2025, 1, 6, 7, 59, 59)) is None
    assert due_date(s, utc(2025, 1, 6, 8, 0)) == date(2025, 1, 6)
    assert next_due(s, utc(2025, 1, 6, 7, 0)) == utc(2025, 1, 6, 8, 0)
    assert next_due(s, utc(2025, 1, 6, 8, 0)) == utc(2025, 1, 7, 8, 0)


def test_summer_time_moves_the_utc_instant() -> None:
    """The same 09:00 Berlin is 07:00 UTC in summer: the zone is kept, not a frozen offset."""
    assert slot_for(sub(), date(2025, 7, 1)) == utc(2025, 7, 1, 7, 0)


def test_weekdays_only_skips_the_weekend() -> None:
    """Weekdays-only: nothing owed on Saturday; Friday after the post, next is Monday."""
    s = sub(weekdays_only=True)
    assert slot_for(s, date(2025, 3, 8)) is None
    assert due_date(s, utc(2025, 3, 8, 12, 0)) is None
    assert next_due(s, utc(2025, 3, 7, 9, 0)) == utc(2025, 3, 10, 8, 0)


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        ("Europe/Berlin", date(2025, 3, 30), "02:30", utc(2025, 3, 30, 1, 0)),  # 03:00 CEST
        ("America/New_York", date(2025, 3, 9), "02:30", utc(2025, 3, 9, 7, 0)),  # 03:00 EDT
        ("Europe/Berlin", date(2025, 10, 26), "02:30", utc(2025, 10, 26, 0, 30)),  # first 02:30
        ("America/New_York", date(2025, 11, 2), "01:30", utc(2025, 11, 2, 5, 30)),  # first 01:30
    ],
)
def test_dst_gap_and_overlap_give_one_slot(zone: str, day: date, at: str, expected) -> None:
    """A time skipped by DST posts at the first valid instant; a repeated one at its first."""
    s = sub(at, zone)
    assert slot_for(s, day) == expected
    # Stepping through the whole day, the post is due from exactly one instant on.
    start = expected - timedelta(hours=3)
    due = [
        start + timedelta(minutes=m)
        for m in range(0, 6 * 60, 5)
        if due_date(s, start + timedelta(minutes=m)) == day
    ]
    assert due[0] == expected


def test_catch_up_rest_of_day_by_default() -> None:
    """Down at 09:00, up at 11:00: today's post is still due; with a 1 h window it is not."""
    s = sub("09:00", "UTC")
    assert due_date(s, utc(2025, 1, 6, 11, 0)) == date(2025, 1, 6)
    assert due_date(s, utc(2025, 1, 6, 23, 59)) == date(2025, 1, 6)
    assert due_date(s, utc(2025, 1, 6, 11, 0), timedelta(hours=1)) is None
    assert due_date(s, utc(2025, 1, 6, 9, 30), timedelta(hours=1)) == date(2025, 1, 6)


def test_never_posts_yesterday() -> None:
    """A 23:30 post missed by a bot down over midnight is not sent at 00:30 the next day."""
    s = sub("23:30", "Europe/Berlin")
    assert due_date(s, utc(2025, 1, 6, 23, 30)) is None  # 00:30 on the 7th in Berlin
    assert next_due(s, utc(2025, 1, 6, 23, 30)) == utc(2025, 1, 7, 22, 30)


def test_subscribing_after_todays_time_starts_tomorrow() -> None:
    """Slots before the subscription (or time change) are not owed."""
    s = sub("09:00", "UTC", since=utc(2025, 1, 6, 10, 0))
    assert due_date(s, utc(2025, 1, 6, 10, 5)) is None
    assert next_due(s, utc(2025, 1, 6, 10, 5)) == utc(2025, 1, 7, 9, 0)


def test_user_input_parsing() -> None:
    """Times and zones as people type them; mistakes get a helpful message."""
    assert parse_local_time("9") == time(9, 0)
    assert parse_local_time("9:30pm") == time(21, 30)
    assert parse_local_time("12am") == time(0, 0)
    assert resolve_timezone("america/new york") == "America/New_York"
    with pytest.raises(ScheduleError, match="not a time of day"):
        parse_local_time("25:00")
    with pytest.raises(ScheduleError, match="Did you mean Europe/Berlin"):
        resolve_timezone("Europe/Berln")
    assert timezone_choices("berl") == ["Europe/Berlin"]
    assert len(timezone_choices("")) == 25
    assert parse_window("day") is None and parse_window("90m") == timedelta(minutes=90)
    with pytest.raises(ValueError):
        parse_window("soon")
