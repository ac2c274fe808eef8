"""Limb motion of each dancer in normalised body units, and its accents.

A dancer's keypoints are re-expressed as BODY_25 points (:func:`inference.skeleton.convert`, so
any backend's skeleton works), centred on the torso's midpoint and divided by the dancer's median
torso length (neck to mid-hip) — "body units": the numbers do not depend on how far the dancer is
from the camera, and a panning camera or travel across the floor is not limb motion. Series are
resampled onto one uniform time grid shared by every dancer (real timestamps, so a variable frame
rate or a dropped frame keeps its time), gaps up to MAX_GAP_S bridged, then low-passed.

Accents are peaks of whole-body motion (the mean speed of the limbs' points, body units per second)
that stand out from the motion around them; their times are refined between grid samples by a
parabola through the peak and its two neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, filtfilt, find_peaks

from inference.skeleton import BODY25_NAMES, convert, mirror_name

# The points whose motion is each limb's (BODY_25 names). Left/right pairs are derived by name.
LIMBS: dict[str, tuple[str, ...]] = {
    "left arm": ("LElbow", "LWrist"), "right arm": ("RElbow", "RWrist"),
    "left leg": ("LKnee", "LAnkle"), "right leg": ("RKnee", "RAnkle"),
    "head": ("Nose",),
}  # fmt: skip
LIMB_NAMES: tuple[str, ...] = tuple(LIMBS)
LIMB_MIRROR: tuple[int, ...] = tuple(LIMB_NAMES.index(mirror_name(n)) for n in LIMB_NAMES)
POINTS: tuple[str, ...] = ("Neck", "MidHip", *[p for pts in LIMBS.values() for p in pts])
POINT_MIRROR: tuple[int, ...] = tuple(POINTS.index(mirror_name(p)) for p in POINTS)
_LIMB_POINTS = [[POINTS.index(p) for p in LIMBS[n]] for n in LIMB_NAMES]

MIN_CONFIDENCE = 0.3  # keypoints below this are treated as unseen (the overlay's own threshold)
MAX_GAP_S = 0.25  # gaps bridged by interpolation: as the report's charts do
CUTOFF_HZ = 6.0  # zero-phase Butterworth, as the kinematics (Winter 2009: human motion < 6 Hz)
MIN_LIMBS = 3  # limbs seen for a whole-body motion value
MIN_SEEN_SHARE = 0.3  # a person seen in less of the video is not timed as a dancer
# Accents: a peak must rise above its surroundings by this share of the dancer's motion range
# (10th to 90th percentile of whole-body speed), and be this far from the previous one (the
# eighth notes of 240 BPM are 0.125 s apart; strokes faster than that are one accent).
ACCENT_PROMINENCE = 0.3
MIN_ACCENT_GAP_S = 0.125
# Standing jitter: whole-body speed (body units/s) a person standing still does not reach.
# Measured: the two men of indoor_two_people_1080p standing idle (0-0.7 s, bench/truth) reach at
# most 0.43 and 0.82 (90th percentiles 0.39 and 0.62: BlazePose keypoint jitter after the 6 Hz
# filter, and small head movements). A person who never exceeds it is standing still; an accent
# must exceed it (a peak of jitter is not an accent).
MIN_MOTION = 0.85


def uniform_grid(timestamps: np.ndarray) -> np.ndarray:
    """(N,) evenly spaced times from the first to the last frame at the median frame interval."""
    t = np.asarray(timestamps, np.float64)
    if len(t) < 2:
        return t.copy()
    dt = float(np.median(np.diff(t)))
    n = int(round((t[-1] - t[0]) / dt)) + 1
    return t[0] + dt * np.arange(n)


def resample(times: np.ndarray, values: np.ndarray, grid: np.ndarray, max_gap: float = MAX_GAP_S) -> np.ndarray:
    """values (T, D) at ``times`` → (N, D) at ``grid``, linear; NaN outside the seen range and
    inside gaps longer than ``max_gap``."""
    out = np.full((len(grid), values.shape[1]), np.nan)
    for d in range(values.shape[1]):
        ok = np.isfinite(values[:, d])
        if ok.sum() < 2:
            continue
        t, v = times[ok], values[ok, d]
        out[:, d] = np.interp(grid, t, v, left=np.nan, right=np.nan)
        after = np.clip(np.searchsorted(t, grid), 1, len(t) - 1)
        gap = t[after] - t[after - 1]
        out[gap > max_gap + 1e-9, d] = np.nan
    return out


def lowpass(values: np.ndarray, dt: float, cutoff: float = CUTOFF_HZ) -> np.ndarray:
    """Zero-phase low-pass of each column over its finite runs (runs too short to filter, and
    series sampled below 2.5 × cutoff, are left as they are)."""
    rate = 1.0 / dt
    if rate < 2.5 * cutoff:
        return values
    b, a = butter(2, cutoff / (rate / 2))
    pad = 3 * max(len(a), len(b))
    out = values.copy()
    for d in range(values.shape[1]):
        ok = np.isfinite(values[:, d]).astype(np.int8)
        edges = np.flatnonzero(np.diff(np.concatenate([[0], ok, [0]])))
        for start, end in zip(edges[::2], edges[1::2], strict=True):
            if end - start > pad:
                out[start:end, d] = filtfilt(b, a, values[start:end, d])
    return out


@dataclass(frozen=True)
class Dancer:
    """One tracked person on the shared grid. poses: (N, J, 2) normalised points (:data:`POINTS`;
    NaN where unseen); speed: (N, L) per-limb speed (:data:`LIMB_NAMES`), body units/s; scale:
    the torso length in source pixels; seen: share of the grid where the dancer is seen."""

    track_id: int
    poses: np.ndarray
    speed: np.ndarray
    scale: float
    seen: float

    @property
    def whole(self) -> np.ndarray:
        """(N,) whole-body motion: the mean speed of the limbs seen (NaN where fewer than
        MIN_LIMBS are: a face turned away still leaves four limbs)."""
        seen = np.isfinite(self.speed).sum(axis=1)
        total = np.nansum(self.speed, axis=1)
        return np.where(seen >= MIN_LIMBS, total / np.maximum(seen, 1), np.nan)

    @property
    def moving(self) -> bool:
        finite = self.whole[np.isfinite(self.whole)]
        return len(finite) > 0 and float(finite.max()) >= MIN_MOTION


def dancer_motion(keypoints: np.ndarray, timestamps: np.ndarray, skeleton: str, grid: np.ndarray,
                  track_id: int = 0) -> Dancer | None:
    """keypoints (T, K, 3) of one person in ``skeleton`` → a :class:`Dancer` on ``grid``; None
    when the person is seen too little (or has no torso) to be measured."""
    body = convert(keypoints, skeleton, "body25")

    pts = body[:, [BODY25_NAMES.index(p) for p in POINTS]].astype(np.float64)
    pts[pts[..., 2] < MIN_CONFIDENCE, :2] = np.nan
    xy = pts[..., :2]
    torso = np.linalg.norm(xy[:, 0] - xy[:, 1], axis=-1)
    if np.isfinite(torso).sum() < 2:
        return None
    scale = float(np.nanmedian(torso))
    centre = (xy[:, 0] + xy[:, 1]) / 2
    normal = (xy - centre[:, None, :]) / scale
    flat = resample(np.asarray(timestamps, np.float64), normal.reshape(len(normal), -1), grid)
    dt = float(grid[1] - grid[0]) if len(grid) > 1 else 1.0
    poses = lowpass(flat, dt).reshape(len(grid), len(POINTS), 2)
    seen = float(np.isfinite(poses[:, :2, 0]).all(axis=1).mean()) if len(grid) else 0.0
    if seen < MIN_SEEN_SHARE or len(grid) < 3:
        return None
    velocity = np.gradient(poses, dt, axis=0)
    point_speed = np.linalg.norm(velocity, axis=-1)
    speed = np.stack([point_speed[:, idx].mean(axis=1) for idx in _LIMB_POINTS], axis=1)
    return Dancer(track_id=int(track_id), poses=poses, speed=speed, scale=scale, seen=seen)


@dataclass(frozen=True)
class Accent:
    """A movement accent: time (seconds, video clock), strength (body units/s at the peak) and
    the limb moving fastest then."""

    time: float
    strength: float
    limb: str


def peak_offset(left: float, centre: float, right: float) -> float:
    """Where the parabola through three equally spaced samples peaks, in samples from the centre
    one (-0.5..0.5)."""
    denom = left - 2 * centre + right
    if denom >= 0:
        return 0.0
    return float(np.clip(0.5 * (left - right) / denom, -0.5, 0.5))


def find_accents(dancer: Dancer, grid: np.ndarray) -> list[Accent]:
    """Peaks of the dancer's whole-body motion (see the module's docstring); none for someone
    standing still."""
    whole = dancer.whole
    finite = np.isfinite(whole)
    if not dancer.moving or finite.sum() < 3:
        return []
    low, high = np.percentile(whole[finite], [10, 90])
    dt = float(grid[1] - grid[0])
    signal = np.where(finite, whole, 0.0)
    peaks, _ = find_peaks(signal, prominence=ACCENT_PROMINENCE * (high - low),
                          distance=max(1, int(round(MIN_ACCENT_GAP_S / dt))))  # fmt: skip
    accents = []
    for i in peaks:
        if i == 0 or i == len(whole) - 1 or not finite[i - 1 : i + 2].all() or whole[i] < MIN_MOTION:
            continue
        shift = peak_offset(whole[i - 1], whole[i], whole[i + 1])
        limb = LIMB_NAMES[int(np.nanargmax(dancer.speed[i]))]
        accents.append(Accent(time=float(grid[i] + shift * dt), strength=float(whole[i]), limb=limb))
    return accents
