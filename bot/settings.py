"""Configuration: environment variables first, then an optional YAML file, then defaults.

Read once at start-up into a Settings object and passed down; nothing reads the environment
behind its back. Secrets (tokens) are accepted from the environment only and never printed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

from .errors import QuotebotError
from .times import ScheduleError, parse_local_time, parse_window, resolve_timezone

CONFIG_ENV = "QUOTEBOT_CONFIG"


class ConfigError(QuotebotError):
    """A configuration value that cannot be used; the message names the key."""


def _text(value: str) -> str:
    return value.strip()


def _int(value: str) -> int:
    # int()'s own message ("invalid literal for int() with base 10") is Python's, not ours.
    text = value.strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError(f"expected a whole number, got “{text}”")
    return int(text)


def _port(value: str) -> int:
    number = _int(value)
    if not 1 <= number <= 65535:
        raise ValueError(f"expected a port number from 1 to 65535, got {number}")
    return number


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _log_level(value: str) -> str:
    level = value.strip().upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"expected one of {', '.join(LOG_LEVELS)}, got “{value.strip()}”")
    return level


def _snowflake(value: str) -> int:
    text = value.strip()
    if not text.isdigit():
        raise ValueError(f"expected a numeric Discord id (Copy Server ID), got “{text}”")
    return int(text)


def _url(*schemes: str) -> Callable[[str], str]:
    """A parser for a URL with one of `schemes` and a host."""

    def parse(value: str) -> str:
        text = value.strip()
        parts = urlsplit(text)
        if parts.scheme not in schemes or not parts.netloc:
            shown = " or ".join(f"{scheme}://" for scheme in schemes)
            raise ValueError(f"expected a {shown} URL with a host, got “{text}”")
        return text

    return parse


DATABASE_SCHEMES = ("sqlite", "postgresql", "postgres", "postgresql+psycopg")


def _database_url(value: str) -> str:
    text = value.strip()
    scheme, found, rest = text.partition("://")
    if not found:
        return text  # a plain SQLite file path
    if scheme not in DATABASE_SCHEMES:
        raise ValueError(
            f"expected sqlite:///path or postgresql://user@host/db, got a {scheme}:// URL"
        )
    if scheme != "sqlite" and not urlsplit(text).hostname and "host=" not in text:
        raise ValueError("a postgresql:// URL needs a host (postgresql://user@host:5432/db)")
    return text


def _shard_ids(value: str) -> str:
    text = value.strip()
    if text != "ordinal" and not re.fullmatch(r"\d+(\s*,\s*\d+)*", text):
        raise ValueError(f"expected shard numbers like 0,2 or `ordinal`, got “{text}”")
    return text


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected true or false")


def _shards(value: str) -> str | int:
    text = value.strip().lower()
    if text == "auto":
        return text
    if not text.isdigit() or int(text) < 1:
        raise ValueError("expected auto or a shard count of at least 1")
    return int(text)


def _log_format(value: str) -> str:
    if value not in {"text", "json"}:
        raise ValueError("expected text or json")
    return value


def _hhmm(value: str) -> str:
    try:
        return f"{parse_local_time(value):%H:%M}"
    except ScheduleError as exc:
        raise ValueError(str(exc)) from None


def _zone(value: str) -> str:
    try:
        return resolve_timezone(value)
    except ScheduleError as exc:
        raise ValueError(str(exc)) from None


def _window(value: str) -> str:
    try:
        parse_window(value)
    except ScheduleError as exc:
        raise ValueError(str(exc)) from None
    return value.strip().lower() or "day"


def _speakers(value: str) -> str:
    if value.strip().lower() not in {"guests", "any"}:
        raise ValueError("expected guests or any")
    return value.strip().lower()


def _colour(value: str) -> str:
    match = re.fullmatch(r"#?([0-9a-fA-F]{6})", value.strip())
    if not match:
        raise ValueError(f"expected a colour like #1d2330, got {value.strip()!r}")
    return "#" + match.group(1).lower()


def _public_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise ValueError("expected the bot's public address, like https://quotes.example.com")
    return value.strip().rstrip("/")


def _duration(value: str) -> int:
    """Seconds from `30m`, `1h`, `90s` or a bare number of seconds."""
    match = re.fullmatch(r"(\d+)\s*([smh]?)", value.strip().lower())
    if not match or int(match.group(1)) < 1:
        raise ValueError("expected a duration like 30m, 1h or 900 (seconds)")
    return int(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 < number <= 3600:
        raise ValueError("expected a number of seconds between 0 and 3600")
    return number


def _size(value: str) -> int:
    """Bytes from `32MiB`, `512KiB`, `16MB` or a bare number of bytes."""
    match = re.fullmatch(r"(\d+)\s*([kmg]i?b?)?", value.strip().lower())
    if not match or int(match.group(1)) < 1:
        raise ValueError("expected a size like 16MiB, 512KiB or a number of bytes")
    unit = (match.group(2) or "b")[0]
    return int(match.group(1)) * {"b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit]


def feed_name_for(url: str) -> str:
    """A feed's default name from its URL: `https://feeds.example.com/pod/rss` -> `example-pod`."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.").removeprefix("feeds.")
    host = host.split(".")[0] if host.count(".") >= 1 else host
    words = [w for w in parts.path.split("/") if w and w.lower() not in FEED_PATH_NOISE]
    tail = re.sub(r"\.(xml|rss)$", "", words[-1]) if words else ""
    name = re.sub(r"[^a-z0-9]+", "-", f"{host} {tail}".lower()).strip("-")
    return name[:40].strip("-") or "feed"


