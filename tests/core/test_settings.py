"""Configuration: environment over YAML over defaults, clear errors, secrets never shown."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot import Library
from bot.cli.command import main
from bot.logging_setup import JsonFormatter, SecretRedactor
from bot.metrics import Metrics
from bot.settings import ConfigError, Settings

TOKEN = "xoxb-1234567890-abcdefghijklmnop"


def test_environment_wins_over_the_yaml_file(tmp_path: Path) -> None:
    """A variable set in the environment overrides the same key in quotebot.yaml."""
    config = tmp_path / "quotebot.yaml"
    config.write_text("port: 4000\nlog_level: DEBUG\n")
    settings = Settings.load({"QUOTEBOT_PORT": "5000"}, config)
    assert settings.port == 5000
    assert settings.log_level == "DEBUG"
    assert settings.sources["port"] == "env QUOTEBOT_PORT"
    assert settings.sources["log_level"] == f"file {config}"


def test_defaults_apply_when_nothing_is_set() -> None:
    """With an empty environment every option has its documented default."""
    settings = Settings.load({})
    assert (settings.port, settings.log_format, settings.slack_bot_token) == (3000, "text", None)


def test_a_bad_value_names_the_variable() -> None:
    """A value that cannot be read is one line naming the variable."""
    with pytest.raises(ConfigError, match="^QUOTEBOT_PORT: "):
        Settings.load({"QUOTEBOT_PORT": "eighty"})


def test_secrets_are_refused_in_the_yaml_file(tmp_path: Path) -> None:
    """A token in the YAML file is an error that says to use the environment."""
    config = tmp_path / "quotebot.yaml"
    config.write_text(f"slack_bot_token: {TOKEN}\n")
    with pytest.raises(ConfigError, match="set it in the environment as SLACK_BOT_TOKEN"):
        Settings.load({}, config)


def test_unknown_yaml_keys_are_named(tmp_path: Path) -> None:
    """A misspelt key in the YAML file is reported, with the known keys."""
    config = tmp_path / "quotebot.yaml"
    config.write_text("prot: 80\n")
    with pytest.raises(ConfigError, match="unknown key `prot`"):
        Settings.load({}, config)


def test_config_command_masks_secrets(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`quotebot config` shows that a token is set without showing the token."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("QUOTEBOT_PORT", "8080")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert TOKEN not in out and "set (…mnop)" in out
    assert "8080" in out and "env QUOTEBOT_PORT" in out


def test_logs_never_contain_secrets() -> None:
    """A log line that would print a token prints [redacted] instead."""
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token is %s", (TOKEN,), None)
    SecretRedactor([TOKEN]).filter(record)
    assert record.getMessage() == "token is [redacted]"


def test_json_logs_are_one_object_a_line() -> None:
    """With QUOTEBOT_LOG_FORMAT=json each record is a JSON object with level and message."""
    record = logging.LogRecord("bot", logging.WARNING, __file__, 1, "hello %s", ("there",), None)
    line = JsonFormatter().format(record)
    assert '"level": "warning"' in line and '"message": "hello there"' in line
    assert "\n" not in line


def test_metrics_count_searches_by_outcome(seed_library) -> None:
    """Each search is counted as results, no_results or error, with its latency."""
    metrics = Metrics()
    library = Library.load(
        seed_library.corpus, seed_library.index.path, search_observer=metrics.observe_search
    )
    try:
        library.search("layoffs", source="test")
        library.search("kubernetes", source="test")
    finally:
        library.close()
    text = metrics.render().decode()
    assert 'quotebot_searches_total{outcome="results",platform="test"} 1.0' in text
    assert 'quotebot_searches_total{outcome="no_results",platform="test"} 1.0' in text
    assert 'quotebot_search_seconds_count{platform="test"} 2.0' in text


def test_every_setting_is_documented_in_the_readme() -> None:
    """The README's configuration table lists every variable the bot reads."""
    from pathlib import Path

    from bot.settings import OPTIONS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    missing = [option.env for option in OPTIONS if f"| `{option.env}` |" not in readme]
    assert missing == []


def test_every_option_is_a_declared_settings_field_with_its_default() -> None:
    """Settings declares one field per option in OPTIONS, in order, with the option's default."""
    from dataclasses import fields

    from bot.settings import OPTIONS

    declared = [(f.name, f.default) for f in fields(Settings) if f.name != "sources"]
    assert declared == [(option.key, option.default) for option in OPTIONS]


def test_settings_cannot_be_changed_after_loading() -> None:
    """Settings is frozen: code that tries to change a value at run time fails loudly."""
    from dataclasses import FrozenInstanceError

    settings = Settings.load({})
    with pytest.raises(FrozenInstanceError):
        settings.port = 1  # type: ignore[misc]
