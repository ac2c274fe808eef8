"""Skeletons of two athletes scaled to the same size, for drawing one over the other.

Each frame's named points (inference.kinematics.points) are moved so the hip centre is at the
origin, divided by the athlete's median trunk length (hip centre → neck, over the segment) and
mirrored so both face the image's right (kinematics ``facing``): a tall and a short athlete, or
one filmed from the left and one from the right, then overlap where their postures match.

Shapes: T frames, N named points (the 25 BODY_25 ones are kept for drawing).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from inference.kinematics.points import point_index
from inference.skeleton import BODY25, BODY25_NAMES


def normalized(points: np.ndarray, facing: np.ndarray) -> np.ndarray:
    """(T, N, 2) pixels (y down), facing (T,) ±1 → (T, N, 2) in trunk lengths, hip at 0."""
    pts = np.asarray(points, np.float64)
    hip, neck = pts[:, point_index("Hip")], pts[:, point_index("Neck")]
    trunk = np.linalg.norm(neck - hip, axis=1)
    trunk = trunk[np.isfinite(trunk) & (trunk > 0)]
    scale = float(np.median(trunk)) if trunk.size else 1.0
    out = (pts - hip[:, None, :]) / scale
    sign = np.where(np.asarray(facing, np.float64) < 0, -1.0, 1.0)
    out[..., 0] *= sign[:, None]
    return out


def overlay_frames(times: np.ndarray, points: np.ndarray, facing: np.ndarray,
                   max_fps: float = 30.0) -> dict[str, Any]:
    """{"t": [...], "points": [[x, y or None, ...] per frame], "limbs": [[a, b], ...]} of the
    normalised BODY_25 points, at most max_fps frames per second, rounded for the page."""
    t = np.asarray(times, np.float64)
    step = 1
    if len(t) > 1:
        dt = float(np.median(np.diff(t)))
        step = max(1, int(round(1.0 / (max_fps * dt)))) if dt > 0 else 1
    keep = np.arange(0, len(t), step)
    norm = normalized(points[keep], facing[keep])[:, : len(BODY25_NAMES)]
    flat = np.round(norm.reshape(len(keep), -1), 3).astype(object)
    flat[~np.isfinite(norm.reshape(len(keep), -1).astype(np.float64))] = None
    return {"t": np.round(t[keep], 3).tolist(), "points": flat.tolist(),
            "limbs": [list(limb) for limb in BODY25.limbs]}
