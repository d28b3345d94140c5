"""The curation file: chosen excerpts and excludes beat the heuristic; bad entries name a line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import Library
from bot.advice.curation import CurationError
from bot.advice.pool import AdvicePool, build_pool

EPISODE = "peterman-pod-2025-08-15-stefan-mai"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "advice.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_includes_define_the_pool_with_trimmed_text(seed_library: Library, tmp_path: Path) -> None:
    """With an include list, the pool is exactly those excerpts, trimmed as written (… skips)."""
    path = write(
        tmp_path,
        f"""include:
  - episode: {EPISODE}
    timestamp: 01:24:34
    text: My main thing would be to learn to be a critic first. … Go read a doc.
  - episode: peterman
    timestamp: "01:26:15"
""",
    )
    pool = build_pool(seed_library, curation_file=path)
    texts = sorted(c.passage.text for c in pool.candidates)
    assert texts == [
        "And then practice, practice, practice, practice.",
        "My main thing would be to learn to be a critic first. … Go read a doc.",
    ]
    assert all(c.curated and c.passage.key.startswith(EPISODE + ":") for c in pool.candidates)
    assert pool.source == str(path)


def test_excludes_filter_the_heuristic_pool(
    seed_library: Library, pool: AdvicePool, tmp_path: Path
) -> None:
    """An exclude-only file keeps the heuristic pool minus what it names."""
    best = max(pool.candidates, key=lambda c: c.score).passage
    path = write(tmp_path, f"exclude:\n  - key: {best.key}\n")
    curated = build_pool(seed_library, curation_file=path)
    assert len(curated) == len(pool) - 1
    assert best.key not in {c.passage.key for c in curated.candidates}


def test_includes_can_add_to_the_heuristic(
    seed_library: Library, pool: AdvicePool, tmp_path: Path
) -> None:
    """`heuristic: true` keeps the heuristic pool and adds the included excerpts."""
    path = write(
        tmp_path,
        f"heuristic: true\ninclude:\n  - episode: {EPISODE}\n    timestamp: '01:26:15'\n",
    )
    assert len(build_pool(seed_library, curation_file=path)) == len(pool) + 1


def test_advice_yaml_beside_the_transcripts_is_picked_up(
    seed_library: Library, tmp_path: Path
) -> None:
    """A corpus folder's own advice.yaml is used without any setting."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for source in Path(seed_library.corpus).glob("*.txt"):
        (corpus / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    write(corpus, f"include:\n  - episode: {EPISODE}\n    timestamp: 01:26:15\n")
    library = Library.load(corpus, tmp_path / "index.sqlite3")
    try:
        assert len(build_pool(library)) == 1
    finally:
        library.close()


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("include:\n  - episode: nope\n    timestamp: 00:01:00\n", 2, "episode 'nope' is not"),
        (f"include:\n  - episode: {EPISODE}\n    timestamp: 1h\n", 2, "not HH:MM:SS"),
        (f"exclude:\n  - episode: {EPISODE}\n    timestamp: 00:00:01\n", 2, "nothing is said at"),
        (
            f"include:\n  - episode: {EPISODE}\n    timestamp: 01:24:34\n    text: never said\n",
            2,
            "text not found",
        ),
        ("include:\n  - key: x:1\n    colour: red\n", 3, "unknown field `colour`"),
        ("includes: []\n", 1, "unknown key `includes`"),
        ("include:\n  - just text\n", 2, "expected `episode:`"),
        ("heuristic: maybe\n", 1, "true or false"),
        ("heuristic: 2025-13-45\n", 1, "true or false"),  # PyYAML's ValueError
        ("include: [\n", 2, "not valid YAML"),
    ],
)
def test_bad_entries_are_reported_by_file_and_line(
    seed_library: Library, tmp_path: Path, text: str, line: int, message: str
) -> None:
    """Each kind of mistake names the file, the line and what is wrong."""
    path = write(tmp_path, text)
    with pytest.raises(CurationError) as error:
        build_pool(seed_library, curation_file=path)
    assert str(error.value).startswith(f"{path}:{line}: ")
    assert message in str(error.value)


def test_a_curation_path_that_cannot_be_read_is_one_error(
    seed_library: Library, tmp_path: Path
) -> None:
    """A folder given as the curation file (or one the process may not read) names the path."""
    with pytest.raises(CurationError) as error:
        build_pool(seed_library, curation_file=tmp_path)
    assert str(error.value).startswith(f"{tmp_path}: cannot be read: ")
