"""A machine-made markdown transcript read with its sidecars: word times give passages their
own seconds, `speakers:` names the voices, and the sidecars are never transcripts themselves."""

from __future__ import annotations

from pathlib import Path

from bot.search.passages import build_passages
from bot.transcripts.corpus import transcript_files
from bot.transcripts.formats import companions_of, parse_transcript
from bot.transcripts.word_times import TimedWord, dumps, words_document

LONG_TURN = (
    "First we hired slowly and carefully for a year. Then the market turned and the budget "
    "froze overnight for every team in the company. Nobody told us why it happened at all. "
    "Later the layoffs came in three waves over the summer and the autumn. Each wave was "
    "announced on a Tuesday morning by email, with a short video from the chief executive and "
    "a meeting invitation for everyone who had to leave that same afternoon."
)


def write_episode(folder: Path, text: str = LONG_TURN) -> Path:
    """A one-turn transcript whose sidecar says each word came one second after the last."""
    path = folder / "ep.md"
    path.write_text(f"---\nepisode_title: Ep\n---\nSpeaker 1 00:00:10:\n\n{text}\n")
    spoken = LONG_TURN.split()
    timed = [TimedWord(10.0 + i, 10.5 + i, word) for i, word in enumerate(spoken)]
    (folder / "ep.words.json").write_text(dumps(words_document(timed)))
    return path


def sentence_seconds(path: Path) -> dict[str, int]:
    """The second each sentence is quoted at, by its first word."""
    transcript = parse_transcript(path, "ep")
    return {s.text.split()[0]: s.seconds for turn in transcript.turns for s in turn.segments}


def test_a_sentence_inside_a_long_turn_gets_the_time_its_first_word_was_said(
    tmp_path: Path,
) -> None:
    """The sentence starting at word 35 (`Later`) is quoted at 10 + 34 seconds."""
    seconds = sentence_seconds(write_episode(tmp_path))
    assert seconds["First"] == 10
    assert seconds["Later"] == 10 + LONG_TURN.split().index("Later")


def test_a_passage_starts_at_the_time_of_its_first_sentence(tmp_path: Path) -> None:
    """Passages cut from the long turn carry their own seconds, not the turn's."""
    transcript = parse_transcript(write_episode(tmp_path), "ep")
    drafts = build_passages(transcript)
    assert len(drafts) > 1
    for draft in drafts:
        assert draft.seconds == 10 + LONG_TURN.split().index(draft.text.split()[0])


def test_text_corrected_by_hand_keeps_the_times_of_the_words_around_it(tmp_path: Path) -> None:
    """A misheard word fixed and a sentence rewritten: the next sentence keeps its time."""
    corrected = LONG_TURN.replace("Nobody told us why it happened at all.", "No one said why.")
    corrected = corrected.replace("layoffs", "lay-offs")
    seconds = sentence_seconds(write_episode(tmp_path, corrected))
    assert seconds["Later"] == 10 + LONG_TURN.split().index("Later")


def test_the_speakers_mapping_of_the_sidecar_names_the_voices(tmp_path: Path) -> None:
    """`Speaker 1: Ada Lovelace` in ep.yaml: the turn is Ada Lovelace's."""
    path = write_episode(tmp_path)
    (tmp_path / "ep.yaml").write_text("speakers:\n  Speaker 1: Ada Lovelace\n  Speaker 2:\n")
    transcript = parse_transcript(path, "ep")
    assert transcript.episode.speakers == ("Ada Lovelace",)
    assert {kind for kind, _ in companions_of(path)} == {"sidecar", "words"}


def test_word_sidecars_are_not_transcripts(tmp_path: Path) -> None:
    """`ep.words.json` travels with `ep.md` and is never read as a JSON transcript."""
    write_episode(tmp_path)
    assert [path.name for _, path in transcript_files(tmp_path)] == ["ep.md"]
