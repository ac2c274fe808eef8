"""Identities that are not people (synthetic BlazePose-33 skeletons)."""

from __future__ import annotations

import numpy as np

from inference.tracking.online import Tracklet
from inference.tracking.plausible import is_person, legs_over_torso, seen_frames


def standing(n: int = 10, visibility: float = 0.9, torso: float = 60.0, legs: float = 90.0) -> np.ndarray:
    """(n, 33, 3) hips at (200, 300), shoulders ``torso`` px above, ankles ``legs`` px below."""
    pose = np.full((33, 3), np.nan, np.float32)
    pose[:, 2] = visibility
    pose[:, :2] = [200, 300]
    pose[[11, 12], :2] = [[190, 300 - torso], [210, 300 - torso]]
    pose[[23, 24], :2] = [[192, 300], [208, 300]]
    pose[[25, 26], :2] = [[192, 300 + legs / 2], [208, 300 + legs / 2]]
    pose[[27, 28], :2] = [[192, 300 + legs], [208, 300 + legs]]
    pose[0, :2] = [200, 300 - torso - 25]
    return np.repeat(pose[None], n, axis=0)


def identity(poses: np.ndarray) -> list[Tracklet]:
    n = len(poses)
    return [Tracklet(0, np.arange(n), np.arange(n) / 30.0, poses, np.full((n, 1), np.nan, np.float32))]


def test_an_upright_person_and_an_upside_down_one_are_people() -> None:
    assert is_person(identity(standing()))
    flipped = standing()
    flipped[:, :, 1] = 600 - flipped[:, :, 1]  # a handstand: the same body upside down
    assert is_person(identity(flipped))


def test_a_skeleton_seen_at_low_visibility_throughout_is_not_a_person() -> None:
    assert not is_person(identity(standing(visibility=0.3)))
    mostly_good = standing(visibility=0.9)
    mostly_good[:3, :, 2] = 0.2  # a few blurred frames of a real person
    assert is_person(identity(mostly_good))


def test_a_torso_folded_onto_the_hips_is_not_a_person() -> None:
    folded = standing(torso=20.0, legs=90.0)
    assert legs_over_torso(folded) > 4
    assert not is_person(identity(folded))


def test_frames_where_no_body_is_seen_are_left_out() -> None:
    poses = standing(n=10)
    poses[7:, :, 2] = 0.2  # the person left; the region hangs on at the frame's edge
    [kept] = seen_frames(identity(poses))
    assert list(kept.frames) == list(range(7))
    assert seen_frames(identity(standing(n=4, visibility=0.1))) == []


def test_a_tracklet_left_with_one_or_two_seen_frames_goes_whole() -> None:
    """After its person left, a region lingers: two of its frames still read as a body. Those
    remnants are one-off fits, as the stitching treats them, not the person."""
    poses = standing(n=10, visibility=0.2)
    poses[[4, 7], :, 2] = 0.6
    assert seen_frames(identity(poses)) == []
    poses[5, :, 2] = 0.6
    [kept] = seen_frames(identity(poses))
    assert list(kept.frames) == [4, 5, 7]
