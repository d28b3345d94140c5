"""Query examples taken from the loaded library, so that help never suggests a speaker, section
or word the corpus does not have (the seed's `speaker:stefan writing` on someone else's
podcast). Each example is built from one passage, so each one finds at least that passage."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from .models import UNKNOWN_SPEAKER, Passage, QueryExamples, SpeakerInfo
from .text import fold

KEYWORD = re.compile(r"[^\W\d_]{5,14}")
# Words too common to show what search does, even though they are not stop words.
COMMON = frozenset(
    "about actually after again always another around because before being better could "
    "doing every going great really right should since something sometimes still thing "
    "things think those though thought through today where which while would years yeah "
    "there their these other first people little maybe kind sort lot just like know okay "
    "pretty probably point whole stuff guess means different certain whether thanks welcome "
    "everyone anything everything nothing someone somebody always never usually".split()
)
TITLE_WORD = re.compile(r"[^\W\d_]{3,}")
LITTLE_WORDS = frozenset("and are but for how the was who why with you your what when".split())


def build_examples(speakers: Sequence[SpeakerInfo], sample: Sequence[Passage]) -> QueryExamples:
    """Examples from a sample of passages (the first few hundred of the index) and the speakers.

    Words are picked by how many sample passages use them: present in more than one (a word
    of the podcast, not a one-off) but not in most (not filler)."""
    if not sample:
        return QueryExamples()
    frequency = Counter(w for p in sample for w in {fold(k) for k in KEYWORD.findall(p.text)})
    ceiling = max(3, len(sample) // 5)

    def keyword(passage: Passage, avoid: tuple[str, ...] = ()) -> str | None:
        words = {fold(w) for w in KEYWORD.findall(passage.text)} - COMMON - set(avoid)
        if not words:
            return None
        return max(
            sorted(words),
            key=lambda w: (1 < frequency[w] <= ceiling, min(frequency[w], ceiling), len(w)),
        )

    ranked = sorted(sample, key=lambda p: (-len(KEYWORD.findall(p.text)), p.key))
    first = next((p for p in ranked if keyword(p)), None)
    if first is None:
        return QueryExamples()
    word = keyword(first) or ""
    examples = QueryExamples(word=word, phrase=_phrase(first.text))

    named = [s for s in speakers if s.name != UNKNOWN_SPEAKER]
    for speaker in sorted(named, key=lambda s: (-s.passages, s.name)):
        theirs = next((p for p in ranked if p.speaker == speaker.name and keyword(p)), None)
        if theirs is not None:
            value = fold(speaker.aliases[0] if speaker.aliases else speaker.name)
            examples = examples.with_speaker(
                _filter("speaker", value), speaker.name, keyword(theirs, (word,)) or word
            )
            break

    titled = next((p for p in ranked if _title_word(p.section) and keyword(p)), None)
    if titled is not None:
        hint = _title_word(titled.section) or ""
        examples = examples.with_section(_filter("in", hint), hint, keyword(titled) or "")

    episode_word = _title_word(first.episode.title)
    if episode_word:
        examples = examples.with_episode(_filter("episode", episode_word), word)
    return examples


def _filter(name: str, value: str) -> str:
    return f'{name}:"{value}"' if " " in value else f"{name}:{value}"


def _title_word(title: str) -> str | None:
    """The first word of a title worth typing as a filter (`Why I left Google` -> `left`)."""
    words = [fold(w) for w in TITLE_WORD.findall(title)]
    return next((w for w in words if w not in LITTLE_WORDS and len(w) >= 4), None) or next(
        iter(words), None
    )


def _phrase(text: str) -> str:
    """Two neighbouring words of `text`, written as the passage has them (`stack ranking`)."""
    pairs = re.findall(r"(?<![\w'’])([^\W\d_]{3,}) ([^\W\d_]{3,})(?![\w'’])", text)
    for left, right in pairs:
        if fold(left) in COMMON | LITTLE_WORDS or fold(right) in COMMON | LITTLE_WORDS:
            continue
        if max(len(left), len(right)) >= 5:
            return f"{fold(left)} {fold(right)}"
    return ""
