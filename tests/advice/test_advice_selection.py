"""Choosing advice: the heuristic pool, and the per-channel rotation."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from bot import Library
from bot.advice.pool import AdvicePool, build_pool
from bot.advice.rotation import EPOCH
from bot.advice.scoring import MID_THOUGHT, heuristic_pool, score_passage
from bot.cli.command import main
from bot.text import fold, words


def test_seed_pool_is_advice_sized_and_self_contained(pool: AdvicePool) -> None:
    """Every pool member is 20-80 words by a guest, opens a thought, and ends a sentence."""
    assert len(pool) >= 30
    for candidate in pool.candidates:
        text = candidate.passage.text
        assert 20 <= len(words(text)) <= 80, text
        assert fold(words(text)[0]) not in MID_THOUGHT, text
        assert text.rstrip("”’\"')").endswith((".", "!", "…")), text
        assert candidate.passage.speaker == "Stefan Mai"


def test_advice_phrasing_in_an_advice_section_ranks_first(pool: AdvicePool) -> None:
    """ "My main thing would be to learn to be a critic first" is the best-scored excerpt."""
    best = max(pool.candidates, key=lambda c: c.score)
    assert best.passage.text.startswith("My main thing would be to learn to be a critic first")
    assert best.passage.section == "How to write better"


def test_hosts_and_mid_thought_openings_are_ruled_out(seed_library: Library) -> None:
    """The host's questions and passages opening with "And"/"So" never score."""
    for passage in seed_library.passages():
        score, reasons = score_passage(passage)
        if passage.speaker == "Ryan Peterman":
            assert (score, reasons) == (0.0, ("not a guest",))
        elif words(passage.text)[0].lower() in {"and", "so", "yeah"}:
            assert score == 0.0
            assert reasons[0].startswith("starts mid-thought") or reasons[0].endswith("words")


def test_thirty_days_give_thirty_different_posts(pool: AdvicePool) -> None:
    """30 consecutive days of one rotation cycle never repeat an excerpt."""
    size = len(pool)
    start = EPOCH + timedelta(days=size * 20)  # a cycle start
    keys = [pool.advice_for("C0123", start + timedelta(days=n)).key for n in range(30)]
    assert len(set(keys)) == 30
    whole = [pool.advice_for("C0123", start + timedelta(days=n)).key for n in range(size)]
    assert len(set(whole)) == size


def test_choice_is_stable_per_channel_and_date(pool: AdvicePool) -> None:
    """Asking twice gives the same advice; other channels follow their own order."""
    day = date(2025, 6, 1)
    assert pool.advice_for("C1", day) == pool.advice_for("C1", day)
    sequence = [pool.advice_for("C1", day + timedelta(days=n)).key for n in range(10)]
    other = [pool.advice_for("C2", day + timedelta(days=n)).key for n in range(10)]
    assert sequence != other


def test_empty_pool_says_so(seed_library: Library) -> None:
    """An empty pool raises a message, not an IndexError."""
    with pytest.raises(Exception, match="pool is empty"):
        AdvicePool(()).advice_for("C1", date(2025, 1, 1))


def test_any_speaker_mode_can_only_grow_the_pool(seed_library: Library, pool: AdvicePool) -> None:
    """QUOTEBOT_ADVICE_SPEAKERS=any adds candidates from hosts without losing guests'."""
    wider = heuristic_pool(seed_library.passages(), "any")
    assert {c.id for c in pool.candidates} <= {c.id for c in wider}


def test_cli_prints_advice_json_and_pool(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    """`quotebot advice --json` prints a hit's fields; `--list` prints scores and the count."""
    assert main(["advice", "--date", "2025-02-03", "--channel", "C1", "--json"]) == 0
    hit = json.loads(capsys.readouterr().out)
    assert {"key", "text", "speaker", "section", "timestamp", "episode", "url"} <= set(hit)
    assert main(["advice", "--date", "2025-02-03", "--channel", "C1"]) == 0
    assert hit["text"][:40] in capsys.readouterr().out.replace("\n   ", " ")
    assert main(["advice", "--list"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"\n\d+ excerpts in the pool \(from .*advice\.yaml\)\n$", out)
    assert re.search(
        r"^ ?\d+\.\d\d  peterman-pod-2025-08-15-stefan-mai:\d+  Stefan Mai · ", out, re.M
    )


def test_the_seed_ships_a_curated_pool_of_real_advice(seed_library: Library) -> None:
    """seeds/advice.yaml loads without errors and defines the default pool: the guest's own
    words, whole sentences (or marked cuts), short enough for a chat post."""
    curated = build_pool(seed_library)
    assert curated.source.endswith("advice.yaml") and len(curated) >= 10
    for candidate in curated.candidates:
        text = candidate.passage.text
        assert candidate.passage.speaker == "Stefan Mai"
        assert text[0].isupper() and text.rstrip().endswith((".", "…", "!", "?")), text
        assert len(text.split()) <= 80
