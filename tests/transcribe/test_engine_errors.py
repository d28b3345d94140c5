"""Without the optional extra or its model, transcription says how to fix it in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main


def test_a_missing_model_is_one_line_naming_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A model folder with no model: exit 2 and one line saying what to set."""
    pytest.importorskip("faster_whisper", reason="the transcribe extra is not installed")
    monkeypatch.setenv("QUOTEBOT_TRANSCRIBE_MODEL", str(tmp_path / "no-model-here"))
    (tmp_path / "a.wav").write_bytes(b"")
    assert main(["transcribe", str(tmp_path / "a.wav"), "-o", str(tmp_path / "a.md")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "QUOTEBOT_TRANSCRIBE_MODEL" in err


def test_a_missing_extra_is_one_line_saying_how_to_install_it(tmp_path: Path) -> None:
    """Without faster-whisper: exit 2 and `pip install 'quotebot[transcribe]'`."""
    hide_engine = (
        "import sys; sys.modules['faster_whisper'] = None; "
        "from bot.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", hide_engine, "transcribe", "a.wav", "-o", str(tmp_path / "a.md")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "pip install 'quotebot[transcribe]'" in result.stderr