FEED_PATH_NOISE = frozenset({"feed", "feeds", "rss", "podcast", "rss.xml", "feed.xml", "index.xml"})


def _feeds(value: Any) -> tuple[dict[str, Any], ...]:
    """The `feeds:` list: URLs, or mappings of url, name and transcribe (true to transcribe
    episodes that publish no transcript). From the environment: URLs separated by spaces."""
    entries = value.split() if isinstance(value, str) else value
    if entries is None:
        return ()
    if not isinstance(entries, list):
        raise ValueError("expected a list of feed URLs or {url, name, transcribe} mappings")
    feeds: list[dict[str, Any]] = []
    for position, entry in enumerate(entries, 1):
        if isinstance(entry, str):
            entry = {"url": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            raise ValueError(f"entry {position} needs a url")
        unknown = set(entry) - {"url", "name", "transcribe"}
        if unknown:
            raise ValueError(f"entry {position}: unknown key {sorted(unknown)[0]}")
        url = entry["url"].strip()
        if not re.match(r"https?://[^/\s]+", url):
            raise ValueError(f"entry {position}: {url!r} is not an http(s) URL")
        name = str(entry.get("name") or feed_name_for(url)).strip()
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,59}", name):
            raise ValueError(
                f"entry {position}: name {name!r} must be lower-case letters, digits, -"
            )
        transcribe = entry.get("transcribe", False)
        if not isinstance(transcribe, bool):
            raise ValueError(f"entry {position}: transcribe must be true or false")
        if any(feed["url"] == url for feed in feeds):
            raise ValueError(f"entry {position}: {url} is listed twice")
        if any(feed["name"] == name for feed in feeds):
            raise ValueError(f"entry {position}: two feeds are named {name}: give one a name")
        feeds.append({"url": url, "name": name, "transcribe": transcribe})
    return tuple(feeds)


def _positive(value: str) -> int:
    number = _int(value)
    if number < 1:
        raise ValueError("expected a whole number of at least 1")
    return number


# A daily post's send may take up to 30 s (bot/advice/scheduler.py SEND_TIMEOUT); a claim's
# lease must outlast it with room to record the result, or a second process could take the
# claim over mid-send and post twice.
MIN_LEASE = 60


def _lease(value: str) -> int:
    number = _int(value)
    if number < MIN_LEASE:
        raise ValueError(
            f"expected at least {MIN_LEASE} seconds (a send may take 30 s), got {number}"
        )
    return number


def _threads(value: str) -> int:
    number = _int(value)
    if number < 0:
        raise ValueError("expected 0 (every core but one) or a number of threads")
    return number


