"""A short stretch of speech summed up as a vector that differs between voices.

Mel-frequency cepstral coefficients (the spectral envelope: vocal tract, timbre) averaged over
the loud frames of a window, plus the window's median pitch. Plain numpy:
the CPU diarization libraries on the registry need PyTorch and download their embedding model
from a model hub at first use, which an operator's server (and this project's CI) may not do.
"""

from __future__ import annotations

from typing import Any

import numpy as np

SAMPLE_RATE = 16_000
FRAME = 400  # 25 ms
HOP = 160  # 10 ms
FFT = 512
MELS = 26
COEFFICIENTS = 13
CHUNK_FRAMES = 6_000  # a minute of frames


def _mel_filters() -> Any:
    def to_mel(hz: Any) -> Any:
        return 2595.0 * np.log10(1.0 + hz / 700.0)

    def to_hz(mel: Any) -> Any:
        return 700.0 * (10 ** (mel / 2595.0) - 1.0)

    edges = to_hz(np.linspace(to_mel(60.0), to_mel(7600.0), MELS + 2))
    bins = np.floor((FFT + 1) * edges / SAMPLE_RATE).astype(int)
    filters = np.zeros((MELS, FFT // 2 + 1), dtype=np.float32)
    for m in range(1, MELS + 1):
        left, centre, right = bins[m - 1], bins[m], bins[m + 1]
        for k in range(left, centre):
            filters[m - 1, k] = (k - left) / max(centre - left, 1)
        for k in range(centre, right):
            filters[m - 1, k] = (right - k) / max(right - centre, 1)
    return filters


_FILTERS = _mel_filters()
_DCT = np.cos(
    np.pi / MELS * (np.arange(MELS)[None, :] + 0.5) * np.arange(COEFFICIENTS + 1)[:, None]
).astype(np.float32)


def frame_features(samples: Any) -> tuple[Any, Any, Any]:
    """(MFCCs without c0, log energy, pitch in Hz or 0) for every 10 ms frame.

    Computed a minute at a time: an hour of audio framed at once would take gigabytes.
    """
    samples = np.asarray(samples, dtype=np.float32)
    if len(samples) < FRAME:
        samples = np.pad(samples, (0, FRAME - len(samples)))
    emphasised = np.append(samples[0], samples[1:] - 0.97 * samples[:-1]).astype(np.float32)
    count = 1 + (len(emphasised) - FRAME) // HOP
    window = np.hamming(FRAME).astype(np.float32)
    parts: list[tuple[Any, Any, Any]] = []
    for first in range(0, count, CHUNK_FRAMES):
        number = min(CHUNK_FRAMES, count - first)
        index = np.arange(FRAME)[None, :] + HOP * (first + np.arange(number))[:, None]
        frames = emphasised[index] * window
        spectrum = np.abs(np.fft.rfft(frames, FFT)) ** 2
        mel = np.log(spectrum @ _FILTERS.T + 1e-10)
        cepstra = mel @ _DCT.T
        energy = np.log(np.sum(frames**2, axis=1) + 1e-10)
        parts.append((cepstra[:, 1:], energy, _pitch(samples[index])))
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )


def _pitch(frames: Any) -> Any:
    """Autocorrelation pitch per frame (70–400 Hz); 0 where the frame is not voiced."""
    centred = frames - frames.mean(axis=1, keepdims=True)
    spectrum = np.fft.rfft(centred, 2 * FRAME)
    corr = np.fft.irfft(np.abs(spectrum) ** 2)[:, :FRAME]
    low, high = SAMPLE_RATE // 400, SAMPLE_RATE // 70
    lag = low + np.argmax(corr[:, low:high], axis=1)
    peak = corr[np.arange(len(corr)), lag]
    voiced = peak > 0.4 * (corr[:, 0] + 1e-10)
    return np.where(voiced, SAMPLE_RATE / lag, 0.0)


def window_vectors(samples: Any, windows: list[tuple[float, float]]) -> Any:
    """One vector per (start, end) window in seconds: mean MFCCs, then log pitch (last).

    NaN marks what a window has too little sound to tell.
    """
    cepstra, energy, pitch = frame_features(samples)
    vectors = []
    for start, end in windows:
        first = int(start * SAMPLE_RATE / HOP)
        last = max(first + 1, int(end * SAMPLE_RATE / HOP))
        c, e, p = cepstra[first:last], energy[first:last], pitch[first:last]
        if len(c) == 0:
            vectors.append(np.full(COEFFICIENTS + 1, np.nan, dtype=np.float32))
            continue
        # Loud frames carry the voice; quiet ones are breath, room and the other speaker's tail.
        loud = e >= np.percentile(e, 40)
        c = c[loud] if loud.any() else c
        voiced = p[(p > 0) & loud[: len(p)]] if loud.any() else p[p > 0]
        # No voiced frame (a breath, "hm"): unknown, filled in by the caller.
        pitch_value = np.log(np.median(voiced)) if len(voiced) else np.nan
        vectors.append(np.concatenate([c.mean(axis=0), [pitch_value]]))
    return np.asarray(vectors, dtype=np.float32)
