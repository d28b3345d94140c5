"""Advice of the day: which passages read as advice, the curation file, and the rotation.

The heuristic, in the order it is applied to every passage of the library:

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

Curation beats all of it: see `load_curation` for the YAML file that defines or filters the pool.
Rotation is `rotation_index`: a pure function of the pool, the channel and the date.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..errors import QuotebotError
from ..library import Library
from ..models import Hit, Passage, format_timestamp
from ..text import fold, split_sentences, words

MIN_WORDS, MAX_WORDS = 20, 80
MIN_SCORE = 2.0
SPEAKER_MODES = ("guests", "any")
CURATION_FILE = "advice.yaml"

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
ADVICE_PHRASES = tuple(
    re.compile(rf"\b{pattern}\b", re.IGNORECASE)
    for pattern in (
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


class CurationError(QuotebotError):
    """A bad entry in the advice curation file, reported as `file:line: problem`."""


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
    count = len(words(text))
    if not MIN_WORDS <= count <= MAX_WORDS:
        return 0.0, (f"{count} words",)
    first = fold(words(text)[0]).replace("’", "'")
    if first in MID_THOUGHT or re.match(r"(you know|i mean)\b", text, re.IGNORECASE):
        return 0.0, (f"starts mid-thought ({words(text)[0]!r})",)
    if text.endswith("?") or not text.rstrip("\"'”’)").endswith((".", "!", "…")):
        return 0.0, ("not a finished statement",)
    if PLUG.search(text):
        return 0.0, ("a plug",)
    score, reasons = 0.0, []
    if passage.section and ADVICE_SECTION.search(passage.section):
        score += 3
        reasons.append("advice section")
    phrases = [m.group(0).lower() for p in ADVICE_PHRASES for m in p.finditer(text)]
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


def heuristic_pool(passages: Iterable[Passage], speakers: str = "guests") -> list[Candidate]:
    """Every passage that scores at least MIN_SCORE, best first.

    A passage inside one of the publisher's soundbites is a candidate whoever speaks it (the
    publisher chose it as a highlight), as long as it stands alone: a finished statement of 8
    to 80 words that is not a plug.
    """
    found = []
    for passage in passages:
        score, reasons = score_passage(passage, speakers)
        bite = soundbite_title(passage)
        if bite is not None and _soundbite_stands_alone(passage):
            kept = reasons if score > 0 else ()
            score, reasons = max(score, 0.0) + MIN_SCORE, (f"soundbite “{bite}”", *kept)
        if score >= MIN_SCORE:
            found.append(Candidate(passage, score, reasons))
    return sorted(found, key=lambda c: (-c.score, c.id))


# -- curation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurationEntry:
    """One include or exclude line: a key, or an episode and timestamp, and optional text."""

    line: int
    episode: str | None = None
    seconds: int | None = None
    key: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class Curation:
    """The parsed curation file: chosen excerpts, excluded ones, and whether heuristics add more."""

    path: Path
    include: tuple[CurationEntry, ...] = ()
    exclude: tuple[CurationEntry, ...] = ()
    heuristic: bool = True


def load_curation(path: Path | str) -> Curation:
    """Parse a curation file; raise CurationError naming file and line for anything wrong.

    Format::

        heuristic: false          # optional; default false when `include` lists anything
        include:
          - episode: peterman-pod-2025-08-15-stefan-mai   # episode id (or unique prefix)
            timestamp: "01:24:34"                        # where the turn starts
            text: My main thing would be to learn to be a critic first. … Go read a doc.
          - key: peterman-pod-2025-08-15-stefan-mai:470  # or a passage key
        exclude:
          - episode: peterman-pod-2025-08-15-stefan-mai
            timestamp: "01:30:26"
    """
    path = Path(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CurationError(f"{path}: no such file") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise CurationError(f"{path}:{line}: not valid YAML") from None
    if root is None:
        return Curation(path)
    if not isinstance(root, yaml.MappingNode):
        raise CurationError(f"{path}:{_line(root)}: expected keys include, exclude, heuristic")
    sections: dict[str, list[CurationEntry]] = {"include": [], "exclude": []}
    heuristic: bool | None = None
    for key_node, value in root.value:
        name = key_node.value
        if name == "heuristic":
            parsed = yaml.safe_load(yaml.serialize(value))
            if not isinstance(parsed, bool):
                raise CurationError(f"{path}:{_line(value)}: heuristic must be true or false")
            heuristic = parsed
        elif name in sections:
            if isinstance(value, yaml.ScalarNode) and value.value in ("", "~", "null"):
                continue
            if not isinstance(value, yaml.SequenceNode):
                raise CurationError(f"{path}:{_line(value)}: {name} must be a list of entries")
            sections[name] = [_entry(path, node) for node in value.value]
        else:
            raise CurationError(
                f"{path}:{_line(key_node)}: unknown key `{name}` "
                "(known keys: include, exclude, heuristic)"
            )
    if heuristic is None:
        heuristic = not sections["include"]
    return Curation(path, tuple(sections["include"]), tuple(sections["exclude"]), heuristic)


def _entry(path: Path, node: yaml.Node) -> CurationEntry:
    where = f"{path}:{_line(node)}"
    if not isinstance(node, yaml.MappingNode):
        raise CurationError(f"{where}: expected `episode:` and `timestamp:` (or `key:`)")
    fields: dict[str, Any] = {}
    for key_node, value in node.value:
        name = key_node.value
        if name not in ("episode", "timestamp", "key", "text"):
            raise CurationError(
                f"{path}:{_line(key_node)}: unknown field `{name}` "
                "(known: episode, timestamp, key, text)"
            )
        if not isinstance(value, yaml.ScalarNode):
            raise CurationError(f"{path}:{_line(value)}: `{name}` must be a single value")
        fields[name] = value.value.strip()
    line = _line(node)
    if "key" in fields:
        if "episode" in fields or "timestamp" in fields:
            raise CurationError(f"{where}: give either `key:` or `episode:` + `timestamp:`")
        return CurationEntry(line, key=fields["key"], text=fields.get("text") or None)
    if not fields.get("episode") or not fields.get("timestamp"):
        raise CurationError(f"{where}: an entry needs `episode:` and `timestamp:` (or `key:`)")
    seconds = _seconds(fields["timestamp"])
    if seconds is None:
        raise CurationError(
            f"{where}: timestamp {fields['timestamp']!r} is not HH:MM:SS, MM:SS or seconds"
        )
    return CurationEntry(line, fields["episode"], seconds, text=fields.get("text") or None)


def apply_curation(
    library: Library, curation: Curation, heuristic: Sequence[Candidate]
) -> list[Candidate]:
    """The pool the curation file defines: its includes (+ heuristics if kept), minus excludes."""
    passages = list(library.passages())
    by_episode: dict[str, list[Passage]] = {}
    for passage in passages:
        by_episode.setdefault(passage.episode.id, []).append(passage)
    by_key = {p.key: p for p in passages}
    included: list[Candidate] = []
    for entry in curation.include:
        for passage in _resolve(curation.path, entry, by_episode, by_key, include=True):
            score, reasons = score_passage(passage, "any")
            included.append(Candidate(passage, max(score, 10.0), ("curated", *reasons), True))
    excluded: set[str] = set()
    for entry in curation.exclude:
        excluded.update(p.key for p in _resolve(curation.path, entry, by_episode, by_key, False))
    # A curated excerpt replaces the heuristic's whole passage it was cut from.
    curated_keys = {c.passage.key for c in included}
    kept = [c for c in heuristic if c.passage.key not in curated_keys] if curation.heuristic else []
    pool = {c.id: c for c in (*included, *kept) if c.passage.key not in excluded}
    return list(pool.values())


def _resolve(
    path: Path,
    entry: CurationEntry,
    by_episode: dict[str, list[Passage]],
    by_key: dict[str, Passage],
    include: bool,
) -> list[Passage]:
    where = f"{path}:{entry.line}"
    if entry.key is not None:
        passage = by_key.get(entry.key)
        if passage is None:
            raise CurationError(f"{where}: no passage has key {entry.key!r}")
        turn = [passage]
    else:
        episode_id = _episode_id(where, entry.episode or "", by_episode)
        turn = [p for p in by_episode[episode_id] if p.seconds == entry.seconds]
        if not turn:
            starts = sorted({p.seconds for p in by_episode[episode_id]})
            nearest = sorted(starts, key=lambda s: abs(s - (entry.seconds or 0)))[:3]
            shown = ", ".join(format_timestamp(s) for s in sorted(nearest))
            raise CurationError(
                f"{where}: nothing is said at {format_timestamp(entry.seconds or 0)} in "
                f"{episode_id} (nearest: {shown})"
            )
    if entry.text is None:
        # Without text, an include picks the first passage there; an exclude drops the turn.
        return turn[:1] if include else turn
    joined = " ".join(p.text for p in turn)
    start = _find_normalised(joined, entry.text)
    if start is None:
        raise CurationError(f"{where}: text not found in what is said there: {entry.text[:60]!r}")
    if not include:
        return turn
    # The excerpt keeps the key of the passage it starts in, so links and context still work.
    offset, owner = 0, turn[0]
    for passage in turn:
        if offset > start:
            break
        owner = passage
        offset += len(passage.text) + 1
    return [replace(owner, text=" ".join(entry.text.split()))]


def _episode_id(where: str, wanted: str, by_episode: dict[str, list[Passage]]) -> str:
    if wanted in by_episode:
        return wanted
    matches = [e for e in by_episode if e.startswith(wanted.lower())]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(sorted(by_episode)[:10])
    problem = "is ambiguous" if matches else "is not in the library"
    raise CurationError(f"{where}: episode {wanted!r} {problem} (episodes: {known})")


def _find_normalised(haystack: str, needle: str) -> int | None:
    """Where `needle` starts in `haystack`, ignoring case, spacing and curly quotes; an
    ellipsis (`…` or `...`) in `needle` skips words, the pieces still in order."""

    def norm(text: str) -> str:
        return " ".join(fold(text).replace("’", "'").split())

    text = norm(haystack)
    pieces = [norm(piece) for piece in re.split(r"…|\.\.\.", needle)]
    pieces = [piece for piece in pieces if piece]
    if not pieces:
        return None
    start = position = text.find(pieces[0])
    for piece in pieces[1:]:
        if position < 0:
            break
        position = text.find(piece, position + 1)
    return start if start >= 0 and position >= 0 else None


# -- the pool and its rotation -----------------------------------------------------------------


class AdvicePool:
    """The candidates, and the advice a channel gets on a day."""

    def __init__(self, candidates: Iterable[Candidate], source: str = "heuristic") -> None:
        self.candidates = tuple(candidates)
        self.source = source
        # Rotation order does not depend on scores or file order: only on the members.
        self._ordered = tuple(sorted(self.candidates, key=lambda c: c.id))
        self._ids = tuple(c.id for c in self._ordered)
        # A cycle's order costs a hash per member; it serves `len(pool)` days, so keep it.
        self._cycle_order = functools.lru_cache(maxsize=1024)(
            lambda channel, cycle: tuple(_cycle_order(self._ids, channel, cycle))
        )

    def __len__(self) -> int:
        return len(self.candidates)

    def advice_for(self, channel: str, day: date) -> Hit:
        """Today's advice for a channel: stable for (channel, day), no repeat within a cycle."""
        if not self._ids:
            raise QuotebotError("The advice pool is empty: nothing in the library reads as advice.")
        return self._ordered[rotation_index(self._ids, channel, day, self._cycle_order)].hit()