def _voices(value: str) -> int | None:
    text = value.strip().lower()
    if text == "auto":
        return None
    if not text.isdigit() or int(text) < 1:
        raise ValueError("expected auto or a number of speakers of at least 1")
    return int(text)


@dataclass(frozen=True)
class Option:
    """One setting: its environment variable, YAML key, default and how to read it."""

    env: str
    default: Any
    parse: Callable[[str], Any]
    help: str
    secret: bool = False
    # Structured values (a YAML list) reach the parser as read, not as text.
    structured: bool = False

    @property
    def key(self) -> str:
        """The attribute and YAML name: the variable in lower case without QUOTEBOT_."""
        return self.env.removeprefix("QUOTEBOT_").lower()


OPTIONS: tuple[Option, ...] = (
    Option("QUOTEBOT_CORPUS", None, _text, "folder of transcripts (default: bundled seeds)"),
    Option("QUOTEBOT_INDEX", None, _text, "search index cache file (default: user cache)"),
    Option(
        "DATABASE_URL", None, _database_url, "sqlite:///path or postgresql://… for subscriptions"
    ),
    Option("QUOTEBOT_HOST", "0.0.0.0", _text, "address the HTTP server listens on"),
    Option("QUOTEBOT_PORT", 3000, _port, "HTTP port: Slack events, health, metrics"),
    Option("QUOTEBOT_LOG_LEVEL", "INFO", _log_level, "DEBUG, INFO, WARNING or ERROR"),
    Option("QUOTEBOT_LOG_FORMAT", "text", _log_format, "text, or json for one object a line"),
    Option("SLACK_BOT_TOKEN", None, _text, "Slack bot token (xoxb-…)", secret=True),
    Option("SLACK_SIGNING_SECRET", None, _text, "Slack signing secret (HTTP mode)", secret=True),
    Option(
        "SLACK_APP_TOKEN",
        None,
        _text,
        "Slack app-level token (xapp-…) for Socket Mode",
        secret=True,
    ),
    Option(
        "SLACK_API_URL", None, _url("https", "http"), "Slack Web API base URL (GovSlack, tests)"
    ),
    Option("DISCORD_TOKEN", None, _text, "Discord bot token", secret=True),
    Option(
        "QUOTEBOT_DISCORD_SHARD_IDS",
        None,
        _shard_ids,
        "shards this process runs: 0,2 or `ordinal` (a StatefulSet pod's own)",
    ),
    Option(
        "DISCORD_API_URL", None, _url("https", "http"), "Discord REST base URL (proxies, tests)"
    ),
    Option("DISCORD_GATEWAY_URL", None, _url("wss", "ws"), "Discord gateway URL (proxies, tests)"),
    Option("DISCORD_GUILD_ID", None, _snowflake, "sync commands to this guild only (development)"),
    Option("QUOTEBOT_DISCORD_PUBLIC", False, _bool, "answer /quote in public on Discord"),
    Option("QUOTEBOT_DISCORD_SHARDS", None, _shards, "auto, or a shard count, for large installs"),
    Option(
        "QUOTEBOT_DISCORD_SYNC_STATE",
        None,
        _text,
        "file recording the last Discord command sync (default: user state folder)",
    ),
    Option(
        "QUOTEBOT_ADVICE_FILE", None, _text, "advice curation YAML (default: advice.yaml in corpus)"
    ),
    Option("QUOTEBOT_ADVICE_SPEAKERS", "guests", _speakers, "advice from guests, or any speaker"),
    Option("QUOTEBOT_DAILY_TIME", "09:00", _hhmm, "default daily advice time (HH:MM)"),
    Option("QUOTEBOT_DAILY_TIMEZONE", "UTC", _zone, "default zone where the platform has none"),
    Option("QUOTEBOT_DAILY_CATCHUP", "day", _window, "late posts allowed: day, or e.g. 2h, 90m"),
    Option("QUOTEBOT_DAILY_BROKEN_AFTER", 3, _positive, "failed posts before a channel is broken"),
    Option(
        "QUOTEBOT_DAILY_LEASE",
        120,
        _lease,
        "seconds a claim is held before another process may take it over (at least 60)",
    ),
    Option(
        "QUOTEBOT_DAILY_RETRY",
        300,
        _positive,
        "seconds before a daily post that failed (rate limit, outage) is tried again",
    ),
    Option(
        "QUOTEBOT_SLACK_DAILY_ANYONE", False, _bool, "anyone (not only admins) runs /quote-daily"
    ),
    Option(
        "QUOTEBOT_PUBLIC_URL",
        None,
        _public_url,
        "public address of the quote pages; chat answers link to them when set",
    ),
    Option("QUOTEBOT_CARD_BACKGROUND", "#1d2330", _colour, "quote card background colour"),
    Option("QUOTEBOT_CARD_TEXT", "#f7f4ec", _colour, "quote card text colour"),
    Option("QUOTEBOT_CARD_ACCENT", "#f2b33d", _colour, "quote card accent colour (bar, speaker)"),
    Option("QUOTEBOT_CARD_ARTWORK", None, _text, "image file shown in the quote card's corner"),
    Option(
        "QUOTEBOT_TRANSCRIBE_MODEL",
        "base.en",
        _text,
        "Whisper model for `quotebot transcribe`: a name (base.en, small.en …) or a folder",
    ),
    Option(
        "QUOTEBOT_TRANSCRIBE_THREADS",
        0,
        _threads,
        "CPU threads for transcription (0: every core but one)",
    ),
    Option(
        "QUOTEBOT_TRANSCRIBE_SPEAKERS",
        None,
        _voices,
        "voices in an episode when the feed lists no hosts and guests: auto or a number",
    ),
    Option(
        "QUOTEBOT_FEEDS",
        (),
        _feeds,
        "podcast feeds to follow: URLs, or (YAML) {url, name, transcribe} entries",
        structured=True,
    ),
    Option("QUOTEBOT_FEEDS_INTERVAL", 1800, _duration, "how often each feed is polled (30m, 1h)"),
    Option(
        "QUOTEBOT_RESCAN_INTERVAL",
        300,
        _duration,
        "how often the corpus is rescanned for files changed by hand or by another replica",
    ),
    Option(
        "QUOTEBOT_FEEDS_ALLOW_PRIVATE",
        False,
        _bool,
        "let feed URLs reach private, loopback and link-local addresses",
    ),
    Option("QUOTEBOT_FEEDS_MAX_FEED_BYTES", 32 * 1024**2, _size, "size cap of a feed (32MiB)"),
    Option(
        "QUOTEBOT_FEEDS_MAX_TRANSCRIPT_BYTES",
        16 * 1024**2,
        _size,
        "size cap of a transcript or chapters file (16MiB)",
    ),
    Option("QUOTEBOT_FEEDS_CONNECT_TIMEOUT", 10.0, _seconds, "seconds to connect to a feed host"),
    Option("QUOTEBOT_FEEDS_READ_TIMEOUT", 30.0, _seconds, "seconds a feed host may pause sending"),
    Option("QUOTEBOT_FEEDS_DEADLINE", 120.0, _seconds, "seconds one whole download may take"),
)
OPTION_BY_KEY = {option.key: option for option in OPTIONS}


