"""OpenPoseEstimator on real footage: how many people, and where.

Expected values were written down after looking at the skeletons drawn on these frames (all on
the bodies). Positions are torso centres (mean of Neck, RHip, LHip) in frame pixels; the
tolerance is 6 % of the frame's long side.
"""

from pathlib import Path

import cv2
import numpy as np
import pytest

from inference.pose.openpose.estimator import OpenPoseEstimator
from inference.skeleton import COCO18
from inference.video import iter_frames
from tests.support import shared_clip

TORSO = [COCO18.index(n) for n in ("Neck", "RHip", "LHip")]
BASKETBALL = Path("/usr/share/doc/opencv-doc/examples/data/basketball1.png")

CASES = {
    # clip: {frame index: torso centres (x, y) of everyone in view}
    "indoor_two_people_1080p.mp4": {
        0: [(1022, 517), (758, 552)],
        20: [(1022, 515), (767, 557)],
        40: [(994, 512), (819, 542)],  # one grabs the other
    },
    "lab_two_people_portrait_60fps.mp4": {
        0: [(433, 649), (797, 1230), (71, 483)],  # man, woman in front, person at the back
        50: [(517, 721), (721, 1216), (73, 477)],
    },
    "lab_walk_portrait_60fps.mp4": {
        0: [(431, 655), (73, 484)],  # walker and the person at the back
        60: [(524, 713), (74, 477)],
    },
}


@pytest.fixture(scope="module")
def estimator() -> OpenPoseEstimator:
    return OpenPoseEstimator()


def _frames(clip: str, wanted: set[int]) -> dict[int, np.ndarray]:
    out = {}
    for i, (frame, _) in enumerate(iter_frames(shared_clip(clip))):
        if i in wanted:
            out[i] = frame
        if len(out) == len(wanted):
            break
    return out


def _assert_people_at(people: np.ndarray, expected: list[tuple[int, int]], frame_shape) -> None:
    assert len(people) == len(expected), f"found {len(people)} people, expected {len(expected)}"
    centres = np.nanmean(people[:, TORSO, :2], axis=1)
    tolerance = 0.06 * max(frame_shape[:2])
    for x, y in expected:
        distance = np.hypot(centres[:, 0] - x, centres[:, 1] - y)
        assert distance.min() < tolerance, f"nobody near ({x}, {y}): centres {centres.round()}"
    for person in people:
        assert (person[:, 2] > 0).sum() >= 10, "each person mostly whole"


@pytest.mark.parametrize("clip", CASES)
def test_people_in_clip_frames(clip, estimator):
    frames = _frames(clip, set(CASES[clip]))
    results = estimator.estimate([frames[i] for i in CASES[clip]])
    for (i, expected), people in zip(CASES[clip].items(), results, strict=True):
        _assert_people_at(people, expected, frames[i].shape)


def test_basketball_photo(estimator):
    if not BASKETBALL.exists():
        pytest.skip(f"{BASKETBALL} is absent: install Debian's opencv-doc package for this photo")
    people = estimator.estimate([cv2.imread(str(BASKETBALL))])[0]
    # The player on the left whole; the one cut by the right edge shows his head and shoulder.
    assert len(people) == 2
    centres = np.nanmean(people[..., :2], axis=1)
    order = np.argsort(centres[:, 0])
    np.testing.assert_allclose(centres[order], [(97, 230), (552, 116)], atol=30)
    assert (people[order[0], :, 2] > 0).sum() >= 16


def test_most_frames_of_the_indoor_clip_show_both_people(estimator):
    frames = [f for i, (f, _) in enumerate(iter_frames(shared_clip("indoor_two_people_1080p.mp4")))
              if i % 4 == 0]  # fmt: skip
    counts = [len(p) for p in estimator.estimate(frames)]
    assert sum(c == 2 for c in counts) >= 0.75 * len(counts), counts
    assert max(counts) == 2


def test_656x368_finds_both_people_while_they_hug():
    frames = _frames("indoor_two_people_1080p.mp4", {64})
    people = OpenPoseEstimator(input_size=(656, 368)).estimate([frames[64]])[0]
    # Seen drawn: the man hugging from the left and the one he holds.
    _assert_people_at(people, [(862, 535), (980, 514)], frames[64].shape)


def test_multi_scale_averaging_keeps_people_in_place(estimator):
    frames = _frames("indoor_two_people_1080p.mp4", {0})
    single = estimator.estimate([frames[0]])[0]
    multi = OpenPoseEstimator(scales=(1.0, 1.5)).estimate([frames[0]])[0]
    _assert_people_at(multi, CASES["indoor_two_people_1080p.mp4"][0], frames[0].shape)
    # Same people, keypoints within a few pixels of the single-scale result.
    order = [int(np.argmin(np.hypot(*(np.nanmean(multi[:, TORSO, :2], 1) - c).T)))
             for c in np.nanmean(single[:, TORSO, :2], 1)]  # fmt: skip
    shift = np.linalg.norm(multi[order, :, :2] - single[:, :, :2], axis=-1)
    assert np.nanmedian(shift) < 15
