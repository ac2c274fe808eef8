"""Compare two performances: DTW of a segment of A with a segment of B over multi-joint angle
features, the time map that lets B's video follow A's, the angles overlaid in A's time, per-phase
differences named in words (only when the alignment fits: :data:`MAX_RESIDUAL_PER_ANGLE_DEG`), and
both skeletons scaled to the same size. Whether the two segments are of the same action at all is
the caller's question (:func:`inference.compare.segments.incomparable`).

Shapes: N, M frames of A's and B's segments; F = len(ALIGN_ANGLES) features.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from inference.compare.differences import (
    ALIGN_ANGLES,
    COMPARE_ANGLES,
    differences,
    movement_phases,
    named,
    phases,
)
from inference.compare.dtw import Alignment, dtw
from inference.compare.metrics import MIN_TRACKED_SHARE
from inference.compare.pose_norm import overlay_frames
from inference.compare.segments import Segment
from inference.compare.warp import decimate_map, time_map
from inference.feedback.measures import ANGLE_DIFF_NOISE_DEG

if TYPE_CHECKING:
    from inference.kinematics.core import Kinematics

# An alignment whose residual per angle (mean DTW cost / sqrt(features), degrees) is larger than
# twice the noise of a difference of two angle samples (inference.feedback.measures
# ANGLE_DIFF_NOISE_DEG, 11.3°, measured on still people by bench/feedback_noise.py) pairs unlike
# poses: it is flagged and no joint difference is named. Measured here: two synthetic squats 100°
# and 70° deep 4.4°, the lab clip against the indoor grab 24.8°, against a squat 43.7°.
MAX_RESIDUAL_PER_ANGLE_DEG = 2 * ANGLE_DIFF_NOISE_DEG
WINDOW_SHARE = 0.25  # Sakoe-Chiba half-width as a share of the longer segment
MIN_CONFIDENCE = 0.5  # angles below it count as unmeasured (as on the report's charts)
MAX_CHART_POINTS = 400
MAX_FRAMES = 1200  # per segment aligned (20 s at 60 fps); longer ones are subsampled


@dataclass(frozen=True)
class Cut:
    """A segment's frames of one kinematics: times (N,), angles name → (N,) degrees, and the
    slice of the kinematics' frames they are."""

    times: np.ndarray
    angles: dict[str, np.ndarray]
    frames: slice


def cut(kin: Kinematics, segment: Segment, max_frames: int = MAX_FRAMES) -> Cut:
    """The segment's frames, every k-th one when there are more than max_frames (a whole
    10-minute clip would need a 36,000² cost band)."""
    t = kin.timestamps
    lo, hi = np.searchsorted(t, segment.start), np.searchsorted(t, segment.end, side="right")
    hi = max(hi, lo + 2)
    stride = max(1, int(np.ceil((hi - lo) / max_frames)))
    frames = slice(int(lo), int(hi), stride)
    angles = {}
    for name in COMPARE_ANGLES:
        if name in kin.angle_names:
            a = kin.angle_names.index(name)
            values = kin.angles[frames, a]
            angles[name] = np.where(kin.angle_confidence[frames, a] >= MIN_CONFIDENCE, values, np.nan)
    return Cut(times=t[frames], angles=angles, frames=frames)


def features(c: Cut, names: tuple[str, ...]) -> np.ndarray:
    """(N, F) the named angles (NaN where unmeasured; dtw fills the gaps)."""
    return np.stack([c.angles.get(n, np.full(len(c.times), np.nan)) for n in names], axis=1)


def shared_features(a: Cut, b: Cut) -> tuple[str, ...]:
    """ALIGN_ANGLES measured somewhere in both segments."""
    return tuple(n for n in ALIGN_ANGLES
                 if np.isfinite(a.angles.get(n, [np.nan])).any() and np.isfinite(b.angles.get(n, [np.nan])).any())


def tracked_share(c: Cut) -> float:
    """Share of the segment's frames with at least one aligned angle measured."""
    measured = np.zeros(len(c.times), bool)
    for name in ALIGN_ANGLES:
        if name in c.angles:
            measured |= np.isfinite(c.angles[name])
    return float(measured.mean()) if len(measured) else 0.0


