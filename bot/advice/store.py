"""Subscriptions and the post log, on SQLite or PostgreSQL through the same statements."""

from __future__ import annotations

import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from ..store.database import Database, default_database_url
from ..store.migrations import MIGRATIONS
from .schedule import Subscription

SUBSCRIPTION_COLUMNS = (
    "platform, channel, workspace, local_time, timezone, weekdays_only, created_by, "
    "schedule_since, failures, broken, broken_reason"
)
POST_COLUMNS = (
    "platform, channel, local_date, status, attempts, claimed_by, claimed_at, lease_until, "
    "advice_key, message_id, sent_at, error"
)


@dataclass(frozen=True)
class Claim:
    """The right to post one channel's advice for one local date, until the lease ends."""

    platform: str
    channel: str
    day: date
    token: str
    attempt: int
    # For a taken-over claim (attempt > 1): the claim time of the earliest earlier attempt that
    # may have posted without recording it, and of the attempt just taken over. An earlier
    # post, if any, went out between the two (plus that attempt's send time).
    unverified_since: datetime | None = None
    previous_claimed_at: datetime | None = None


@dataclass(frozen=True)
class PostRecord:
    """A row of the post log: claimed (maybe being sent, maybe crashed) or sent."""

    platform: str
    channel: str
    day: date
    status: str
    attempts: int
    claimed_by: str
    claimed_at: datetime
    lease_until: datetime
    advice_key: str | None
    message_id: str | None
    sent_at: datetime | None
    error: str | None


