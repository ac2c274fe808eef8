"""Pixels → metres from the athlete's height.

The athlete's height in pixels is estimated from the chain ankle→knee→hip→shoulder, whose length is
0.779 of stature in Drillis & Contini's segment-length proportions (ankle height 0.039 H, shoulder
height 0.818 H; Winter 2009, Biomechanics and Motor Control of Human Movement, 4th ed., Fig. 4.1).
Per frame the longer of the two sides is used (foreshortening only shortens), and over the clip a
high percentile of the per-frame values (the athlete upright and square to the camera), so crouched
frames do not shrink it. The scale is only meaningful in the plane of motion, roughly perpendicular
to the optical axis, at the athlete's distance.

A missing or implausible height is an expected outcome: the result carries ``metres_per_pixel``
None and a reason, never an exception.

Shapes: T frames, N named points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import percentile_filter

from inference.kinematics.points import point_index

ANKLE_TO_SHOULDER_OF_HEIGHT = 0.818 - 0.039
HEIGHT_RANGE_CM = (50.0, 250.0)
PERCENTILE = 90
# Running window of the per-frame stature: long enough to hold upright frames around a crouch or a
# limb pointing at the camera, short against a walk towards the camera (1.5 m/s from 5 m changes
# the athlete's size by ~15 % in a second).
STATURE_WINDOW_S = 2.0


@dataclass(frozen=True)
class Scale:
    """metres_per_pixel: None when unknown; reason says why. height_px: estimated stature in
    pixels (None when the legs and trunk were never seen)."""

    metres_per_pixel: float | None
    height_px: float | None
    reason: str

    def as_dict(self) -> dict[str, float | str | None]:
        return {"metres_per_pixel": self.metres_per_pixel, "height_px": self.height_px, "reason": self.reason}


def _chain_length(xy: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    pts = xy[:, [point_index(n) for n in names]]
    return np.linalg.norm(np.diff(pts, axis=1), axis=-1).sum(axis=1)


def stature_pixels(xy: np.ndarray) -> float | None:
    """Estimated stature in pixels from named points xy (T, N, 2); None when never measurable."""
    sides = [_chain_length(xy, (f"{s}Ankle", f"{s}Knee", f"{s}Hip", f"{s}Shoulder")) for s in "RL"]
    per_frame = np.fmax(sides[0], sides[1])
    per_frame = per_frame[np.isfinite(per_frame)]
    if per_frame.size == 0:
        return None
    return float(np.percentile(per_frame, PERCENTILE) / ANKLE_TO_SHOULDER_OF_HEIGHT)


def stature_series(xy: np.ndarray, t: np.ndarray, window_s: float = STATURE_WINDOW_S) -> np.ndarray:
    """(T,) the athlete's stature in pixels at each frame: the per-frame value of
    :func:`stature_pixels` (longer side), its :data:`PERCENTILE` th percentile over a running
    ``window_s`` (segment lengths do not change with posture; only foreshortening shortens them),
    so an athlete who walks towards or away from the camera keeps the right size. Frames without
    legs and trunk take the nearest measured value; all NaN when never measurable."""
    t = np.asarray(t, np.float64)
    sides = [_chain_length(xy, (f"{s}Ankle", f"{s}Knee", f"{s}Hip", f"{s}Shoulder")) for s in "RL"]
    per_frame = np.fmax(sides[0], sides[1]) / ANKLE_TO_SHOULDER_OF_HEIGHT
    seen = np.isfinite(per_frame)
    if not seen.any():
        return np.full(t.size, np.nan)
    filled = np.interp(t, t[seen], per_frame[seen])
    dt = float(np.median(np.diff(t))) if t.size > 1 else 1.0
    size = max(1, int(round(window_s / dt))) | 1
    return np.asarray(percentile_filter(filled, PERCENTILE, size=size, mode="nearest"), np.float64)


def pixel_scale(xy: np.ndarray, height_cm: float | None) -> Scale:
    """The metres per pixel for named points xy (T, N, 2) of an athlete ``height_cm`` tall."""
    height_px = stature_pixels(xy)
    if height_cm is None:
        return Scale(None, height_px, "the athlete's height is not known; distances stay in pixels")
    low, high = HEIGHT_RANGE_CM
    if not (low <= float(height_cm) <= high):
        return Scale(None, height_px, f"height {height_cm} cm is outside {low:.0f}–{high:.0f} cm; distances stay in pixels")
    if height_px is None or height_px <= 0:
        return Scale(None, None, "the legs and trunk were never seen together; distances stay in pixels")
    return Scale(float(height_cm) / 100.0 / height_px, height_px, f"from a height of {height_cm:g} cm")