def align(a: Cut, b: Cut, window_share: float = WINDOW_SHARE) -> Alignment:
    for side, c in (("A", a), ("B", b)):
        share = tracked_share(c)
        if share < MIN_TRACKED_SHARE:
            raise ValueError(f"the athlete is tracked in only {share:.0%} of {side}'s segment "
                             f"(at least {MIN_TRACKED_SHARE:.0%} is needed)")
    names = shared_features(a, b)
    if not names:
        raise ValueError("no joint angle is measured in both segments")
    window = max(5, int(round(window_share * max(len(a.times), len(b.times)))))
    return dtw(features(a, names), features(b, names), window=window)


def _knee_flexion(c: Cut) -> np.ndarray:
    knees = [c.angles[n] for n in ("left_knee", "right_knee") if n in c.angles]
    if not knees:
        return np.full(len(c.times), np.nan)
    with np.errstate(all="ignore"):
        return np.nanmean(np.stack(knees, axis=1), axis=1)


def _round(values: np.ndarray) -> list[float | None]:
    out = np.round(values, 1).astype(object)
    out[~np.isfinite(values)] = None
    return list(out.tolist())


def overlaid_angles(a: Cut, b: Cut, path: np.ndarray) -> dict[str, Any]:
    """{"t": A's times, "a": {angle: A's values}, "b": {angle: B's values at the aligned frames}},
    decimated to at most MAX_CHART_POINTS."""
    first = np.unique(path[:, 0], return_index=True)[1]
    pairs = path[first]
    step = max(1, int(np.ceil(len(pairs) / MAX_CHART_POINTS)))
    pairs = pairs[::step]
    names = [n for n in COMPARE_ANGLES if n in a.angles and n in b.angles]
    return {"t": np.round(a.times[pairs[:, 0]], 3).tolist(),
            "tb": np.round(b.times[pairs[:, 1]], 3).tolist(),
            "a": {n: _round(a.angles[n][pairs[:, 0]]) for n in names},
            "b": {n: _round(b.angles[n][pairs[:, 1]]) for n in names}}


def compare(kin_a: Kinematics, seg_a: Segment, kin_b: Kinematics, seg_b: Segment,
            *, with_skeletons: bool = True) -> dict[str, Any]:
    """Everything the compare page and the reference deviation show (JSON-able)."""
    a, b = cut(kin_a, seg_a), cut(kin_b, seg_b)
    alignment = align(a, b)
    phase_list = phases(seg_a, a.times, _knee_flexion(a))
    names = shared_features(a, b)
    per_angle = alignment.mean_cost / np.sqrt(len(names))
    fits = bool(per_angle <= MAX_RESIDUAL_PER_ANGLE_DEG)
    rows = differences(alignment.path, a.angles, b.angles, phase_list) if fits else []
    out: dict[str, Any] = {
        "segments": {"a": seg_a.as_dict(), "b": seg_b.as_dict()},
        "features": list(names),
        "mean_cost_deg": round(alignment.mean_cost, 2),
        "residual_per_angle_deg": round(float(per_angle), 1),
        "max_residual_per_angle_deg": round(MAX_RESIDUAL_PER_ANGLE_DEG, 1),
        "alignment_fits": fits,
        "time_map": decimate_map(time_map(alignment.path, a.times, b.times)).as_dict(),
        "phases": [{"name": p.name, "start": round(float(a.times[min(p.start, len(a.times) - 1)]), 3),
                    "end": round(float(a.times[p.end - 1]), 3)} for p in movement_phases(phase_list)],
        "differences": rows,
        "named": named(rows),
        "angles": overlaid_angles(a, b, alignment.path),
    }
    if with_skeletons:
        out["skeletons"] = {
            "a": overlay_frames(a.times, kin_a.points[a.frames], kin_a.facing[a.frames]),
            "b": overlay_frames(b.times, kin_b.points[b.frames], kin_b.facing[b.frames]),
        }
    return out
