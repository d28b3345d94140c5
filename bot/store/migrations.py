"""The schema, as an ordered list of migrations: append, never edit one that has shipped."""

from __future__ import annotations

# (version, name, statements). Types are the ones SQLite and PostgreSQL both read the same way:
# TEXT, INTEGER (0/1 for flags), BIGINT (Unix seconds for instants).
MIGRATIONS: list[tuple[int, str, tuple[str, ...]]] = [
    (
        1,
        "advice subscriptions and post log",
        (
            """CREATE TABLE advice_subscriptions (
                platform TEXT NOT NULL,
                channel TEXT NOT NULL,
                workspace TEXT NOT NULL DEFAULT '',
                local_time TEXT NOT NULL,
                timezone TEXT NOT NULL,
                weekdays_only INTEGER NOT NULL DEFAULT 0,
                created_by TEXT NOT NULL DEFAULT '',
                created_at BIGINT NOT NULL,
                schedule_since BIGINT NOT NULL,
                failures INTEGER NOT NULL DEFAULT 0,
                broken INTEGER NOT NULL DEFAULT 0,
                broken_reason TEXT,
                PRIMARY KEY (platform, channel)
            )""",
            # The primary key is the UNIQUE (platform, channel, local_date) every claim races on.
            """CREATE TABLE advice_posts (
                platform TEXT NOT NULL,
                channel TEXT NOT NULL,
                local_date TEXT NOT NULL,
                status TEXT NOT NULL,
                claim_token TEXT NOT NULL,
                claimed_by TEXT NOT NULL DEFAULT '',
                claimed_at BIGINT NOT NULL,
                lease_until BIGINT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 1,
                advice_key TEXT,
                message_id TEXT,
                sent_at BIGINT,
                error TEXT,
                PRIMARY KEY (platform, channel, local_date)
            )""",
            "CREATE INDEX advice_posts_pending ON advice_posts (status, lease_until)",
        ),
    ),
    (
        2,
        "post log: the attempts a retry must look for",
        (
            # When the earliest attempt that may have posted unseen (crashed, timed out) was
            # claimed, and when the attempt being taken over was: the window a retry searches
            # for an earlier post instead of reading the channel's whole day.
            "ALTER TABLE advice_posts ADD COLUMN check_from BIGINT",
            "ALTER TABLE advice_posts ADD COLUMN previous_claimed_at BIGINT",
        ),
    ),
]
