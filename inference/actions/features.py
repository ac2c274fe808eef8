"""What the action networks see: a window of one person's keypoints, normalised.

normalize: (T, V, 3) x, y in pixels and a confidence → (C=3, T, V): x and y centred on the window's
mean mid-hip and divided by its median torso length (neck to mid-hip), and a presence channel (1
where the keypoint was seen, 0 where absent; absent x, y are 0). Centring on the window's mean, not
each frame's, keeps the body's own travel (a jump's rise, a roll's turn) in the input.
"""

from __future__ import annotations

import numpy as np

from inference.actions.joints import CENTER, NECK

MIN_CONFIDENCE = 0.3
CLIP = 6.0  # torso lengths; farther points are noise


def presence(window: np.ndarray) -> np.ndarray:
    """(..., V, 3) → (..., V) bool: keypoint seen with enough confidence."""
    return np.isfinite(window[..., :2]).all(-1) & (np.nan_to_num(window[..., 2]) >= MIN_CONFIDENCE)


def torso_length(window: np.ndarray) -> float:
    """Median neck–mid-hip distance in pixels over the frames of (T, V, 3) where both are seen."""
    seen = presence(window)
    both = seen[:, NECK] & seen[:, CENTER]
    if both.any():
        torso = np.linalg.norm(window[both, NECK, :2] - window[both, CENTER, :2], axis=-1)
        value = float(np.median(torso))
        if value > 1e-6:
            return value
    if seen.any():  # a third of the body's extent: about the torso of a standing person
        xy = window[..., :2][seen]
        return float(max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), 1e-3) / 3)
    return 1.0


def normalize(window: np.ndarray) -> np.ndarray:
    """(T, V, 3) pixels → (3, T, V) float32 network input (see the module docstring)."""
    window = np.asarray(window, np.float64)
    seen = presence(window)
    out = np.zeros((3,) + seen.shape, np.float32)
    if not seen.any():
        return out
    center_seen = seen[:, CENTER]
    center = window[center_seen, CENTER, :2].mean(0) if center_seen.any() else window[..., :2][seen].mean(0)
    xy = (window[..., :2] - center) / torso_length(window)
    xy = np.clip(np.where(seen[..., None], xy, 0.0), -CLIP, CLIP)
    out[0], out[1], out[2] = xy[..., 0], xy[..., 1], seen
    return out


def resample_track(keypoints: np.ndarray, timestamps: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray]:
    """A track (T, V, 3) at irregular ``timestamps`` (T,) → (T', V, 3) at a fixed ``fps`` and its times.

    Linear interpolation between neighbouring frames where both see the keypoint; absent otherwise.
    """
    if len(timestamps) == 0:
        return np.zeros((0,) + keypoints.shape[1:], np.float32), np.zeros(0)
    grid = np.arange(timestamps[0], timestamps[-1] + 0.5 / fps, 1.0 / fps)
    hi = np.clip(np.searchsorted(timestamps, grid), 1, max(len(timestamps) - 1, 1))
    lo = hi - 1 if len(timestamps) > 1 else np.zeros_like(hi)
    span = np.maximum(timestamps[hi] - timestamps[lo], 1e-9)
    w = np.clip((grid - timestamps[lo]) / span, 0, 1)[:, None, None]
    a, b = keypoints[lo], keypoints[hi]
    out = a * (1 - w) + b * w
    seen = presence(a) & presence(b)
    out[..., 2] = np.where(seen, np.minimum(a[..., 2], b[..., 2]), 0.0)
    out[~seen, :2] = np.nan
    return out.astype(np.float32), grid
