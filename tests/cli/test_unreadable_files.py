"""Files and folders quotebot may not read cost only themselves, reported by name.

File permissions do not apply to root, and CI runs as root: there quotebot runs as root
without the capabilities that bypass them (the `permissions_enforced` fixture), as it would
run under another uid in a container. Each test runs the real `quotebot` command.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED = next((REPO / "seeds").glob("*.txt"))
FIXTURES = REPO / "tests" / "transcripts" / "fixtures" / "corpus"


Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def quotebot(permissions_enforced: list[str]) -> Run:
    """`quotebot ARGS` in a process that file permissions apply to."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*permissions_enforced, sys.executable, "-m", "bot", *args],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=120,
        )

    return run


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEED, folder / "seed.txt")
    return folder


def test_an_unreadable_transcript_is_reported_and_the_others_served(
    quotebot: Run, corpus: Path, tmp_path: Path
) -> None:
    """A mode-000 file is named in `check` and `search`; the readable one still answers."""
    shutil.copy(FIXTURES / "compost.srt", corpus / "compost.srt")
    (corpus / "compost.srt").chmod(0)
    check = quotebot("check", str(corpus))
    assert check.returncode == 1
    assert f"error  {corpus / 'compost.srt'}: cannot be read: permission denied" in check.stdout
    assert f"ok     {corpus / 'seed.txt'}" in check.stdout
    search = quotebot("search", "--corpus", str(corpus), "--index", str(tmp_path / "i"), "layoffs")
    assert search.returncode == 0, search.stderr
    assert "during layoffs" in search.stdout
    assert f"skipped {corpus / 'compost.srt'}: cannot be read: permission denied" in search.stderr
    assert "Traceback" not in search.stderr


def test_an_unreadable_sidecar_is_reported_by_its_name(
    quotebot: Run, corpus: Path, tmp_path: Path
) -> None:
    """A transcript whose `<name>.yaml` cannot be read is skipped, naming the sidecar."""
    for name in ("compost.srt", "compost.yaml"):
        shutil.copy(FIXTURES / name, corpus / name)
    (corpus / "compost.yaml").chmod(0)
    search = quotebot("search", "--corpus", str(corpus), "--index", str(tmp_path / "i"), "layoffs")
    assert search.returncode == 0, search.stderr
    assert f"skipped {corpus / 'compost.yaml'}: cannot be read" in search.stderr


def test_an_unreadable_subfolder_is_reported_and_the_rest_served(
    quotebot: Run, corpus: Path, tmp_path: Path
) -> None:
    """A folder the process may not list is named; the transcripts beside it are served."""
    locked = corpus / "locked"
    locked.mkdir()
    shutil.copy(FIXTURES / "compost.srt", locked / "compost.srt")
    locked.chmod(0)
    try:
        check = quotebot("check", "--corpus", str(corpus))
        search = quotebot(
            "search", "--corpus", str(corpus), "--index", str(tmp_path / "i"), "layoffs"
        )
    finally:
        locked.chmod(0o755)
    assert check.returncode == 1
    assert f"error  {locked}: folder cannot be read: permission denied" in check.stdout
    assert search.returncode == 0, search.stderr
    assert f"skipped {locked}: folder cannot be read" in search.stderr


def test_an_unreadable_corpus_folder_is_one_line(
    quotebot: Run, corpus: Path, tmp_path: Path
) -> None:
    """When the corpus folder itself cannot be read, the command says so in one line."""
    corpus.chmod(0)
    try:
        search = quotebot("search", "--corpus", str(corpus), "--index", str(tmp_path / "i"), "x")
    finally:
        corpus.chmod(0o755)
    assert search.returncode == 2
    assert search.stderr.splitlines() == [
        f"quotebot: cannot read the corpus folder {corpus}: permission denied "
        f"(quotebot runs as uid {os.geteuid()}; make it readable to that user)"
    ]


def test_an_index_in_a_folder_that_cannot_be_written_is_one_line(
    quotebot: Run, corpus: Path, tmp_path: Path
) -> None:
    """`--index` in a read-only folder names the file, the folder and the setting to change."""
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    read_only.chmod(0o555)
    search = quotebot(
        "search", "--corpus", str(corpus), "--index", str(read_only / "i.sqlite3"), "layoffs"
    )
    assert search.returncode == 2
    assert search.stderr.splitlines() == [
        f"quotebot: cannot use the search index {read_only / 'i.sqlite3'}: the folder "
        f"{read_only} is not writable by uid {os.geteuid()}; set QUOTEBOT_INDEX (or --index) "
        "to a file in a folder quotebot can write"
    ]