@dataclass(frozen=True)
class Settings:
    """The effective configuration: one declared, typed field per option in OPTIONS.

    OPTIONS stays the single list of variables, defaults, parsers and help; the fields here
    give each a type the checker sees (a test keeps the two in step). `sources` says where
    each value came from.
    """

    corpus: str | None = None
    index: str | None = None
    database_url: str | None = None
    host: str = "0.0.0.0"
    port: int = 3000
    log_level: str = "INFO"
    log_format: str = "text"
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str | None = None
    discord_token: str | None = None
    discord_shard_ids: str | None = None
    discord_api_url: str | None = None
    discord_gateway_url: str | None = None
    discord_guild_id: int | None = None
    discord_public: bool = False
    discord_shards: str | int | None = None
    discord_sync_state: str | None = None
    advice_file: str | None = None
    advice_speakers: str = "guests"
    daily_time: str = "09:00"
    daily_timezone: str = "UTC"
    daily_catchup: str = "day"
    daily_broken_after: int = 3
    daily_lease: int = 120
    daily_retry: int = 300
    slack_daily_anyone: bool = False
    public_url: str | None = None
    card_background: str = "#1d2330"
    card_text: str = "#f7f4ec"
    card_accent: str = "#f2b33d"
    card_artwork: str | None = None
    transcribe_model: str = "base.en"
    transcribe_threads: int = 0
    transcribe_speakers: int | None = None
    feeds: tuple[dict[str, Any], ...] = ()
    feeds_interval: int = 1800
    rescan_interval: int = 300
    feeds_allow_private: bool = False
    feeds_max_feed_bytes: int = 32 * 1024**2
    feeds_max_transcript_bytes: int = 16 * 1024**2
    feeds_connect_timeout: float = 10.0
    feeds_read_timeout: float = 30.0
    feeds_deadline: float = 120.0
    sources: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        environ: Mapping[str, str] | None = None,
        config_file: Path | str | None = None,
    ) -> Settings:
        """Read the environment and the optional YAML file; raise ConfigError naming a bad key."""
        environ = os.environ if environ is None else environ
        path = config_file or environ.get(CONFIG_ENV)
        from_file = _read_yaml(Path(path)) if path else {}
        values: dict[str, Any] = {}
        sources: dict[str, str] = {}
        for option in OPTIONS:
            raw: Any = None
            if environ.get(option.env, "").strip():
                raw, source = environ[option.env], f"env {option.env}"
            elif option.key in from_file:
                raw, source = from_file[option.key], f"file {path}"
            if raw is None:
                values[option.key], sources[option.key] = option.default, "default"
                continue
            try:
                values[option.key] = option.parse(raw if option.structured else str(raw))
            except ValueError as exc:
                name = option.env if source.startswith("env") else f"{option.key} in {path}"
                raise ConfigError(f"{name}: {exc}") from None
            sources[option.key] = source
        return cls(**values, sources=sources)

    def secret_values(self) -> list[str]:
        """Every configured value that must never reach a log line (tokens, the database URL,
        which may hold a password)."""
        names = [option.key for option in OPTIONS if option.secret] + ["database_url"]
        values = [getattr(self, name) for name in names]
        return [str(value) for value in values if value]

    def describe(self) -> list[tuple[str, str, str]]:
        """(variable, value with secrets masked, where it came from) for every option."""
        rows = []
        for option in OPTIONS:
            value = getattr(self, option.key)
            shown = mask(value) if option.secret else ("" if value is None else str(value))
            if option.env == "DATABASE_URL" and value:
                shown = redact_url(shown)
            if option.key == "feeds":
                shown = ", ".join(f"{feed['name']}={feed['url']}" for feed in value) or "(none)"
            rows.append((option.env, shown, self.sources.get(option.key, "default")))
        return rows


def redact_url(url: str) -> str:
    """A URL with its password replaced: `postgresql://bot:***@db:5432/quotebot`."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def mask(value: Any) -> str:
    """A secret as `set (…abcd)` style text: enough to tell tokens apart, not to use one."""
    if not value:
        return "(not set)"
    text = str(value)
    return f"set (…{text[-4:]})" if len(text) >= 16 else "set"


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"{CONFIG_ENV}: no such file: {path}") from None
    except OSError as exc:
        raise ConfigError(f"{CONFIG_ENV}: cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{CONFIG_ENV}: {path} is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise ConfigError(f"{where}: not valid YAML") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of key: value")
    result: dict[str, Any] = {}
    for key, value in data.items():
        name = str(key).lower()
        option = OPTION_BY_KEY.get(name)
        if option is None:
            known = ", ".join(sorted(OPTION_BY_KEY))
            raise ConfigError(f"{path}: unknown key `{key}` (known keys: {known})")
        if option.secret:
            raise ConfigError(
                f"{path}: `{key}` is a secret: set it in the environment as {option.env}"
            )
        result[name] = value
    return result
