"""Relevance on the seed: does the first hit come from the section a person would pick?

Each query below is paired with the section a reader of the transcript would look in. The
script prints hit@1, hit@3 and the mean reciprocal rank of the first hit in that section.

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


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        library = Library.load(REPO / "seeds", Path(folder) / "index.sqlite3")
        at1 = at3 = 0
        reciprocal = 0.0
        for query, section in JUDGED:
            hits = library.search(query, limit=10).hits
            rank = next((i + 1 for i, h in enumerate(hits) if h.section == section), None)
            at1 += rank == 1
            at3 += rank is not None and rank <= 3
            reciprocal += 1 / rank if rank else 0.0
            first = hits[0].section if hits else "(nothing)"
            mark = "ok " if rank == 1 else "   "
            print(f"{mark} {query!r:40} rank={rank}  first: {first}")
        total = len(JUDGED)
        print(
            f"\n{total} judged queries: hit@1 {at1 / total:.2f}, hit@3 {at3 / total:.2f}, "
            f"MRR {reciprocal / total:.2f}"
        )
        library.close()


if __name__ == "__main__":
    main()
