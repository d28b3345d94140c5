"""Relevance on the seed: does the first hit come from the section a person would pick?

Each query below is paired with the section a reader of the transcript would look in. The
script prints hit@1, hit@3 and the mean reciprocal rank of the first hit in that section.

ECHOES adds lines said twice (a host quoting the guest back a moment later) from a small
judged transcript: the first hit must be the speaker who said it first.

    python benchmarks/relevance.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot import Library  # noqa: E402

JUDGED = [
    ("layoffs", "Are managers harder to layoff?"),
    ("are managers safer in layoffs", "Are managers harder to layoff?"),
    ("pip", "Can you get out of a PIP?"),
    ("get out of a pip", "Can you get out of a PIP?"),
    ("storytelling", "Storytelling tips"),
    ("how to write better", "How to write better"),
    ("writing", "How to write better"),
    ("cheating tools", "AI interview cheating"),
    ("openai anthropic interviews", "Passing OpenAI & Anthropic interviews"),
    ("job hopping", "Job hopping"),
    ("kaggle", "Transitioning to AI/ML"),
    ("machine learning transition", "Transitioning to AI/ML"),
    ("mutiny", "Mutiny and manager politics"),
    ("low performer quotas", "Low performer quotas"),
    ("advice younger self", "Advice for younger self"),
    ("amazon meta culture", "Amazon vs Meta culture"),
    ("promo to senior manager", "Senior manager (M2) promo story at Meta"),
    ("death march", "Early career at Amazon"),
    ("why did he leave amazon", "Why he left Amazon"),
    ("grew the most", "When he grew the most"),
    ("motivation after m2", "Career motivations past M2"),
    ("skill gaps", "Senior manager (M2) skill gaps"),
    ("manager vs engineer career growth", "Eng vs manager career growth"),
    ("performance reviews", "Amazon vs Meta performance"),
    ("first time manager mistakes", "Growth to eng manager at Amazon"),
    ("layofs", "Are managers harder to layoff?"),
    ("storytelin", "Storytelling tips"),
]

ECHO_CORPUS = REPO / "tests" / "search" / "fixtures" / "echo"
ECHOES = [
    ("managers hire people who will replace them", "Omar Haddad"),
    ('"hire people who will replace them"', "Omar Haddad"),
    ("best managers replace", "Omar Haddad"),
]


def judge(library: Library, cases: list[tuple[str, str]], field: str) -> tuple[int, int, float]:
    """hit@1, hit@3 and summed reciprocal rank of the first hit whose `field` is as judged."""
    at1 = at3 = 0
    reciprocal = 0.0
    for query, wanted in cases:
        hits = library.search(query, limit=10).hits
        rank = next((i + 1 for i, h in enumerate(hits) if getattr(h, field) == wanted), None)
        at1 += rank == 1
        at3 += rank is not None and rank <= 3
        reciprocal += 1 / rank if rank else 0.0
        first = getattr(hits[0], field) if hits else "(nothing)"
        mark = "ok " if rank == 1 else "   "
        print(f"{mark} {query!r:45} rank={rank}  first: {first}")
    return at1, at3, reciprocal


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        library = Library.load(REPO / "seeds", Path(folder) / "index.sqlite3")
        echoes = Library.load(ECHO_CORPUS, Path(folder) / "echo.sqlite3")
        at1, at3, reciprocal = judge(library, JUDGED, "section")
        echo1, echo3, echo_reciprocal = judge(echoes, ECHOES, "speaker")
        total = len(JUDGED)
        print(
            f"\n{total} judged queries: hit@1 {at1 / total:.2f}, hit@3 {at3 / total:.2f}, "
            f"MRR {reciprocal / total:.2f}"
        )
        print(
            f"{len(ECHOES)} lines said twice: original speaker first {echo1}/{len(ECHOES)}, "
            f"MRR {echo_reciprocal / len(ECHOES):.2f}"
        )
        library.close()
        echoes.close()


if __name__ == "__main__":
    main()
