"""One person is one skeleton per frame, on the basketball clip's frames where rotated
re-detections used to add a second, upside-down skeleton on a player (0-3 s: frames 13-28 on the
player in white, 40-104 on the player in blue): no two skeletons of a frame are one person by the
scoreboard's duplicate rule (bench/scoring/people.py). bench/truth has two people there, apart
except where one hides the other (5.27-5.81 s, not in these frames)."""

from __future__ import annotations

import numpy as np
import pytest

from bench.scoring.people import is_duplicate, skeleton_box
from tests.support import shared_clip

CLIP = "basketball_pan_240p.mp4"
FRAMES = 105  # 0-3.5 s


@pytest.fixture(scope="module")
def found() -> list[tuple[float, np.ndarray]]:
    from inference.pose.blazepose import BlazePoseEstimator, keypoints
    from inference.video import iter_frames

    path = shared_clip(CLIP)
    estimator = BlazePoseEstimator()
    out = []
    for i, (frame, t) in enumerate(iter_frames(path)):
        if i >= FRAMES:
            break
        out.append((t, keypoints(estimator.process(frame))))
    return out


def _sigmas() -> np.ndarray:
    from bench.realworld import oks_sigmas

    return oks_sigmas("blazepose33")


def test_no_frame_has_two_skeletons_on_one_person(found: list[tuple[float, np.ndarray]]) -> None:
    sigmas = _sigmas()
    for t, people in found:
        boxes = [skeleton_box(p) for p in people]
        pairs = [(i, j) for i in range(len(people)) for j in range(i + 1, len(people))
                 if is_duplicate(people[i], people[j], boxes[i], boxes[j], sigmas)]  # fmt: skip
        assert pairs == [], f"duplicate skeletons at {t:.2f} s"
