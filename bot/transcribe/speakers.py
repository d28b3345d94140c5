"""Who speaks when: the words cut into phrases at pauses and sentence ends, each phrase's
voiceprint clustered with k-means, one cluster per speaker.

Speaker changes in conversation fall at a pause or the end of a sentence almost always, so a
phrase is the unit that is labelled; a phrase long enough to give a steady voiceprint is far
more reliable than fixed windows that straddle two voices. Limits, measured in the README:
two voices of different pitch and timbre separate well; two similar voices, crosstalk and a
laugh over someone's sentence do not, which is why the labels are `Speaker 1`, `Speaker 2`
until a manager names them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..transcripts.word_times import TimedWord
from .voiceprint import window_vectors

PAUSE = 0.3  # seconds of silence that may separate two speakers
STEADY = 1.0  # seconds of speech that give a voiceprint steady enough to shape the clusters
# Pitch is one number against 13 cepstral ones, yet it tells voices apart best (on the
# synthesized dialogue its Fisher ratio is 22, the best cepstral coefficient's 1.8): weighted so
# that it counts about as much as the spectral envelope.
PITCH_WEIGHT = 3.5
# Cepstral clusters appear in any voice (vowels against sibilants); a second speaker is only
# believed when the clusters also differ in pitch. One espeak-ng voice splits at 2.2
# semitones, two at 6.1; people of the same sex often differ by 2 to 4, so the count is best
# given (the feed's hosts and guests, or --speakers).
AUTO_PITCH_GAP = 3.0
SHORT = 1.0  # a phrase shorter than this borrows its neighbours' speaker when they agree
MAX_AUTO_SPEAKERS = 4
# Below this silhouette the voices do not form clusters: one speaker.
ONE_VOICE_SILHOUETTE = 0.12
SENTENCE_END = (".", "?", "!", "…")


@dataclass(frozen=True)
class Phrase:
    """Consecutive words with no pause or sentence end inside: said by one speaker."""

    first: int  # index of its first word
    last: int  # index of its last word, inclusive
    start: float
    end: float


def phrases_of(words: Sequence[TimedWord]) -> list[Phrase]:
    """The words grouped into phrases, split at pauses of PAUSE seconds and sentence ends."""
    found: list[Phrase] = []
    first = 0
    for index in range(1, len(words) + 1):
        at_end = index == len(words)
        if not at_end:
            gap = words[index].start - words[index - 1].end
            ends_sentence = words[index - 1].text.endswith(SENTENCE_END)
        if at_end or gap >= PAUSE or ends_sentence:
            found.append(Phrase(first, index - 1, words[first].start, words[index - 1].end))
            first = index
    return found


def speaker_of_words(
    samples: Any, words: Sequence[TimedWord], speakers: int | None = None
) -> list[int]:
    """A speaker number (0, 1, … in order of first appearance) for every word.

    `speakers` is how many voices there are when known (from the feed's hosts and guests);
    None estimates it, between 1 and MAX_AUTO_SPEAKERS.
    """
    if not words:
        return []
    phrases = phrases_of(words)
    if speakers == 1 or len(phrases) < 2:
        return [0] * len(words)
    vectors = window_vectors(samples, [(p.start, max(p.end, p.start + 0.2)) for p in phrases])
    weights = np.array([max(p.end - p.start, 0.2) for p in phrases])
    steady = weights >= STEADY
    if steady.sum() < 2:
        steady = np.ones(len(phrases), dtype=bool)
    filled = _filled(vectors, weights)
    vectors = _standardised(filled, weights)
    vectors[:, -1] *= PITCH_WEIGHT
    clusters = _cluster(vectors[steady], weights[steady], filled[steady, -1], speakers)
    labels = _nearest(vectors, clusters, steady)
    labels = _smoothed(labels, phrases)
    order: dict[int, int] = {}
    for label in labels:
        order.setdefault(int(label), len(order))
    per_word = [0] * len(words)
    for phrase, label in zip(phrases, labels, strict=True):
        for index in range(phrase.first, phrase.last + 1):
            per_word[index] = order[int(label)]
    return per_word


def _filled(vectors: Any, weights: Any) -> Any:
    """NaN features (a phrase with no voiced frame) set to the average of the others."""
    vectors = vectors.copy()
    for column in range(vectors.shape[1]):
        missing = np.isnan(vectors[:, column])
        if missing.all():
            vectors[:, column] = 0.0
        elif missing.any():
            known = ~missing
            vectors[missing, column] = np.average(vectors[known, column], weights=weights[known])
    return vectors


def _nearest(vectors: Any, steady_labels: Any, steady: Any) -> Any:
    """Labels for every phrase: the steady ones as clustered, short ones by the nearest
    cluster centre (too short to shape the clusters, long enough to be placed)."""
    labels = np.zeros(len(vectors), dtype=int)
    labels[steady] = steady_labels
    clusters = sorted(set(steady_labels.tolist()))
    centres = np.array([vectors[steady][steady_labels == c].mean(axis=0) for c in clusters])
    for index in np.flatnonzero(~steady):
        labels[index] = clusters[int(((centres - vectors[index]) ** 2).sum(axis=1).argmin())]
    return labels


def _standardised(vectors: Any, weights: Any) -> Any:
    mean = np.average(vectors, axis=0, weights=weights)
    spread = np.sqrt(np.average((vectors - mean) ** 2, axis=0, weights=weights)) + 1e-6
    return (vectors - mean) / spread


def _cluster(vectors: Any, weights: Any, log_pitch: Any, speakers: int | None) -> Any:
    """k-means with the given number of speakers; else the k with the best silhouette, kept
    only when its two main voices differ in pitch by AUTO_PITCH_GAP semitones or more."""
    if speakers is not None:
        return _kmeans(vectors, weights, min(speakers, len(vectors)))
    one_voice = np.zeros(len(vectors), dtype=int)
    best_labels, best_score = one_voice, ONE_VOICE_SILHOUETTE
    for k in range(2, min(MAX_AUTO_SPEAKERS, len(vectors) - 1) + 1):
        labels = _kmeans(vectors, weights, k)
        score = _silhouette(vectors, labels)
        if score > best_score:
            best_labels, best_score = labels, score
    if best_labels is one_voice or _pitch_gap(best_labels, weights, log_pitch) < AUTO_PITCH_GAP:
        return one_voice
    return best_labels


def _pitch_gap(labels: Any, weights: Any, log_pitch: Any) -> float:
    """Semitones between the median pitches of the two clusters that speak the most."""
    talk = sorted(set(labels.tolist()), key=lambda c: -weights[labels == c].sum())[:2]
    pitches = [np.average(log_pitch[labels == c], weights=weights[labels == c]) for c in talk]
    return float(abs(pitches[0] - pitches[1]) * 12 / np.log(2))


def _kmeans(vectors: Any, weights: Any, k: int, restarts: int = 8, rounds: int = 50) -> Any:
    """Weighted k-means with k-means++ seeding; the best of a few seeded restarts.

    Seeded, so the same audio always gives the same labels.
    """
    rng = np.random.default_rng(13)
    best, best_inertia = np.zeros(len(vectors), dtype=int), np.inf
    for _ in range(restarts):
        centres = [vectors[rng.integers(len(vectors))]]
        for _ in range(1, k):
            distance = np.min([((vectors - c) ** 2).sum(axis=1) for c in centres], axis=0)
            total = distance.sum()
            pick = rng.choice(len(vectors), p=distance / total) if total > 0 else 0
            centres.append(vectors[pick])
        centre_array = np.array(centres)
        labels = np.zeros(len(vectors), dtype=int)
        for round_ in range(rounds):
            distance = ((vectors[:, None, :] - centre_array[None, :, :]) ** 2).sum(axis=2)
            new_labels = distance.argmin(axis=1)
            if round_ > 0 and np.array_equal(new_labels, labels):
                break
            labels = new_labels
            for cluster in range(k):
                members = labels == cluster
                if members.any():
                    centre_array[cluster] = np.average(
                        vectors[members], axis=0, weights=weights[members]
                    )
        inertia = float((weights * distance[np.arange(len(vectors)), labels]).sum())
        if inertia < best_inertia:
            best, best_inertia = labels, inertia
    return best


def _silhouette(vectors: Any, labels: Any, sample: int = 1500) -> float:
    """Mean silhouette on at most `sample` phrases: how well the clusters stand apart."""
    if len(set(labels.tolist())) < 2:
        return -1.0
    if len(vectors) > sample:
        pick = np.random.default_rng(13).choice(len(vectors), sample, replace=False)
        vectors, labels = vectors[pick], labels[pick]
    # |a - b|² = |a|² + |b|² - 2a·b: an n×n matrix, not the n×n×d of a broadcast difference.
    squares = (vectors**2).sum(axis=1)
    distance = np.sqrt(np.maximum(squares[:, None] + squares[None, :] - 2 * vectors @ vectors.T, 0))
    scores = []
    for index in range(len(vectors)):
        own = labels == labels[index]
        if own.sum() < 2:
            scores.append(0.0)
            continue
        inside = distance[index, own].sum() / (own.sum() - 1)
        outside = min(
            distance[index, labels == other].mean()
            for other in set(labels.tolist())
            if other != labels[index]
        )
        scores.append((outside - inside) / max(inside, outside, 1e-9))
    return float(np.mean(scores))


def _smoothed(labels: Any, phrases: Sequence[Phrase]) -> Any:
    """A short phrase between two phrases of one speaker is theirs: "and", "so" and "right"
    are too short for a steady voiceprint."""
    labels = labels.copy()
    for index in range(1, len(phrases) - 1):
        short = phrases[index].end - phrases[index].start < SHORT
        if short and labels[index - 1] == labels[index + 1] != labels[index]:
            labels[index] = labels[index - 1]
    return labels
