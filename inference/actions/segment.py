"""Temporal segmentation: sliding windows over one person's track → per-frame class probabilities →
smoothed segments.

All NumPy; the networks are called by :mod:`inference.actions.labels`. Shapes: T frames on the
model's fixed-rate grid, V joints, C classes.

1. :func:`window_starts` — windows of ``frames`` frames every ``stride`` frames covering the track;
   a track shorter than a window gets one window with the track centred (the rest absent, as the
   partial windows seen in training).
2. :func:`frame_probabilities` — each frame's probabilities are the mean of the windows that cover it,
   weighted by a Hann taper so a window speaks mostly for its middle; frames no usable window covers
   are NaN.
3. :func:`smooth_labels` — moving average, then a hysteresis: the label changes only when another
   class beats the current one by ``margin``; frames whose best probability is below ``threshold``
   are "unknown".
4. :func:`segments_from_labels` — runs of one label; runs shorter than ``min_duration_s`` are given
   to the neighbour whose class is more probable over them, never over frames where the person is
   not tracked; confidence = mean probability of the label over the segment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.actions.classes import ActionClass

UNKNOWN = ActionClass.UNKNOWN


@dataclass(frozen=True)
class SegmentConfig:
    """window_s / stride_s: sliding windows; smooth_s: moving average of probabilities; threshold:
    least probability of a label in a frame (else unknown); margin: hysteresis; min_duration_s:
    shortest segment; min_presence: least fraction of a window's frames where the person is seen;
    min_confidence: least best probability of a window (else the window is unknown)."""

    stride_s: float = 0.25
    smooth_s: float = 0.5
    # A frame's label needs the majority of the (Hann-weighted) windows covering it.
    threshold: float = 0.5
    margin: float = 0.1
    min_duration_s: float = 0.5
    min_presence: float = 0.4
    # `python -m inference.actions.calibrate`, held-out-camera calibration draw (seed 998, 1300
    # windows, every plausibility check on): each band of best probability from 0.8 up holds
    # ≥ 95 % right windows (0.8-0.9: 22 of 22; 0.9-1: 1220 of 1220); 0.7-0.8 holds 13 of 14 since
    # the gait check's foot-motion threshold is measured on still feet (it was 0.7 with 13 of 13
    # before), 0.6-0.7 4 of 4, below 0.6 about half. Never fitted on the real clips. The test draw
    # (seed 999) has 6 of 11 right in 0.7-0.8 and 19 of 19 in 0.8-0.9: the bands below 0.9 hold
    # few windows.
    min_confidence: float = 0.8


def window_starts(num_frames: int, frames: int, stride: int) -> np.ndarray:
    """First frame of each window (may be negative for a track shorter than a window)."""
    if num_frames <= 0:
        return np.zeros(0, int)
    if num_frames <= frames:
        return np.array([-((frames - num_frames) // 2)])
    starts = list(range(0, num_frames - frames + 1, max(1, stride)))
    if starts[-1] != num_frames - frames:
        starts.append(num_frames - frames)
    return np.array(starts)


def cut_windows(track: np.ndarray, starts: np.ndarray, frames: int) -> np.ndarray:
    """(T, V, 3) → (W, frames, V, 3); frames outside the track are absent (NaN, confidence 0)."""
    out = np.full((len(starts), frames) + track.shape[1:], np.nan, np.float32)
    out[..., 2] = 0.0
    for w, start in enumerate(starts):
        lo, hi = max(0, start), min(len(track), start + frames)
        out[w, lo - start : hi - start] = track[lo:hi]
    return out


def frame_probabilities(window_probs: np.ndarray, starts: np.ndarray, frames: int, num_frames: int,
                        usable: np.ndarray | None = None) -> np.ndarray:
    """(W, C) window probabilities → (T, C) per frame (NaN rows where no usable window covers)."""
    taper = np.hanning(frames + 2)[1:-1]
    total = np.zeros((num_frames, window_probs.shape[1]))
    weight = np.zeros(num_frames)
    for w, start in enumerate(starts):
        if usable is not None and not usable[w]:
            continue
        lo, hi = max(0, start), min(num_frames, start + frames)
        taper_part = taper[lo - start : hi - start]
        total[lo:hi] += taper_part[:, None] * window_probs[w]
        weight[lo:hi] += taper_part
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / weight[:, None]


def moving_average(probs: np.ndarray, width: int) -> np.ndarray:
    """(T, C) → (T, C), centred mean over ``width`` frames, ignoring NaN rows (which stay NaN)."""
    width = min(width, len(probs))  # np.convolve's "same" is as long as the longer input
    if width <= 1:
        return probs
    valid = np.isfinite(probs).all(1)
    filled = np.where(valid[:, None], probs, 0.0)
    kernel = np.ones(width)
    sums = np.stack([np.convolve(filled[:, c], kernel, mode="same") for c in range(probs.shape[1])], 1)
    counts = np.convolve(valid.astype(float), kernel, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = sums / counts[:, None]
    out[~valid] = np.nan
    return out


def smooth_labels(probs: np.ndarray, threshold: float, margin: float) -> np.ndarray:
    """(T, C) probabilities → (T,) class index per frame with hysteresis; -1 = unknown."""
    labels = np.full(len(probs), -1, int)
    state = -1
    for t, p in enumerate(probs):
        if not np.isfinite(p).all():
            state = -1
            continue
        best = int(np.argmax(p))
        if p[best] < threshold:
            state = -1
        elif state < 0 or (best != state and p[best] - p[state] > margin):
            state = best
        labels[t] = state
    return labels


def _runs(labels: np.ndarray) -> list[tuple[int, int, int]]:
    """(label, first, last + 1) of each run of equal labels."""
    if len(labels) == 0:
        return []
    edges = np.flatnonzero(np.diff(labels)) + 1
    bounds = np.concatenate([[0], edges, [len(labels)]])
    return [(int(labels[a]), int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def absorb_short(labels: np.ndarray, probs: np.ndarray, min_frames: int) -> np.ndarray:
    """Give runs shorter than ``min_frames`` to a neighbour (the one more probable over them),
    shortest first, until none is left or one run remains."""
    labels = labels.copy()
    while True:
        runs = _runs(labels)
        short = [r for r in runs if r[2] - r[1] < min_frames]
        if not short or len(runs) == 1:
            return labels
        label, a, b = min(short, key=lambda r: r[2] - r[1])
        i = runs.index((label, a, b))
        neighbours = [runs[j][0] for j in (i - 1, i + 1) if 0 <= j < len(runs)]
        labels[a:b] = max(neighbours, key=lambda c: _support(probs[a:b], c))


def _support(probs: np.ndarray, c: int) -> float:
    """Mean probability of class ``c`` over (n, C) rows; -1 for unknown or never measured."""
    if c < 0 or not np.isfinite(probs[:, c]).any():
        return -1.0
    return float(np.nanmean(probs[:, c]))


@dataclass(frozen=True)
class Segment:
    label: str
    start: float  # seconds
    end: float
    confidence: float | None
    reps: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {"label": self.label, "start": round(self.start, 3), "end": round(self.end, 3),
                "confidence": None if self.confidence is None else round(self.confidence, 3), "reps": self.reps}  # fmt: skip


def segments_from_labels(labels: np.ndarray, probs: np.ndarray, times: np.ndarray, classes: tuple[str, ...],
                         min_frames: int, tracked: np.ndarray | None = None) -> list[Segment]:
    """(T,) class indices (-1 unknown) on the grid ``times`` (T,) → segments in seconds. Frames
    not ``tracked`` (T,) stay unknown: a short run is never extended over them."""
    labels = absorb_short(labels, probs, min_frames)
    if tracked is not None:
        labels = np.where(tracked, labels, -1)
    step = float(np.median(np.diff(times))) if len(times) > 1 else 0.0
    out = []
    for label, a, b in _runs(labels):
        confidence = None
        if label >= 0 and np.isfinite(probs[a:b, label]).any():
            confidence = float(np.nanmean(probs[a:b, label]))
        name = classes[label] if label >= 0 else UNKNOWN
        out.append(Segment(name, float(times[a]), float(times[b - 1] + step), confidence))
    return out
