"""Torso colour histograms: the shirt inside the shoulders and hips, for each keypoint set."""

from __future__ import annotations

import numpy as np
import pytest

from inference.skeleton import convert, get_skeleton
from inference.tracking.appearance import colour_distance, torso_colours


def _frame_and_pose() -> tuple[np.ndarray, np.ndarray]:
    """A 200 x 200 grey frame with a red shirt (x 60-140, y 50-150) and a BlazePose-33 pose
    whose shoulders and hips are the shirt's corners."""
    frame = np.full((200, 200, 3), 128, np.uint8)
    frame[50:150, 60:140] = (0, 0, 255)  # BGR red
    pose = np.full((33, 3), np.nan, np.float32)
    names = get_skeleton("blazepose33").keypoints
    for name, (x, y) in {"left_shoulder": (140, 50), "right_shoulder": (60, 50),
                         "left_hip": (140, 150), "right_hip": (60, 150)}.items():  # fmt: skip
        pose[names.index(name)] = (x, y, 0.9)
    return frame, pose


@pytest.mark.parametrize("skeleton", ["blazepose33", "coco18", "body25"])
def test_the_torso_is_found_in_every_keypoint_set(skeleton: str) -> None:
    # The OpenPose engine's COCO-18 poses crashed the pose stage (the torso was BlazePose-33's
    # indices 11, 12, 24, 23; COCO-18 has 18 points).
    frame, pose = _frame_and_pose()
    poses = pose[None] if skeleton == "blazepose33" else convert(pose[None], "blazepose33", skeleton)
    colours = torso_colours(frame, poses, skeleton)
    reference = torso_colours(frame, pose[None])
    assert np.isfinite(colours).all() and colour_distance(colours[0], reference[0]) == pytest.approx(0.0, abs=1e-6)
    grey = torso_colours(np.full_like(frame, 128), poses, skeleton)
    assert colour_distance(colours[0], grey[0]) > 0.9  # a red shirt is not a grey one
