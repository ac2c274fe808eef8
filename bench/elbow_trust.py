"""Candidate trust signals for the elbow's 2D flexion, measured by bench/angles_multiview.py and
bench/angles_mocap.py (none is in the product's confidence: docs/angles_multiview.md says why).

- :func:`elbow_signals` (2D only, what the product has): "depth spread" — with each segment's
  usual image length (its 90th percentile over the clip, as ``angles.foreshortening`` takes it), a
  segment seen shorter has a depth known up to its sign; the two 3D flexions those depths allow,
  minus the 2D flexion, at most. 0 when both segments are seen at full length.
- :func:`blazepose_world` (not carried to the poses: ``PoseSequence`` keeps x, y and visibility):
  BlazePose's world landmarks (metres, rotated like the image, z the depth), from which the arm
  plane's facing (|normal · camera axis|) and a 3D flexion follow.

Shapes: T frames, P people.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bench.multiview import angle_between

SPREAD_GATES = (10.0, 15.0, 20.0, 30.0)
FACING_GATES = (0.5, 0.7, 0.85)
CANDIDATES = ("depth spread", "upper arm seen", "forearm seen", "arm plane facing (BlazePose world)")


def elbow_signals(pts: list[np.ndarray]) -> dict[str, np.ndarray]:
    """(T,) signals from the 2D points [wrist, elbow, shoulder] (T, 2) each (module docstring);
    also each segment's image length over its usual length."""
    u, v = pts[2] - pts[1], pts[0] - pts[1]  # elbow→shoulder, elbow→wrist
    lengths = [np.hypot(*w.T) for w in (u, v)]
    usual = [np.nanpercentile(x, 90) if np.isfinite(x).any() else np.nan for x in lengths]
    depth = [np.sqrt(np.clip(L**2 - x**2, 0, None)) for L, x in zip(usual, lengths, strict=True)]
    flat = 180.0 - angle_between(np.c_[u, np.zeros(len(u))], np.c_[v, np.zeros(len(v))])
    spread = np.zeros(len(u))
    for sign in (1.0, -1.0):
        cand = 180.0 - angle_between(np.c_[u, depth[0]], np.c_[v, sign * depth[1]])
        spread = np.fmax(spread, np.abs(cand - flat))
    return {"depth spread": spread, "upper arm seen": lengths[0] / usual[0], "forearm seen": lengths[1] / usual[1]}


def blazepose_world(video: Path, keypoints: np.ndarray, size: tuple[int, int], max_side: int = 960) -> np.ndarray:
    """(T, P, 33, 3) BlazePose world landmarks of each tracked person of ``keypoints`` (T, P, 33, 3)
    (the pose stage's output on ``video``), found by running the estimator again frame by frame
    and matching its people to the tracks by median image distance (30 px at most); NaN elsewhere."""
    from inference.pose.blazepose.estimator import BlazePoseEstimator
    from inference.video import iter_frames

    estimator = BlazePoseEstimator()
    out = np.full((*keypoints.shape[:3], 3), np.nan)
    for f, (frame, _) in enumerate(iter_frames(video, max_side=max_side)):
        if f >= keypoints.shape[0]:
            break
        scale = max(size) / max(frame.shape[:2])
        for person in estimator.process(frame):
            d = np.array([np.nanmedian(np.hypot(*(k[:, :2] - person.landmarks[:, :2] * scale).T))
                          if np.isfinite(k[:, 0]).any() else np.inf for k in keypoints[f]])  # fmt: skip
            if d.size and d.min() < 30.0:
                out[f, int(d.argmin())] = person.world
    return out


def world_signals(world: np.ndarray, side: str) -> tuple[np.ndarray, np.ndarray]:
    """From one person's world landmarks (T, 33, 3): (T,) |cos| between the arm plane's normal and
    the camera axis (1: the plane faces the camera, the 2D flexion is the 3D one) and (T,) the
    3D flexion BlazePose's own depth gives."""
    from inference.skeleton import get_skeleton

    names = get_skeleton("blazepose33").keypoints
    shoulder, elbow, wrist = (world[:, names.index(f"{side}_{n}")] for n in ("shoulder", "elbow", "wrist"))
    normal = np.cross(shoulder - elbow, wrist - elbow)
    with np.errstate(all="ignore"):
        facing = np.abs(normal[:, 2]) / np.linalg.norm(normal, axis=1)
    return facing, 180.0 - angle_between(shoulder - elbow, wrist - elbow)
