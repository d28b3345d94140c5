"""Which passages read as advice: the heuristic, applied to one passage at a time.

The heuristic, in the order it is applied:

1. **Who**: by default only guests speak advice (the episode's `guest_name`, or anyone but its
   `host_name`; every speaker when neither is known). `QUOTEBOT_ADVICE_SPEAKERS=any` lifts it.
2. **Size**: 20 to 80 words, ending a sentence, not a question: one to a few sentences that
   stand on their own.
3. **Not mid-thought**: the first word is not a connective or a pointer back to something
   said before ("And", "So", "Yeah", "That's", "Those", "It", ...).
4. **Score**: a section whose title promises advice ("Advice for younger self", "How to write
   better", "Storytelling tips") is worth 3; each advice phrase ("my main thing would be",
   "the key is", "learn to", "you should", ...) 2, at most 6; each sentence in the imperative
   ("Go read a doc.", "Figure out ...") 1, at most 3; talking to "you" (not "you know") 1; a
   general truth ("most people", "the best way") 1. Story-telling ("I remember", "I was") and
   filler ("you know", "kind of") cost a little; plugs ("email", "sponsor") are ruled out. A
   passage needs `MIN_SCORE` to enter the pool.

Scoring is a pure function of one passage and its episode, so it runs once per passage when the
passage is indexed (see `candidates.py`), never at start-up.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..models import Hit, Passage
from ..text import fold, split_sentences, words

# Bump when the heuristic changes: stored scores are then recomputed, once, episode by episode.
# (Soundbites did not bump it: only feed episodes carry them, and no store scored one before.)
SCORER_VERSION = "1"

MIN_WORDS, MAX_WORDS = 20, 80
MIN_SCORE = 2.0
SPEAKER_MODES = ("guests", "any")


# First words that continue a thought begun elsewhere.
MID_THOUGHT = frozenset(
    "and so but yeah yep yes no nope or because cause 'cause then also which well oh um uh "
    "right exactly like that that's thats this these those it it's its they them there there's "
    "he she his her plus anyway okay ok sure totally absolutely again too".split()
)
ADVICE_SECTION = re.compile(
    r"\b(advice|tips?|how to|lessons?|mistakes?|recommend\w*|dos and don|rules? of|guide)\b",
    re.IGNORECASE,
)
PHRASE_PATTERNS = (
    r"my (main|biggest|best|top|one) (thing|advice|tip|piece of advice)",
    r"my advice",
    r"the key (is|thing)",
    r"the (trick|secret) is",
    r"learn(ed)? (to|how to)",
    r"you (should|shouldn't|need to|have to|want to|must|ought to)",
    r"make sure",
    r"(don't|never) be afraid",
    r"(i would|i'd) (tell|recommend|suggest|encourage)",
    r"(tell|remind) (myself|yourself)",
    r"the (best|only) way to",
    r"it's (important|worth|crucial|critical) to",
    r"focus(ed)? on the",
    r"if you (just|can|want|assume|don't)",
    r"you('ve)? (got to|gotta)",
    r"you('re| are) (going to|gonna) (fail|struggle|succeed|grow)",
    r"can be (really |very |incredibly )?(helpful|useful|valuable|powerful)",
    r"force yourself",
    r"ask yourself",
    r"the first step",
)
ADVICE_PHRASES = tuple(re.compile(rf"\b{p}\b", re.IGNORECASE) for p in PHRASE_PATTERNS)
# All of them at once: most passages have none, and one search rules that out (scoring runs on
# every passage of every episode indexed, so this is most of the indexing cost it adds).
ANY_ADVICE_PHRASE = re.compile(
    r"\b(?:" + "|".join(f"(?:{p})" for p in PHRASE_PATTERNS) + r")\b", re.IGNORECASE
)
# Verbs that open an imperative sentence ("Go read a doc.", "Don't ...").
IMPERATIVE_VERBS = frozenset(
    "ask be build don't do find focus figure forget get go keep learn look make pick practice "
    "put read remember spend start stop take talk think try understand write work say show "
    "invest never always avoid write".split()
)
GENERAL = re.compile(
    r"\b(most people|a lot of people|people who|what people don't realize|the best "
    r"(engineers|managers|people|way)|it's (very |really )?(hard|easy) to|can be (really )?hard)\b",
    re.IGNORECASE,
)
PLUG = re.compile(
    r"\b(sponsor\w*|e-?mail|promo code|subscribe|check out|link in|helping us|hear from you)\b",
    re.IGNORECASE,
)
STORY = re.compile(r"\b(i remember|i was|i had|we were|at the time|back in)\b", re.IGNORECASE)
FILLER = re.compile(r"\b(you know|kind of|sort of|i guess|i mean)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """A pool member: the passage (maybe trimmed), its score and why it scored."""

    passage: Passage
    score: float
    reasons: tuple[str, ...] = ()
    curated: bool = False

    @property
    def id(self) -> str:
        """Stable identity for the rotation: the key, plus a digest when the text was trimmed."""
        if not self.curated:
            return self.passage.key
        digest = hashlib.sha256(self.passage.text.encode()).hexdigest()[:8]
        return f"{self.passage.key}#{digest}"

    def hit(self) -> Hit:
        return Hit(self.passage, self.score)


def is_guest(passage: Passage) -> bool:
    """True when the speaker is the episode's guest (or not its host; anyone if neither known)."""
    meta = passage.episode.metadata or {}
    speaker = fold(passage.speaker)
    guests, hosts = _names(meta.get("guest_name")), _names(meta.get("host_name"))
    if guests:
        return any(_same_person(speaker, guest) for guest in guests)
    if hosts:
        return not any(_same_person(speaker, host) for host in hosts)
    return True


