"""`quotebot config` shows the files the bot will use (defaults resolved), never a password."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.command import main


def test_config_shows_the_corpus_index_and_database_it_will_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With nothing set: the bundled seeds, the per-corpus cache file, the default SQLite."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    files = out.split("Files it will use", 1)[1]
    assert "(the bundled seeds)" in files and "seeds" in files
    assert str(tmp_path / "cache" / "quotebot" / "index-") in files
    assert f"SQLite file {tmp_path / 'data' / 'quotebot' / 'quotebot.sqlite3'}" in files


def test_config_shows_configured_paths_and_hides_the_database_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Configured corpus and index are shown as given; the PostgreSQL URL without password,
    both in the table and in the files."""
    monkeypatch.setenv("QUOTEBOT_CORPUS", str(tmp_path / "transcripts"))
    monkeypatch.setenv("QUOTEBOT_INDEX", str(tmp_path / "index.sqlite3"))
    monkeypatch.setenv("DATABASE_URL", "postgresql://quotebot:hunter2-secret@db:5432/quotebot")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "hunter2-secret" not in out
    assert "postgresql://quotebot:***@db:5432/quotebot" in out.split("Files it will use")[0]
    files = out.split("Files it will use", 1)[1]
    assert f"corpus    {tmp_path / 'transcripts'}\n" in files
    assert f"index     {tmp_path / 'index.sqlite3'}\n" in files
    assert "database  PostgreSQL postgresql://quotebot:***@db:5432/quotebot" in files