class AdviceStore:
    """Subscriptions and post claims; every method is one short statement or transaction."""

    def __init__(self, db: Database, owner: str | None = None) -> None:
        self.db = db
        # Who holds a claim, for operators reading the post log (host:pid:random).
        self.owner = owner or f"{socket.gethostname()}:{uuid.uuid4().hex[:6]}"

    @classmethod
    def open(cls, url: str | None = None, owner: str | None = None) -> AdviceStore:
        """Connect (default: a SQLite file in the user's data folder) and migrate the schema."""
        db = Database(url or default_database_url())
        db.migrate(MIGRATIONS)
        return cls(db, owner)

    def close(self) -> None:
        self.db.close()

    def ping(self) -> bool:
        """Whether the database answers (for readiness checks)."""
        return self.db.fetchone("SELECT 1") == (1,)

    # -- subscriptions -------------------------------------------------------------------------

    def save_subscription(self, sub: Subscription) -> None:
        """Insert or replace a channel's subscription (one schedule per channel, never two)."""
        self.db.execute(
            f"INSERT INTO advice_subscriptions ({SUBSCRIPTION_COLUMNS}, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (platform, channel) DO UPDATE SET workspace = excluded.workspace, "
            "local_time = excluded.local_time, timezone = excluded.timezone, "
            "weekdays_only = excluded.weekdays_only, created_by = excluded.created_by, "
            "schedule_since = excluded.schedule_since, failures = excluded.failures, "
            "broken = excluded.broken, broken_reason = excluded.broken_reason",
            (
                sub.platform,
                sub.channel,
                sub.workspace,
                f"{sub.local_time:%H:%M}",
                sub.timezone,
                int(sub.weekdays_only),
                sub.created_by,
                _epoch(sub.since),
                sub.failures,
                int(sub.broken),
                sub.broken_reason,
                _epoch(datetime.now(UTC)),
            ),
        )

    def delete_subscription(self, platform: str, channel: str) -> bool:
        """Remove a channel's subscription; False when there was none."""
        return bool(
            self.db.execute(
                "DELETE FROM advice_subscriptions WHERE platform = ? AND channel = ?",
                (platform, channel),
            )
        )

    def subscription(self, platform: str, channel: str) -> Subscription | None:
        """A channel's subscription, or None."""
        row = self.db.fetchone(
            f"SELECT {SUBSCRIPTION_COLUMNS} FROM advice_subscriptions "
            "WHERE platform = ? AND channel = ?",
            (platform, channel),
        )
        return _subscription(row) if row else None

    def subscriptions(self, platform: str | None = None) -> list[Subscription]:
        """Every subscription (of one platform when given), broken ones included."""
        sql = f"SELECT {SUBSCRIPTION_COLUMNS} FROM advice_subscriptions"
        params: tuple[str, ...] = ()
        if platform:
            sql += " WHERE platform = ?"
            params = (platform,)
        return [_subscription(row) for row in self.db.fetchall(sql + " ORDER BY 1, 2", params)]

    def record_failure(
        self, platform: str, channel: str, reason: str, broken_after: int
    ) -> Subscription | None:
        """Count a rejected post; the channel is marked broken at `broken_after` in a row."""
        with self.db.transaction():
            self.db.execute(
                "UPDATE advice_subscriptions SET failures = failures + 1, broken_reason = ?, "
                "broken = CASE WHEN failures + 1 >= ? THEN 1 ELSE broken END "
                "WHERE platform = ? AND channel = ?",
                (reason, broken_after, platform, channel),
            )
            return self.subscription(platform, channel)

    def record_success(self, platform: str, channel: str) -> None:
        """A post went through: the failure count starts again from zero."""
        self.db.execute(
            "UPDATE advice_subscriptions SET failures = 0, broken_reason = NULL "
            "WHERE platform = ? AND channel = ? AND failures > 0",
            (platform, channel),
        )

    # -- the post log --------------------------------------------------------------------------

    def claim(
        self, platform: str, channel: str, day: date, now: datetime, lease: timedelta
    ) -> Claim | None:
        """Win the right to post (channel, day), or None if it is sent or someone holds it.

        A new row is inserted with ON CONFLICT DO NOTHING: of several racing replicas exactly
        one inserts. A row still `claimed` whose lease has run out (its owner crashed, or asked
        for a retry) is taken over by one conditional UPDATE, which again only one can win.
        """
        token = uuid.uuid4().hex
        stamp, until = _epoch(now), _epoch(now + lease)
        key = (platform, channel, day.isoformat())
        inserted = self.db.execute(
            "INSERT INTO advice_posts (platform, channel, local_date, status, claim_token, "
            "claimed_by, claimed_at, lease_until, attempts) "
            "VALUES (?, ?, ?, 'claimed', ?, ?, ?, ?, 1) ON CONFLICT DO NOTHING",
            (*key, token, self.owner, stamp, until),
        )
        if inserted:
            return Claim(platform, channel, day, token, 1)
        with self.db.transaction():
            # SET reads the row as it was: the attempt taken over becomes `previous`, and the
            # earliest unverified one is kept (or becomes the one taken over).
            taken = self.db.execute(
                "UPDATE advice_posts SET claim_token = ?, claimed_by = ?, claimed_at = ?, "
                "lease_until = ?, attempts = attempts + 1, "
                "check_from = COALESCE(check_from, claimed_at), "
                "previous_claimed_at = claimed_at "
                "WHERE platform = ? AND channel = ? AND local_date = ? "
                "AND status = 'claimed' AND lease_until <= ?",
                (token, self.owner, stamp, until, *key, stamp),
            )
            if not taken:
                return None
            row = self.db.fetchone(
                "SELECT attempts, check_from, previous_claimed_at FROM advice_posts "
                "WHERE platform = ? AND channel = ? AND local_date = ?",
                key,
            )
        if row is None:
            return Claim(platform, channel, day, token, 2)
        attempts, since, previous = row
        return Claim(
            platform, channel, day, token, int(attempts), _instant(since), _instant(previous)
        )

    def mark_sent(
        self, claim: Claim, message_id: str, advice_key: str | None, now: datetime
    ) -> bool:
        """Record the message id; False when the claim was lost meanwhile (lease expired)."""
        return bool(
            self.db.execute(
                "UPDATE advice_posts SET status = 'sent', message_id = ?, advice_key = ?, "
                "sent_at = ?, error = NULL "
                "WHERE platform = ? AND channel = ? AND local_date = ? AND claim_token = ?",
                (message_id, advice_key, _epoch(now), *_claim_key(claim), claim.token),
            )
        )

    def release(
        self, claim: Claim, retry_at: datetime, error: str, *, checked: bool = False
    ) -> None:
        """Give a claim back after a failed send: anyone may retry it from `retry_at`.

        `checked`: the sender made sure no earlier attempt had posted, so the next retry need
        only look for this attempt's post."""
        self.db.execute(
            "UPDATE advice_posts SET lease_until = ?, error = ?, "
            "check_from = CASE WHEN ? = 1 THEN NULL ELSE check_from END "
            "WHERE platform = ? AND channel = ? AND local_date = ? AND claim_token = ? "
            "AND status = 'claimed'",
            (_epoch(retry_at), error[:500], int(checked), *_claim_key(claim), claim.token),
        )

    def post(self, platform: str, channel: str, day: date) -> PostRecord | None:
        """The post log row for (channel, day), or None."""
        row = self.db.fetchone(
            f"SELECT {POST_COLUMNS} FROM advice_posts "
            "WHERE platform = ? AND channel = ? AND local_date = ?",
            (platform, channel, day.isoformat()),
        )
        return _post(row) if row else None

    def posts(self, platform: str | None = None, channel: str | None = None) -> list[PostRecord]:
        """Post log rows, newest day first (all, one platform's, or one channel's)."""
        sql, params = f"SELECT {POST_COLUMNS} FROM advice_posts WHERE 1 = 1", []
        if platform:
            sql += " AND platform = ?"
            params.append(platform)
        if channel:
            sql += " AND channel = ?"
            params.append(channel)
        rows = self.db.fetchall(sql + " ORDER BY local_date DESC, platform, channel", params)
        return [_post(row) for row in rows]

    def unfinished(self, now: datetime) -> list[PostRecord]:
        """Claims not sent yet whose lease still runs: being sent right now, or (with an
        `error`) waiting for their retry at `lease_until`."""
        rows = self.db.fetchall(
            f"SELECT {POST_COLUMNS} FROM advice_posts "
            "WHERE status = 'claimed' AND lease_until > ? ORDER BY lease_until, platform, channel",
            (_epoch(now),),
        )
        return [_post(row) for row in rows]

    def next_lease_expiry(self, now: datetime) -> datetime | None:
        """When the next unfinished claim may be retried (only leases still running count)."""
        row = self.db.fetchone(
            "SELECT MIN(lease_until) FROM advice_posts "
            "WHERE status = 'claimed' AND lease_until > ?",
            (_epoch(now),),
        )
        return _instant(row[0]) if row and row[0] is not None else None


