"""Long audio reaches the model a few minutes at a time, cut where nobody speaks."""

from __future__ import annotations

import pytest

np = pytest.importorskip("numpy", reason="the transcribe extra is not installed")

from bot.transcribe.engine import SAMPLE_RATE, chunk_bounds  # noqa: E402


def test_a_long_recording_is_cut_in_the_pause_nearest_each_boundary() -> None:
    """Eleven minutes of sound with pauses at 4:55 and 10:03: cut in those pauses."""
    sound = np.random.default_rng(1).normal(0, 0.1, 660 * SAMPLE_RATE).astype(np.float32)
    for pause in (295.0, 603.0):
        sound[int(pause * SAMPLE_RATE) : int((pause + 0.3) * SAMPLE_RATE)] = 0.0
    cuts = chunk_bounds(sound, chunk=300.0, search=10.0)
    assert cuts[0] == 0 and cuts[-1] == len(sound) and len(cuts) == 4
    for cut, pause in zip(cuts[1:3], (295.0, 603.0), strict=True):
        assert pause <= cut / SAMPLE_RATE <= pause + 0.3


def test_short_audio_is_one_piece() -> None:
    """Audio shorter than a chunk goes to the model whole."""
    assert chunk_bounds(np.zeros(60 * SAMPLE_RATE, dtype=np.float32)) == [0, 60 * SAMPLE_RATE]
