"""What an operator gets wrong at start (a folder the process cannot read or write, a port in
use, a missing curation file) is one line naming the setting and exit status 2, never a
traceback. Permission cases run `quotebot` bound by file permissions, as the Docker image's
user (uid 10001) is: root reads everything, so as root it runs without those capabilities."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli.command import main
from tests.slack.slack_bench import BOT_TOKEN, SIGNING_SECRET, FakeSlack

REPO = Path(__file__).resolve().parents[2]


def unprivileged_quotebot(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess:
    """`quotebot ARGS` bound by file permissions: as root, without the capabilities that let
    root read and write any file (what a container's non-root user gets)."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "DISCORD_", "QUOTEBOT_", "DATABASE_URL"))
    }
    environ.update(
        PYTHONPATH=str(REPO),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
        **env,
    )
    command = [sys.executable, "-m", "bot", *args]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: file permissions cannot bind root")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *command]
    return subprocess.run(
        command, env=environ, capture_output=True, text=True, timeout=60, cwd=home
    )


LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ [A-Z]+ |\{)")


def one_line(result: subprocess.CompletedProcess) -> str:
    """The single stderr line of a refused start (exit 2, no traceback); the bots' start-up log
    lines (they listen for health checks before loading) may come before it."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if not LOG_LINE.match(line)]
    assert len(lines) == 1, result.stderr
    return lines[0] + "\n"


def test_an_unreadable_corpus_folder_is_one_line(tmp_path: Path) -> None:
    """`search --corpus` on a folder the user cannot read names the folder and the uid."""
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "seeds", corpus)
    corpus.chmod(0o000)
    result = unprivileged_quotebot("search", "layoffs", "--corpus", str(corpus), home=tmp_path)
    line = one_line(result)
    assert f"cannot read the corpus folder {corpus}" in line and "runs as uid" in line


def test_the_bot_with_an_unreadable_corpus_folder_is_one_line(tmp_path: Path) -> None:
    """`quotebot slack` with QUOTEBOT_CORPUS unreadable stops before listening, in one line."""
    corpus = tmp_path / "corpus"
    corpus.mkdir(mode=0o000)
    result = unprivileged_quotebot(
        "slack",
        home=tmp_path,
        QUOTEBOT_CORPUS=str(corpus),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
    )
    assert one_line(result).startswith(f"quotebot slack: cannot read the corpus folder {corpus}")


def test_an_index_in_a_folder_the_user_cannot_write_is_one_line(tmp_path: Path) -> None:
    """`--index` in a read-only folder names the file and QUOTEBOT_INDEX, not sqlite3's error."""
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    index = locked / "index.sqlite3"
    result = unprivileged_quotebot("search", "layoffs", "--index", str(index), home=tmp_path)
    line = one_line(result)
    assert line.startswith(f"quotebot: cannot use the search index {index}: ")
    assert "QUOTEBOT_INDEX" in line and "OperationalError" not in line


def test_a_sqlite_database_in_a_folder_the_user_cannot_write_is_one_line(
    tmp_path: Path,
) -> None:
    """`advice status` with DATABASE_URL in a read-only folder names DATABASE_URL and the file."""
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    database = locked / "sub" / "quotebot.sqlite3"
    result = unprivileged_quotebot(
        "advice", "status", home=tmp_path, DATABASE_URL=f"sqlite:///{database}"
    )
    line = one_line(result)
    assert line.startswith(f"quotebot: DATABASE_URL: cannot open the SQLite file {database}")


@pytest.fixture
async def fake_slack() -> FakeSlack:
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.close()


def bot_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_slack: FakeSlack) -> None:
    """Slack over HTTP against the fake, with files in tmp_path."""
    for name in ("SLACK_APP_TOKEN", "DISCORD_TOKEN", "QUOTEBOT_CORPUS", "QUOTEBOT_ADVICE_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", fake_slack.api_url)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'q.sqlite3'}")
    monkeypatch.setenv("QUOTEBOT_INDEX", str(tmp_path / "index.sqlite3"))


async def test_a_port_already_in_use_is_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fake_slack: FakeSlack,
) -> None:
    """`quotebot slack` on a taken port names QUOTEBOT_PORT instead of an OSError traceback."""
    bot_env(monkeypatch, tmp_path, fake_slack)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        argv = ["slack", "--host", "127.0.0.1", "--port", str(port)]
        # main() runs its own event loop: off this test's loop, which serves the fake.
        assert await asyncio.to_thread(main, argv) == 2
    err = capsys.readouterr().err
    # Log lines of the start come first (stderr is the log); the refusal is the last line.
    last = err.splitlines()[-1]
    assert last.startswith(
        f"quotebot slack: QUOTEBOT_PORT / QUOTEBOT_HOST: cannot listen on 127.0.0.1:{port}: "
    )
    assert "address already in use" in last and "Traceback" not in err


async def test_a_missing_advice_file_stops_the_bot_in_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fake_slack: FakeSlack,
) -> None:
    """QUOTEBOT_ADVICE_FILE naming no file stops `quotebot slack` with the file and setting."""
    bot_env(monkeypatch, tmp_path, fake_slack)
    missing = tmp_path / "nope.yaml"
    monkeypatch.setenv("QUOTEBOT_ADVICE_FILE", str(missing))
    assert await asyncio.to_thread(main, ["slack", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == f"quotebot slack: {missing}: no such file (QUOTEBOT_ADVICE_FILE)"
    assert "Traceback" not in err


@pytest.fixture(autouse=True)
def _restore_permissions(tmp_path: Path) -> Iterator[None]:
    """Give the folders back their rights, so pytest can clean tmp_path up without root."""
    yield
    for path in [tmp_path, *tmp_path.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
