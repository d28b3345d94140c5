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
    (
        3,
        "transcription queue",
        (
            # One row per episode to transcribe; `episode_key` is the caller's stable id (a
            # feed's GUID, or the output path). `status` is queued, running, done or failed; a
            # running row whose lease ran out belongs to a worker that died and is redone.
            """CREATE TABLE transcription_jobs (
                episode_key TEXT PRIMARY KEY,
                request TEXT NOT NULL,
                output_path TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                claimed_by TEXT NOT NULL DEFAULT '',
                lease_until BIGINT NOT NULL DEFAULT 0,
                audio_seconds REAL,
                done_seconds REAL,
                message TEXT,
                queued_at BIGINT NOT NULL,
                started_at BIGINT,
                finished_at BIGINT
            )""",
            "CREATE INDEX transcription_jobs_next ON transcription_jobs (status, queued_at)",
        ),
    ),
]
MIGRATIONS.append(
    (
        4,
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