def rotation_index(
    ids: Sequence[str],
    channel: str,
    day: date,
    order_of: Callable[[str, int], Sequence[int]] | None = None,
) -> int:
    """Which pool member a channel gets on a day: a per-channel shuffle, one member per day.

    Days are numbered from 0001-01-01; day n falls in cycle n // len(ids) at position
    n % len(ids). Each cycle orders the pool by sha256(channel, cycle, id), so every member comes
    once per cycle, a new cycle is a fresh shuffle, and the answer depends only on the pool, the
    channel and the date: replicas agree without talking. A cycle never opens with the member
    the previous one closed on. Changing the pool changes the cycle length, so the sequence
    starts over from another shuffle: members seen recently may come round sooner.
    """
    size = len(ids)
    number = day.toordinal()
    if size <= 2:
        return number % size
    cycle, position = divmod(number, size)
    order_of = order_of or (lambda channel_, cycle_: _cycle_order(ids, channel_, cycle_))
    order = list(order_of(channel, cycle))
    if order[0] == order_of(channel, cycle - 1)[-1]:
        order[0], order[1] = order[1], order[0]
    return order[position]


def _cycle_order(ids: Sequence[str], channel: str, cycle: int) -> list[int]:
    def rank(index: int) -> bytes:
        return hashlib.sha256(f"{channel}\0{cycle}\0{ids[index]}".encode()).digest()

    return sorted(range(len(ids)), key=rank)


def build_pool(
    library: Library, speakers: str = "guests", curation_file: Path | str | None = None
) -> AdvicePool:
    """The advice pool for a library: the curation file when given (or `advice.yaml` beside the
    transcripts), else the heuristic."""
    if speakers not in SPEAKER_MODES:
        raise QuotebotError(f"advice speakers must be one of {', '.join(SPEAKER_MODES)}")
    heuristic = heuristic_pool(library.passages(), speakers)
    path = Path(curation_file) if curation_file else None
    if path is None and library.corpus.is_dir() and (library.corpus / CURATION_FILE).is_file():
        path = library.corpus / CURATION_FILE
    if path is None:
        return AdvicePool(tuple(heuristic))
    curation = load_curation(path)
    return AdvicePool(tuple(apply_curation(library, curation, heuristic)), str(path))


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


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _seconds(value: str) -> int | None:
    parts = value.strip().split(":")
    if not all(part.isdigit() for part in parts) or not 1 <= len(parts) <= 3:
        return None
    total = 0
    for part in parts:
        total = total * 60 + int(part)
    return total
