"""One body fitted twice versus two people: synthetic skeletons (BlazePose-33 layout)."""

from __future__ import annotations

import numpy as np
import pytest

from inference.skeleton import get_skeleton
from inference.tracking.geometry import box_iou, on_body_distance, same_body, unseen_outside_frame

LIMBS = get_skeleton("blazepose33").limbs
NAMES = get_skeleton("blazepose33").keypoints


def standing(x: float, y: float, height: float = 170.0) -> np.ndarray:
    """(33, 3) an upright person, hips at (x, y), y down: every keypoint on a plausible place."""
    h = height / 170.0
    places = {"nose": (0, -150), "shoulder": (20, -120), "elbow": (30, -90), "wrist": (35, -55),
              "hip": (15, 0), "knee": (15, 50), "ankle": (15, 95), "heel": (12, 100), "foot_index": (20, 102),
              "eye": (5, -155), "ear": (10, -152), "mouth": (4, -142), "pinky": (36, -48), "index": (36, -47),
              "thumb": (34, -50)}  # fmt: skip
    pose = np.ones((33, 3), np.float32)
    for k, name in enumerate(NAMES):
        side = -1 if name.startswith("left") else 1 if name.startswith("right") else 0
        base = next((v for key, v in places.items() if key in name), (0, -150))
        pose[k, :2] = [x + side * base[0] * h, y + base[1] * h]
    return pose


def upside_down_fit(pose: np.ndarray) -> np.ndarray:
    """The fit of the same body from a region rotated by 180°: the body turned about its hips,
    head where the feet are (what the landmark model returns for an upside-down crop)."""
    hips = pose[[23, 24], :2].mean(0)
    turned = pose.copy()
    turned[:, :2] = 2 * hips - pose[:, :2]
    return turned


def test_a_pose_is_one_body_with_itself_and_with_its_upside_down_fit() -> None:
    a = standing(200, 300)
    assert same_body(a, a.copy(), LIMBS)
    assert same_body(a, upside_down_fit(a), LIMBS)


def test_a_partial_fit_on_one_arm_lies_on_the_body() -> None:
    a = standing(200, 300)
    arm = np.full_like(a, np.nan)
    arm[:, 2] = 0.0
    for k in (12, 14, 16):  # right shoulder, elbow, wrist
        arm[k] = a[k]
    assert on_body_distance(arm, a, LIMBS) < 0.01
    assert same_body(arm, a, LIMBS)


def test_two_people_side_by_side_or_one_in_front_are_two_bodies() -> None:
    a = standing(200, 300)
    beside = standing(235, 300)  # arms overlapping: a hug, a crowd
    assert box_iou(np.r_[a[:, :2].min(0), a[:, :2].max(0)], np.r_[beside[:, :2].min(0), beside[:, :2].max(0)]) > 0.2
    assert not same_body(a, beside, LIMBS)
    near = standing(230, 420, height=220)  # a bigger person closer to the camera, lower in the frame
    assert not same_body(a, near, LIMBS)


def test_absent_skeletons_are_never_one_body() -> None:
    a = standing(200, 300)
    empty = np.full_like(a, np.nan)
    assert not same_body(a, empty, LIMBS)
    assert on_body_distance(empty, a, LIMBS) == float("inf")


def test_keypoints_outside_the_frame_are_unseen_and_the_input_is_kept() -> None:
    frames = np.array([[[[10.0, 20.0, 0.9], [-1.0, 20.0, 0.8], [639.9, 479.9, 0.7],
                         [640.0, 100.0, 0.95], [50.0, 480.0, 0.6], [np.nan, np.nan, 0.0]]]], np.float32)  # fmt: skip
    out = unseen_outside_frame(frames, (640, 480))
    assert out[0, 0, :, 2].tolist() == pytest.approx([0.9, 0.0, 0.7, 0.0, 0.0, 0.0])
    assert np.array_equal(out[..., :2], frames[..., :2], equal_nan=True)  # positions stay (tracking used them)
    assert frames[0, 0, 1, 2] == pytest.approx(0.8)  # a copy
