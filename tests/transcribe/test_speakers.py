"""Speaker turns from voiceprints, on espeak-ng speech whose lines are known (no recogniser:
each line stands in as one word spanning its audio)."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest
from transcribe_helpers import SCRIPT, need_espeak, synthesize

np = pytest.importorskip("numpy", reason="the transcribe extra is not installed")

from bot.transcribe.speakers import speaker_of_words  # noqa: E402 - needs numpy
from bot.transcripts.word_times import TimedWord  # noqa: E402


def samples_and_words(
    script: list[tuple[str, str]], path: Path
) -> tuple[np.ndarray, list[TimedWord], list[str]]:
    """The script spoken, as 16 kHz samples, one 'word' per line, and who said each."""
    need_espeak()
    lines = synthesize(script, path)
    with wave.open(str(path)) as reader:
        rate = reader.getframerate()
        raw = np.frombuffer(reader.readframes(reader.getnframes()), dtype=np.int16)
    duration = len(raw) / rate
    # To 16 kHz by interpolation: enough for voiceprints.
    samples = np.interp(
        np.arange(int(duration * 16_000)) / 16_000, np.arange(len(raw)) / rate, raw / 32768.0
    ).astype(np.float32)
    ends = [line.start for line in lines[1:]] + [duration]
    words = [
        TimedWord(line.start, end - 0.7, line.text.rstrip(".?!") + ".")
        for line, end in zip(lines, ends, strict=True)
    ]
    return samples, words, [line.who for line in lines]


def test_two_voices_are_told_apart_without_being_told_how_many(tmp_path: Path) -> None:
    """Host lines get one number, guest lines the other."""
    samples, words, who = samples_and_words(SCRIPT, tmp_path / "two.wav")
    labels = speaker_of_words(samples, words, None)
    by_voice = {v: {n for n, w in zip(labels, who, strict=True) if w == v} for v in set(who)}
    assert by_voice == {"host": {0}, "guest": {1}}


@pytest.mark.parametrize("voice", ["host", "guest"])
def test_one_voice_is_one_speaker(voice: str, tmp_path: Path) -> None:
    """A monologue is not split into two people."""
    script = [(voice, text) for _, text in SCRIPT]
    samples, words, _ = samples_and_words(script, tmp_path / "one.wav")
    assert set(speaker_of_words(samples, words, None)) == {0}


def test_a_known_count_of_one_is_taken_as_it_is(tmp_path: Path) -> None:
    """One host listed in the feed: every word is theirs, whatever the voices."""
    samples, words, _ = samples_and_words(SCRIPT, tmp_path / "two.wav")
    assert set(speaker_of_words(samples, words, 1)) == {0}
