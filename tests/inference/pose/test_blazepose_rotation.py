"""The athlete kept through rotations and inversions: the frames of lab_walk_portrait_60fps.mp4
(bench/truth: the athlete visible in every frame, 0-1.667 s) turned by 10° more each frame — a
full turn every 0.6 s, as fast as a back flip — are followed without a loss: the region turns
with the body (its rotation comes from the previous frame's landmarks), and the whole clip is one
identity after tracking and stitching."""

from __future__ import annotations

import numpy as np
import pytest

from tests.support import shared_clip

STEP_DEGREES = 10.0


def _turned(image: np.ndarray, degrees: float) -> np.ndarray:
    import cv2

    h, w = image.shape[:2]
    side = int(np.hypot(h, w))  # a square canvas the turned frame fits in
    canvas = np.zeros((side, side, 3), np.uint8)
    canvas[(side - h) // 2 : (side - h) // 2 + h, (side - w) // 2 : (side - w) // 2 + w] = image
    turn = cv2.getRotationMatrix2D((side / 2, side / 2), degrees, 1.0)
    return cv2.warpAffine(canvas, turn, (side, side))


@pytest.mark.slow
def test_athlete_followed_through_full_turns() -> None:
    from inference.pose.blazepose import BlazePoseEstimator, keypoints
    from inference.skeleton import get_skeleton
    from inference.tracking import Tracker
    from inference.tracking.stitch import stitch

    estimator, tracker = BlazePoseEstimator(), Tracker()
    counts = []
    for i, (frame, t) in enumerate(shared_clip_frames()):
        people = keypoints(estimator.process(_turned(frame, STEP_DEGREES * i)))
        counts.append(len(people))
        tracker.update(people, t)
    assert min(counts) >= 1, "the athlete was lost in a turn"
    identities = stitch(tracker.tracklets(), get_skeleton("blazepose33").limbs)
    frames = max(len(np.unique(np.concatenate([tr.frames for tr in g]))) for g in identities)
    assert frames >= 0.95 * len(counts)


def shared_clip_frames() -> list[tuple[np.ndarray, float]]:
    from inference.video import iter_frames

    return list(iter_frames(shared_clip("lab_walk_portrait_60fps.mp4"), max_side=480))
