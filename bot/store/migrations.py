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
]
MIGRATIONS.append(
    (
        2,
        "podcast feeds and their episodes",
        (
            # One row per followed feed: conditional-GET validators, poll state, and the claim
            # (claimed_by, claim_until) that lets one replica poll it per interval.
            """CREATE TABLE feeds (
                name TEXT PRIMARY KEY,
                url TEXT NOT NULL UNIQUE,
                origin TEXT NOT NULL DEFAULT 'cli',
                transcribe INTEGER NOT NULL DEFAULT 0,
                title TEXT NOT NULL DEFAULT '',
                added_at BIGINT NOT NULL,
                etag TEXT,
                last_modified TEXT,
                feed_digest TEXT,
                last_poll_at BIGINT,
                last_success_at BIGINT,
                last_error TEXT,
                next_poll_at BIGINT NOT NULL DEFAULT 0,
                claimed_by TEXT NOT NULL DEFAULT '',
                claim_until BIGINT NOT NULL DEFAULT 0,
                changed_at BIGINT NOT NULL DEFAULT 0
            )""",
            # One row per item (guid) ever seen: its files, the digest of what the poll wrote
            # to each (a differing file was edited by hand), and its transcript's status.
            """CREATE TABLE feed_episodes (
                feed TEXT NOT NULL,
                guid TEXT NOT NULL,
                stem TEXT NOT NULL,
                title TEXT NOT NULL,
                published TEXT,
                in_feed INTEGER NOT NULL DEFAULT 1,
                links_digest TEXT NOT NULL DEFAULT '',
                transcript_url TEXT,
                transcript_type TEXT,
                transcript_file TEXT,
                transcript_status TEXT NOT NULL DEFAULT 'none',
                files TEXT NOT NULL DEFAULT '{}',
                stamps TEXT NOT NULL DEFAULT '{}',
                hand_edited TEXT NOT NULL DEFAULT '',
                error TEXT,
                note TEXT,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (feed, guid)
            )""",
            "CREATE INDEX feed_episodes_by_stem ON feed_episodes (feed, stem)",
        ),
    )
)
