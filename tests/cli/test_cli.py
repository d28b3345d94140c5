"""The `quotebot` command as a terminal user meets it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot import messages
from bot.cli.command import main

REPO = Path(__file__).resolve().parents[2]
SEED = next((REPO / "seeds").glob("*.txt"))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_prints_quote_then_attribution(capsys: pytest.CaptureFixture[str]) -> None:
    """A search prints each quote followed by `— Speaker · Section · HH:MM:SS · Episode`."""
    code, out, _ = run(capsys, "search", "layoffs", "--limit", "1")
    assert code == 0
    assert "during layoffs" in out
    assert (
        "— Stefan Mai · Are managers harder to layoff? · 00:40:49 · The Peterman Pod — Intern to"
        in out
    )
    assert "1–1 of 3" in out


def test_json_output_follows_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints an array of hits with the documented fields."""
    code, out, _ = run(capsys, "search", "layoffs", "--json", "--limit", "2")
    hits = json.loads(out)
    assert code == 0 and len(hits) == 2
    first = hits[0]
    for key in ("text", "speaker", "section", "timestamp", "seconds", "score", "highlights", "url"):
        assert key in first
    assert first["timestamp"] == "00:40:49" and first["seconds"] == 2449
    assert first["episode"] == {
        "id": "peterman-pod-2025-08-15-stefan-mai",
        "title": "Intern to Microsoft Distinguished Engineer in 11 Promotions (Career Story)",
        "podcast": "The Peterman Pod",
        "date": "2025-08-15",
    }
    start, end = first["highlights"][0]
    assert first["text"][start:end] == "layoffs"


def test_typo_corrections_are_announced(capsys: pytest.CaptureFixture[str]) -> None:
    """A corrected query says what it searched for instead."""
    code, out, _ = run(capsys, "search", "layofs")
    assert code == 0 and out.startswith(messages.SHOWING_RESULTS_FOR.format(query="layoffs"))


def test_no_results_exits_1_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    """A query that matches nothing says so and exits 1, like grep."""
    code, out, _ = run(capsys, "search", "kubernetes")
    assert code == 1 and "No quotes match" in out


def test_bad_filters_go_to_stderr_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown speaker is an error on stderr listing the speakers, exit 2."""
    code, out, err = run(capsys, "search", "--speaker", "nobody", "layoffs")
    assert code == 2 and out == ""
    assert "Ryan Peterman, Stefan Mai" in err


def test_listing_commands(capsys: pytest.CaptureFixture[str]) -> None:
    """sections, speakers and episodes list what the library holds."""
    assert "Advice for younger self" in run(capsys, "sections")[1]
    assert "Stefan Mai" in run(capsys, "speakers")[1]
    assert "2025-08-15  The Peterman Pod" in run(capsys, "episodes")[1]


def test_check_reports_what_it_found(capsys: pytest.CaptureFixture[str]) -> None:
    """check prints each file's sections, turns and speakers and a total, exit 0."""
    code, out, _ = run(capsys, "check")
    assert code == 0
    assert "21 sections, 84 turns, speakers: Ryan Peterman, Stefan Mai" in out
    assert out.strip().endswith("1 episodes, 21 sections, 84 turns, 2 speakers")


def test_check_names_broken_files_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """check lists a broken file with its line, still checks the rest, and exits 1."""
    shutil.copy(SEED, tmp_path / "good.txt")
    (tmp_path / "bad.txt").write_text("---\n---\nno speakers here\n")
    code, out, _ = run(capsys, "check", str(tmp_path))
    assert code == 1
    assert f"error  {tmp_path / 'bad.txt'}:3: no turns found" in out
    assert "1 file with errors" in out


def test_search_reports_skipped_files_and_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken transcript in the corpus is named on stderr; the search still answers."""
    shutil.copy(SEED, tmp_path / "good.txt")
    (tmp_path / "bad.txt").write_text("oops\n")
    code, out, err = run(capsys, "search", "--corpus", str(tmp_path), "kaggle")
    assert code == 0 and "Kaggle" in out
    assert f"skipped {tmp_path / 'bad.txt'}:1:" in err


def test_readme_main_command_runs_from_anywhere(tmp_path: Path) -> None:
    """`quotebot search layoffs` works from any folder, on the seeds shipped with the package."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("QUOTEBOT_CORPUS", None)
    installed = shutil.which("quotebot")
    command = [installed] if installed else [sys.executable, "-m", "bot"]
    if not installed:
        env["PYTHONPATH"] = str(REPO)
    done = subprocess.run(
        [*command, "search", "layoffs"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Are managers harder to layoff?" in done.stdout


def test_index_builds_then_reuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`quotebot index` builds the index once; a second run reads nothing again."""
    index = str(tmp_path / "i.sqlite3")
    assert run(capsys, "index", "--index", index)[0] == 0
    code, out, _ = run(capsys, "index", "--index", index)
    assert code == 0 and "1 episodes, 481 passages (0 read, 1 unchanged" in out


def test_every_subcommand_is_in_the_readme() -> None:
    """The README's command table names every `quotebot` subcommand."""
    from bot.cli.command import build_parser

    readme = (REPO / "README.md").read_text()
    commands = build_parser()._subparsers._group_actions[0].choices
    missing = [
        name
        for name in commands
        if f"`quotebot {name}" not in readme and f"/ `{name}`" not in readme
    ]
    assert missing == []


def test_an_offset_past_the_end_shows_the_last_quote_and_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--offset` beyond the matches shows the last one, as chat buttons do, with a note."""
    code, out, _ = run(capsys, "search", "layoffs", "--limit", "1", "--offset", "40")
    assert code == 0 and out.startswith(messages.PAST_THE_END)
    assert out.rstrip().endswith("3–3 of 3")


def test_no_match_suggests_the_nearest_sections(capsys: pytest.CaptureFixture[str]) -> None:
    """A query that finds nothing lists the nearest section titles, as Slack and Discord do."""
    code, out, _ = run(capsys, "search", '"meta culture amazon"')
    assert code == 1
    nearest = messages.NEAREST_SECTIONS.format(sections="“Amazon vs Meta culture”")
    assert out.splitlines()[-1].startswith(nearest)


def test_card_writes_a_png_for_a_passage_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`quotebot card KEY -o card.png` writes the quote card."""
    out_file = tmp_path / "card.png"
    code, out, _ = run(
        capsys, "card", "peterman-pod-2025-08-15-stefan-mai:215", "-o", str(out_file)
    )
    assert code == 0 and out_file.read_bytes().startswith(b"\x89PNG")
    assert "peterman-pod-2025-08-15-stefan-mai:215" in out


def test_card_draws_the_best_match_of_a_query(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Words instead of a key draw the best matching passage; no match exits 1."""
    code, out, _ = run(capsys, "card", "layoffs", "-o", str(tmp_path / "c.png"))
    assert code == 0 and "stefan-mai:215" in out
    code, _, err = run(capsys, "card", "kubernetes", "-o", str(tmp_path / "d.png"))
    assert code == 1 and "kubernetes" in err