def _claim_key(claim: Claim) -> tuple[str, str, str]:
    return claim.platform, claim.channel, claim.day.isoformat()


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _instant(seconds: int | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(int(seconds), UTC)


def _claim_instant(seconds: int) -> datetime:
    # Every post row is made by a claim, which sets claimed_at and lease_until.
    return datetime.fromtimestamp(int(seconds), UTC)


def _subscription(row: tuple) -> Subscription:
    hour, minute = (int(part) for part in row[3].split(":"))
    return Subscription(
        platform=row[0],
        channel=row[1],
        workspace=row[2],
        local_time=time(hour, minute),
        timezone=row[4],
        weekdays_only=bool(row[5]),
        created_by=row[6],
        since=_instant(row[7]) or datetime(2000, 1, 1, tzinfo=UTC),
        failures=int(row[8]),
        broken=bool(row[9]),
        broken_reason=row[10],
    )


def _post(row: tuple) -> PostRecord:
    return PostRecord(
        platform=row[0],
        channel=row[1],
        day=date.fromisoformat(row[2]),
        status=row[3],
        attempts=int(row[4]),
        claimed_by=row[5],
        claimed_at=_claim_instant(row[6]),
        lease_until=_claim_instant(row[7]),
        advice_key=row[8],
        message_id=row[9],
        sent_at=_instant(row[10]),
        error=row[11],
    )
