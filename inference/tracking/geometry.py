"""Geometry of one or two poses: visibility, boxes, OKS, and whether two skeletons are one body.

A pose is (K, 3): x, y pixels and confidence; NaN x/y or confidence ≤ ``min_confidence`` mark
absent keypoints. Pure NumPy, no skeleton-specific constants except through ``limbs``.

One body found twice (:func:`same_body`). A second landmark fit of one person is not always a
copy of the first: a region rotated by ~180° makes the landmark model fit the person upside down
(head where the feet are), a small region fits an arm or the head only. Neither shares keypoint
positions with the first fit, so OKS misses them, but every keypoint of such a fit lies on the
other fit's limbs. :func:`on_body_distance` measures that: the median distance of one skeleton's
keypoints from the other's limb segments, over the other's box scale. Two different people,
even overlapping, have keypoints off each other's limbs.

Measured on the four development clips of ../shared/media (raw landmark results before any
suppression, each matched to a true person of bench/truth by the scoreboard's box rule; 245 pairs
on one person, 404 pairs on two people; those clips are development data, not held out):
on-body distance (the smaller of the two directions) of pairs on one person: median 0.054,
95th percentile 0.118; of pairs on two people: minimum 0.071, 5th percentile 0.15. Keypoint-box
IoU of pairs on one person: median 0.46; of pairs on two people: at most 0.40 (the foreground
woman over the man in lab_two_people_portrait_60fps.mp4).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MIN_CONFIDENCE = 0.3
# Two skeletons are one body below this on-body distance (the measured gap: ≤ 0.054 median on
# one person, ≥ 0.071 between two people; see module docstring), or above this keypoint-box IoU
# (≤ 0.40 measured between two people; COCO-style person NMS uses 0.5).
SAME_BODY_DISTANCE = 0.06
SAME_BODY_IOU = 0.5


def unseen_outside_frame(keypoints: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """keypoints (..., K, 3) pixels with confidence 0 where x, y lie outside the (width, height)
    frame (a copy). The landmark model places a joint beyond the picture's edge, often with a high
    visibility (BlazePose landmarks outside the frame on Sports2D's demo: visibility 0.79 at the
    median), but that place is a guess: a person leaving through the edge kept a whole skeleton,
    an athlete whose feet are cut off got ankle angles from guessed feet. Tracking still uses the
    guesses (they carry a person along the edge); what is shown and measured does not."""
    out = np.array(keypoints, np.float32, copy=True)
    x, y = out[..., 0], out[..., 1]
    with np.errstate(invalid="ignore"):
        outside = (x < 0) | (x >= size[0]) | (y < 0) | (y >= size[1])
    out[..., 2][outside] = 0.0
    return out


def visible(pose: np.ndarray, min_confidence: float = MIN_CONFIDENCE) -> np.ndarray:
    """(K,) bool: keypoints with finite x, y and confidence above min_confidence."""
    return np.isfinite(pose[:, :2]).all(1) & (np.nan_to_num(pose[:, 2]) > min_confidence)


def pose_box(pose: np.ndarray, min_confidence: float = MIN_CONFIDENCE) -> np.ndarray | None:
    """(4,) xmin, ymin, xmax, ymax of the visible keypoints, or None."""
    mask = visible(pose, min_confidence)
    if not mask.any():
        return None
    xy = pose[mask, :2]
    return np.concatenate([xy.min(0), xy.max(0)])


def box_scale(pose: np.ndarray, min_confidence: float = MIN_CONFIDENCE) -> float:
    """sqrt of the visible keypoints' box area (COCO's OKS scale), at least 1 pixel."""
    box = pose_box(pose, min_confidence)
    if box is None:
        return 1.0
    return float(max(np.sqrt(max(box[2] - box[0], 1.0) * max(box[3] - box[1], 1.0)), 1.0))


def oks(a: np.ndarray, b: np.ndarray, scale: float, kappa: float, min_confidence: float = MIN_CONFIDENCE) -> float:
    """Object keypoint similarity of two (K, 3) poses over keypoints visible in both (0 if none)."""
    both = visible(a, min_confidence) & visible(b, min_confidence)
    if not both.any():
        return 0.0
    d2 = ((a[both, :2] - b[both, :2]) ** 2).sum(1)
    return float(np.exp(-d2 / (2.0 * scale**2 * kappa**2)).mean())


def box_iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two (4,) boxes xmin, ymin, xmax, ymax."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(w, 0.0) * max(h, 0.0)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union) if union > 0 else 0.0


def _segment_distance(points: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """(N,) distance of each point (N, 2) from the nearest of the segments starts→ends (L, 2)."""
    along = ends - starts  # (L, 2)
    length2 = np.maximum((along**2).sum(-1), 1e-9)
    t = np.clip(((points[:, None] - starts[None]) * along[None]).sum(-1) / length2[None], 0.0, 1.0)
    nearest = starts[None] + t[..., None] * along[None]  # (N, L, 2)
    return np.sqrt(((points[:, None] - nearest) ** 2).sum(-1)).min(1)


def on_body_distance(a: np.ndarray, b: np.ndarray, limbs: Sequence[tuple[int, int]],
                     min_confidence: float = MIN_CONFIDENCE) -> float:
    """How far pose a's visible keypoints lie off pose b's limbs: the median distance of a's
    keypoints from b's nearest visible limb segment, over b's box scale (inf when either has
    nothing visible). Not symmetric: a partial fit lies on a whole one, not the other way."""
    on_a, on_b = visible(a, min_confidence), visible(b, min_confidence)
    pairs = np.array([(i, j) for i, j in limbs if on_b[i] and on_b[j]], np.int64).reshape(-1, 2)
    if not on_a.any() or not len(pairs):
        return float("inf")
    distance = _segment_distance(a[on_a, :2], b[pairs[:, 0], :2], b[pairs[:, 1], :2])
    return float(np.median(distance) / box_scale(b, min_confidence))


def same_body(a: np.ndarray, b: np.ndarray, limbs: Sequence[tuple[int, int]],
              min_confidence: float = MIN_CONFIDENCE) -> bool:
    """Whether two poses (K, 3) of one frame are one body fitted twice (module docstring)."""
    box_a, box_b = pose_box(a, min_confidence), pose_box(b, min_confidence)
    if box_a is None or box_b is None:
        return False
    if box_iou(box_a, box_b) > SAME_BODY_IOU:
        return True
    nearest = min(on_body_distance(a, b, limbs, min_confidence), on_body_distance(b, a, limbs, min_confidence))
    return nearest < SAME_BODY_DISTANCE
