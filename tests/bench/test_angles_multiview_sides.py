"""The multi-view reference's left/right (bench/angles_multiview.py ``--sides``): the other views'
majority against the face, on a synthetic person seen by four synthetic cameras. No data, no model
runs: a few seconds."""

from __future__ import annotations

import numpy as np
import pytest

from bench.angles_3d import set_sides
from bench.angles_multiview import UP, Demo, reference
from bench.multiview import match_views, mirror_votes
from inference.kinematics.points import point_index
from inference.skeleton import get_skeleton
from tests.bench.test_multiview import CAMERAS
from tests.bench.test_swaps_multiview import _person

FRAMES = 10
SKELETON = get_skeleton("blazepose33")
MIRROR = list(SKELETON.mirror)
BODY = tuple(SKELETON.index(n) for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip",
                                          "left_knee", "right_knee", "left_ankle", "right_ankle"))  # fmt: skip


def _views(person: np.ndarray) -> list[np.ndarray]:
    """Per camera (T, 1, 33, 3): the person's projection at confidence 0.9. The detector mirrors
    the whole body (front/back confusion) in camera 1's frames 3-5 and in camera 0's frames 6-7;
    frame 8: camera 2 mirrored and camera 3 misses the person, so for cameras 0 and 1 the other
    views tie (one kept, one mirrored)."""
    out = []
    for v, cam in enumerate(CAMERAS):
        kp = np.concatenate([cam.project(person), np.full((*person.shape[:2], 1), 0.9)], axis=-1)
        mirrored = {1: [3, 4, 5], 0: [6, 7], 2: [8]}.get(v, [])
        kp[mirrored] = kp[mirrored][:, MIRROR]
        if v == 3:
            kp[8] = np.nan
        out.append(kp[:, None])
    return out


def _guessed_nose(person: np.ndarray) -> np.ndarray:
    """The nose put 1 cm behind the ears' midpoint, as the detectors guess it where the face is
    hidden or turned down (Pose2Sim Demo_SinglePerson cam04's reference, frames 46-67: 0.3-3 cm from
    the midpoint, against 7-12 cm where the face rule holds)."""
    out = person.copy()
    ears = 0.5 * (person[:, SKELETON.index("left_ear")] + person[:, SKELETON.index("right_ear")])
    out[:, SKELETON.index("nose")] = ears - [0.01, 0.0, 0.0]  # the person faces +x
    return out


def test_mirror_votes_count_the_views_that_had_to_be_mirrored():
    keypoints = _views(_person(FRAMES))
    xy, _ = match_views(CAMERAS, keypoints, 0, 0, SKELETON.mirror, BODY)
    assert mirror_votes(keypoints, xy, 0, SKELETON.mirror).tolist() == [-3, -3, -3, -1, -1, -1, 3, 3, 0, -3]
    xy, _ = match_views(CAMERAS, keypoints, 1, 0, SKELETON.mirror, BODY)
    assert mirror_votes(keypoints, xy, 1, SKELETON.mirror).tolist() == [-3, -3, -3, 3, 3, 3, -1, -1, 0, -3]
    xy, _ = match_views(CAMERAS, keypoints, 2, 0, SKELETON.mirror, BODY)
    assert mirror_votes(keypoints, xy, 2, SKELETON.mirror)[8] == 2  # camera 2 is the odd one out


@pytest.mark.parametrize("anchor", range(4))
def test_the_views_sides_follow_the_body_where_the_face_is_guessed(anchor):
    person = _guessed_nose(_person(FRAMES))
    demo = Demo("synthetic", CAMERAS, _views(person), [None] * len(CAMERAS), anchor)
    truth = {n: person[:, SKELETON.index(n)] for n in ("right_knee", "left_knee")}
    views, check = reference(demo, 0, demo.use("others"), "views")
    face, _ = reference(demo, 0, demo.use("others"), "face")
    judged = np.isfinite(views[:, point_index("RKnee"), 0])
    # frame 8: a tie for cameras 0 and 1 (no reference: not judged), camera 3 does not see the person
    assert np.flatnonzero(~judged).tolist() == ([] if anchor == 2 else [8])
    assert check["frames in doubt (sides), of those triangulated"] == pytest.approx(0.1 if anchor < 2 else 0.0)
    faced = np.isfinite(face[:, point_index("RKnee"), 0])
    assert faced.sum() == (9 if anchor == 3 else 10)  # the face judges the ties too
    for side, name in (("R", "right_knee"), ("L", "left_knee")):
        assert np.allclose(views[judged, point_index(f"{side}Knee")], truth[name][judged], atol=0.01)
        # the face rule reads the guessed nose as a face turned backwards: left and right exchanged
        other = truth["left_knee" if side == "R" else "right_knee"]
        assert np.allclose(face[faced, point_index(f"{side}Knee")], other[faced], atol=0.01)


def test_set_sides_doubt_views_ties_and_face_disagreements():
    person = _person(4)
    flipped = person[:, MIRROR]
    X = np.stack([person[0], flipped[1], person[2], flipped[3]])  # the judged view's labels mirrored in 1 and 3
    votes = np.array([-2, 2, 0, 0])
    sided, doubt = set_sides(X, SKELETON.keypoints, UP, votes, "views")
    assert np.allclose(sided[:2], person[:2]) and np.allclose(sided[2:], X[2:])  # a tie keeps the labels
    assert doubt.tolist() == [False, False, True, True]
    sided, doubt = set_sides(X, SKELETON.keypoints, UP, votes, "face")
    assert np.allclose(sided, person)  # the face (a real one here) is right in every frame
    assert doubt.tolist() == [False, False, False, True]  # frame 3: the face flips, the views tie
    with pytest.raises(ValueError):
        set_sides(X, SKELETON.keypoints, UP, votes, "both")
