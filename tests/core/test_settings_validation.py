"""Every setting is checked when it is read: a bad value stops `quotebot config` and the bots at
start with one line naming the variable, never later with a traceback."""

from __future__ import annotations

import pytest

from bot.cli.command import main
from bot.settings import OPTIONS, ConfigError, Settings

# One value per setting that must be refused, with words the one-line message must contain.
BAD_VALUES: dict[str, tuple[str, str]] = {
    "DATABASE_URL": ("mysql://db/quotebot", "expected sqlite:///path or postgresql://"),
    "QUOTEBOT_PORT": ("abc", "expected a whole number, got “abc”"),
    "QUOTEBOT_LOG_LEVEL": ("verbose", "expected one of DEBUG, INFO, WARNING, ERROR"),
    "QUOTEBOT_LOG_FORMAT": ("yaml", "expected text or json"),
    "SLACK_API_URL": ("slack.example.com", "expected a https:// or http:// URL"),
    "QUOTEBOT_DISCORD_SHARD_IDS": ("one,two", "expected shard numbers like 0,2"),
    "DISCORD_API_URL": ("discord", "expected a https:// or http:// URL"),
    "DISCORD_GATEWAY_URL": ("https://gateway.discord.gg", "expected a wss:// or ws:// URL"),
    "DISCORD_GUILD_ID": ("my server", "expected a numeric Discord id"),
    "QUOTEBOT_DISCORD_PUBLIC": ("maybe", "expected true or false"),
    "QUOTEBOT_DISCORD_SHARDS": ("lots", "expected auto or a shard count"),
    "QUOTEBOT_ADVICE_SPEAKERS": ("hosts", "expected guests or any"),
    "QUOTEBOT_DAILY_TIME": ("25:00", ""),
    "QUOTEBOT_DAILY_TIMEZONE": ("Mars/Olympus", ""),
    "QUOTEBOT_DAILY_CATCHUP": ("soon", "expected `day` or a duration"),
    "QUOTEBOT_DAILY_BROKEN_AFTER": ("0", "at least 1"),
    "QUOTEBOT_DAILY_LEASE": ("10", "expected at least 60 seconds"),
    "QUOTEBOT_DAILY_RETRY": ("5 minutes", "expected a whole number"),
    "QUOTEBOT_SLACK_DAILY_ANYONE": ("everyone", "expected true or false"),
    "QUOTEBOT_PUBLIC_URL": ("quotes.example.com", "expected the bot's public address"),
    "QUOTEBOT_CARD_BACKGROUND": ("navy", "expected a colour like #1d2330"),
    "QUOTEBOT_CARD_TEXT": ("white", "expected a colour like #1d2330"),
    "QUOTEBOT_CARD_ACCENT": ("#12345", "expected a colour like #1d2330"),
    "QUOTEBOT_TRANSCRIBE_THREADS": ("-1", "expected 0 (every core but one)"),
    "QUOTEBOT_FEEDS": ("ftp://example.com/feed", "is not an http(s) URL"),
    "QUOTEBOT_FEEDS_INTERVAL": ("often", "expected a duration like 30m"),
    "QUOTEBOT_RESCAN_INTERVAL": ("0", "expected a duration like 30m"),
    "QUOTEBOT_FEEDS_ALLOW_PRIVATE": ("sometimes", "expected true or false"),
    "QUOTEBOT_FEEDS_MAX_FEED_BYTES": ("big", "expected a size like 16MiB"),
    "QUOTEBOT_FEEDS_MAX_TRANSCRIPT_BYTES": ("0", "expected a size like 16MiB"),
    "QUOTEBOT_FEEDS_CONNECT_TIMEOUT": ("0", "expected a number of seconds between 0 and 3600"),
    "QUOTEBOT_FEEDS_READ_TIMEOUT": ("9999", "expected a number of seconds between 0 and 3600"),
    "QUOTEBOT_FEEDS_DEADLINE": ("-1", "expected a number of seconds between 0 and 3600"),
    "QUOTEBOT_TRANSCRIBE_SPEAKERS": ("two", "expected auto or a number of speakers"),
}

# Settings whose parser takes any text: what they name is checked where it is used, at start
# (each has its own test: paths in tests/cli/test_start_up_problems.py, tokens in the Slack and
# Discord start-up tests, the address by binding it).
CHECKED_AT_START = {
    "QUOTEBOT_CORPUS",
    "QUOTEBOT_INDEX",
    "QUOTEBOT_HOST",
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "DISCORD_TOKEN",
    "QUOTEBOT_DISCORD_SYNC_STATE",
    "QUOTEBOT_ADVICE_FILE",
    "QUOTEBOT_CARD_ARTWORK",
    # The model is looked up by `quotebot transcribe` and the worker, one line when missing.
    "QUOTEBOT_TRANSCRIBE_MODEL",
}


def test_every_setting_has_a_refused_value_or_a_start_up_check() -> None:
    """A new setting must say how a wrong value is caught: no setting slips through unchecked."""
    names = {option.env for option in OPTIONS}
    assert names == set(BAD_VALUES) | CHECKED_AT_START
    assert not set(BAD_VALUES) & CHECKED_AT_START


@pytest.mark.parametrize("name", sorted(BAD_VALUES))
def test_a_bad_value_is_refused_when_read_naming_the_variable(name: str) -> None:
    """Settings.load refuses the value with a message that starts with the variable."""
    value, words = BAD_VALUES[name]
    with pytest.raises(ConfigError) as raised:
        Settings.load({name: value})
    message = str(raised.value)
    assert message.startswith(f"{name}: ") and words in message
    assert "\n" not in message and "invalid literal" not in message


@pytest.mark.parametrize("name", sorted(BAD_VALUES))
def test_config_command_refuses_a_bad_value_in_one_line(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`quotebot config` does not print a value the bot would then crash on."""
    monkeypatch.setenv(name, BAD_VALUES[name][0])
    assert main(["config"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"quotebot config: {name}: ") and err.count("\n") == 1


@pytest.mark.parametrize("command", ["run", "advice", "search", "check", "index", "episodes"])
def test_every_command_refuses_a_bad_log_level_in_one_line(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """QUOTEBOT_LOG_LEVEL=verbose stops the bots and the other commands alike, in one line."""
    monkeypatch.setenv("QUOTEBOT_LOG_LEVEL", "verbose")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1111-2222-testtoken")
    argv = [command] + (["layoffs"] if command == "search" else [])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "QUOTEBOT_LOG_LEVEL: expected one of DEBUG, INFO, WARNING, ERROR" in err
    assert err.count("\n") == 1


def test_yaml_values_are_checked_like_the_environment(tmp_path) -> None:
    """A bad value in the YAML file names its key and the file."""
    config = tmp_path / "quotebot.yaml"
    config.write_text("log_level: verbose\n")
    with pytest.raises(ConfigError, match=f"^log_level in {config}: expected one of DEBUG"):
        Settings.load({}, config)


def test_log_levels_are_read_in_any_case() -> None:
    """`debug` is DEBUG: the case of a level is not worth a refusal."""
    assert Settings.load({"QUOTEBOT_LOG_LEVEL": "debug"}).log_level == "DEBUG"


def test_a_config_file_that_cannot_be_read_names_quotebot_config(tmp_path) -> None:
    """QUOTEBOT_CONFIG naming a folder (or an unreadable file) is one line, not an OSError."""
    with pytest.raises(ConfigError, match=f"^QUOTEBOT_CONFIG: cannot read {tmp_path}: "):
        Settings.load({"QUOTEBOT_CONFIG": str(tmp_path)})
