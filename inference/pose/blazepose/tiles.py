"""The person detector on the whole frame and on square tiles of it, for small people.

pose_detection.tflite sees the frame letterboxed to 224x224: at 426x240 a player 90 px tall
becomes 47 px and her face, which the detector keys on, ~8 px — under the model's smallest
anchors (0.148 x 224 = 33 px boxes, pose_detection_cpu.pbtxt), so such players were missed for
seconds on basketball_pan_240p.mp4. The frame is also cut into square tiles as wide as its short
side (two for 16:9 or 9:16, overlapping), each seen by the detector at up to 1.8x the whole
frame's scale. A tile's detection is a new candidate unless its hip point lies within
``SAME_DETECTION`` ROI sides of a detection already kept (the whole frame's come first).

Cost: one detector call per tile on detection frames only (every ``redetect_every`` frames and
after someone was lost), plus one landmark call per extra candidate.
"""

from __future__ import annotations

import math

import numpy as np

from inference.pose.blazepose.detector import Detection, PoseDetector

# Two detections of one person from different views: their hip points closer than this share of
# the ROI side (a quarter: hips of two people side by side are further apart than that).
SAME_DETECTION = 0.25
MAX_TILES = 3  # a panorama is not cut finer than this (each tile is one detector call)


def square_tiles(width: int, height: int) -> list[tuple[int, int, int]]:
    """(x0, y0, side) of square tiles as wide as the short side, evenly spread over the long side
    (none when the frame is square already)."""
    short, long = min(width, height), max(width, height)
    count = min(math.ceil(long / short), MAX_TILES) if long > short else 0
    if count < 2:
        return []
    starts = np.linspace(0, long - short, count).round().astype(int)
    return [(int(s), 0, short) if width >= height else (0, int(s), short) for s in starts]


def _to_frame(detection: Detection, x0: int, y0: int, side: int, width: int, height: int) -> Detection:
    """A tile's detection in the whole frame's normalised coordinates."""
    scale = np.array([side / width, side / height], np.float32)
    offset = np.array([x0 / width, y0 / height], np.float32)
    box = np.concatenate([detection.box[:2] * scale + offset, detection.box[2:] * scale + offset])
    return Detection(box, detection.keypoints * scale + offset, detection.score)


def _hip_and_side(detection: Detection, width: int, height: int) -> tuple[np.ndarray, float]:
    size = np.array([width, height], np.float64)
    hip = detection.keypoints[0] * size
    return hip, 2.0 * float(np.hypot(*(detection.keypoints[1] * size - hip)))


def detect_tiled(detector: PoseDetector, frame_bgr: np.ndarray) -> list[Detection]:
    """Detections of the whole frame, then those of the tiles that are nobody found already;
    normalised to the whole frame."""
    height, width = frame_bgr.shape[:2]
    kept = list(detector.detect(frame_bgr))
    for x0, y0, side in square_tiles(width, height):
        for found in detector.detect(frame_bgr[y0 : y0 + side, x0 : x0 + side]):
            candidate = _to_frame(found, x0, y0, side, width, height)
            hip, roi_side = _hip_and_side(candidate, width, height)
            if all(np.hypot(*(hip - _hip_and_side(d, width, height)[0])) >= SAME_DETECTION * roi_side for d in kept):
                kept.append(candidate)
    return kept
