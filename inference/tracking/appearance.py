"""Appearance of a person: a colour histogram of the torso (shirts tell players apart when their
tracks break: two team-mates in a crossing, a player behind another).

The torso is the quadrilateral of shoulders and hips (:func:`inference.skeleton.torso_ring` of the
poses' keypoint set: BlazePose-33 11, 12, 24, 23; COCO-18 5, 2, 8, 11), shrunk
towards its centre so that arms and background at its edges count less. Its pixels go into an
HSV histogram of ``HUE_BINS x SAT_BINS x VAL_BINS`` cells (hue alone is meaningless for white,
grey and black shirts, so saturation and value have bins too), normalised to sum 1. Two
histograms are compared by the Hellinger distance (0 same, 1 disjoint; OpenCV's
HISTCMP_BHATTACHARYYA). Colour histograms for re-identification: Swain & Ballard, "Color
indexing", IJCV 1991; torso histograms are the classic appearance cue of multi-person trackers.

Arrays: frame (H, W, 3) uint8 BGR; poses (P, K, 3) in that frame's pixels; colours (P, B).
"""

from __future__ import annotations

import cv2
import numpy as np

from inference.skeleton import torso_ring

HUE_BINS, SAT_BINS, VAL_BINS = 8, 3, 3
BINS = HUE_BINS * SAT_BINS * VAL_BINS
SHRINK = 0.7  # of the torso kept around its centre (arms and background sit at its edges)
MIN_PIXELS = 12  # fewer torso pixels than this (a person far away, side on) give no histogram
MIN_CONFIDENCE = 0.5  # of each torso keypoint


def torso_colours(frame: np.ndarray, poses: np.ndarray, skeleton: str = "blazepose33") -> np.ndarray:
    """(P, B) the torso histogram of each pose (NaN rows where the torso is not visible); poses
    in ``skeleton``'s keypoint set."""
    out = np.full((len(poses), BINS), np.nan, np.float32)
    if not len(poses):
        return out
    hsv = cv2.cvtColor(frame, cv2.COLOR_BGR2HSV)
    torso = list(torso_ring(skeleton))
    for p, pose in enumerate(poses):
        corners = pose[torso]
        if not (np.isfinite(corners[:, :2]).all() and (np.nan_to_num(corners[:, 2]) >= MIN_CONFIDENCE).all()):
            continue
        centre = corners[:, :2].mean(0)
        polygon = np.round(centre + SHRINK * (corners[:, :2] - centre)).astype(np.int32)
        x0, y0 = np.clip(polygon.min(0), 0, [frame.shape[1] - 1, frame.shape[0] - 1])
        x1, y1 = np.clip(polygon.max(0) + 1, 0, [frame.shape[1], frame.shape[0]])
        if x1 <= x0 or y1 <= y0:
            continue
        mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.fillConvexPoly(mask, polygon - [x0, y0], 1)
        if int(mask.sum()) < MIN_PIXELS:
            continue
        hist = cv2.calcHist([hsv[y0:y1, x0:x1]], [0, 1, 2], mask, [HUE_BINS, SAT_BINS, VAL_BINS],
                            [0, 180, 0, 256, 0, 256]).ravel()  # fmt: skip
        out[p] = hist / max(float(hist.sum()), 1.0)
    return out


def colour_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Hellinger distance of two histograms (B,) in [0, 1]; NaN when either is missing."""
    if not (np.isfinite(a).all() and np.isfinite(b).all()) or not len(a) or not len(b):
        return float("nan")
    overlap = float(np.sqrt(np.clip(a, 0, None) * np.clip(b, 0, None)).sum())
    return float(np.sqrt(max(0.0, 1.0 - min(overlap, 1.0))))


def typical_colour(colours: np.ndarray) -> np.ndarray:
    """(B,) the mean of the measured rows of (N, B), renormalised; NaN when none was measured."""
    rows = colours[np.isfinite(colours).all(1)] if colours.size else colours
    if not len(rows):
        return np.full(colours.shape[1] if colours.ndim == 2 else 0, np.nan, np.float32)
    mean = rows.mean(0)
    return (mean / max(float(mean.sum()), 1e-9)).astype(np.float32)