def score_passage(passage: Passage, speakers: str = "guests") -> tuple[float, tuple[str, ...]]:
    """The advice score of a passage and its reasons; score 0 with a reason when it is ruled out."""
    if speakers == "guests" and not is_guest(passage):
        return 0.0, ("not a guest",)
    text = passage.text.strip()
    tokens = words(text)
    count = len(tokens)
    if not MIN_WORDS <= count <= MAX_WORDS:
        return 0.0, (f"{count} words",)
    first = fold(tokens[0]).replace("’", "'")
    if first in MID_THOUGHT or re.match(r"(you know|i mean)\b", text, re.IGNORECASE):
        return 0.0, (f"starts mid-thought ({tokens[0]!r})",)
    if text.endswith("?") or not text.rstrip("\"'”’)").endswith((".", "!", "…")):
        return 0.0, ("not a finished statement",)
    if PLUG.search(text):
        return 0.0, ("a plug",)
    score, reasons = 0.0, []
    if passage.section and ADVICE_SECTION.search(passage.section):
        score += 3
        reasons.append("advice section")
    phrases = (
        [m.group(0).lower() for p in ADVICE_PHRASES for m in p.finditer(text)]
        if ANY_ADVICE_PHRASE.search(text)
        else []
    )
    if phrases:
        score += min(6, 2 * len(phrases))
        reasons.append("phrasing: " + ", ".join(dict.fromkeys(phrases)))
    imperatives = sum(1 for s in split_sentences(text) if _imperative(s))
    if imperatives:
        score += min(3, imperatives)
        reasons.append(f"{imperatives} imperative{'s' if imperatives > 1 else ''}")
    if re.search(r"\byou(r|rself)?\b", FILLER.sub("", text), re.IGNORECASE):
        score += 1
        reasons.append("speaks to you")
    if GENERAL.search(text):
        score += 1
        reasons.append("general truth")
    story, filler = len(STORY.findall(text)), len(FILLER.findall(text))
    if story:
        score -= 0.5 * story
        reasons.append("story")
    if filler:
        score -= 0.25 * filler
        reasons.append("filler")
    return score, tuple(reasons)


SOUNDBITE_MIN_WORDS = 8


def soundbite_title(passage: Passage) -> str | None:
    """The title of the publisher's `podcast:soundbite` the passage starts in (a feed's
    sidecar lists them as `soundbites: [{start, duration, title}]`), else None."""
    for bite in (passage.episode.metadata or {}).get("soundbites") or ():
        if not isinstance(bite, dict):
            continue
        try:
            start, duration = float(bite["start"]), float(bite["duration"])
        except (KeyError, TypeError, ValueError):
            continue
        # Passage times are whole seconds, rounded down: allow the second before the start.
        if start - 1 <= passage.seconds < start + duration:
            return str(bite.get("title") or "").strip() or "untitled"
    return None


def _soundbite_stands_alone(passage: Passage) -> bool:
    text = passage.text.strip()
    count = len(words(text))
    return (
        SOUNDBITE_MIN_WORDS <= count <= MAX_WORDS
        and not text.endswith("?")
        and not PLUG.search(text)
    )


def soundbite_of(passage: Passage) -> str | None:
    """The soundbite title when the passage is one that stands alone as a quote."""
    bite = soundbite_title(passage)
    return bite if bite is not None and _soundbite_stands_alone(passage) else None


def candidate_score(passage: Passage, speakers: str = "guests") -> tuple[float, tuple[str, ...]]:
    """score_passage, plus MIN_SCORE for a passage inside one of the publisher's soundbites:
    a candidate whoever speaks it (the publisher chose it as a highlight), as long as it stands
    alone (a finished statement of 8 to 80 words that is not a plug)."""
    score, reasons = score_passage(passage, speakers)
    bite = soundbite_of(passage)
    if bite is not None:
        kept = reasons if score > 0 else ()
        score, reasons = max(score, 0.0) + MIN_SCORE, (f"soundbite “{bite}”", *kept)
    return score, reasons


def heuristic_pool(passages: Iterable[Passage], speakers: str = "guests") -> list[Candidate]:
    """Every passage that scores at least MIN_SCORE (soundbites included), best first."""
    found = []
    for passage in passages:
        score, reasons = candidate_score(passage, speakers)
        if score >= MIN_SCORE:
            found.append(Candidate(passage, score, reasons))
    return sorted(found, key=lambda c: (-c.score, c.id))


def _names(value: Any) -> list[str]:
    if not value:
        return []
    items = value if isinstance(value, list) else re.split(r"\s*(?:,|&|\band\b)\s*", str(value))
    return [fold(str(item).strip()) for item in items if str(item).strip()]


def _same_person(speaker: str, name: str) -> bool:
    return speaker == name or speaker.split()[:1] == name.split()[:1]


def _imperative(sentence: str) -> bool:
    first = words(sentence)[:1]
    return bool(first) and fold(first[0]).replace("’", "'") in IMPERATIVE_VERBS
