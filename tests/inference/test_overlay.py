"""The compact keypoint JSON for the browser overlay."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np

from inference.overlay import compact_keypoints_json, decimation_step
from inference.posedata import PoseSequence
from inference.skeleton import get_skeleton


def _poses(frames: int = 60, fps: float = 60.0) -> PoseSequence:
    k = get_skeleton("blazepose33").num_keypoints
    keypoints = np.zeros((frames, 2, k, 3), np.float32)
    keypoints[..., 0] = np.arange(k) * 10.4
    keypoints[..., 1] = 500.6
    keypoints[..., 2] = 0.876
    keypoints[:, 1, :, :2] = np.nan  # second person absent...
    keypoints[:, 1, :, 2] = 0.0
    keypoints[8, 1] = keypoints[8, 0]  # ...except in frame 8
    keypoints[:, 0, 5, :2] = np.nan  # one keypoint of the first never seen
    return PoseSequence(
        keypoints=keypoints,
        skeleton="blazepose33",
        timestamps=np.arange(frames) / fps,
        fps=fps,
        size=(1080, 1920),
        track_ids=np.array([4, 7]),
    )


def test_decimation_step() -> None:
    assert decimation_step(np.arange(10) / 60, 15) == 4
    assert decimation_step(np.arange(10) / 28, 15) == 1
    assert decimation_step(np.arange(10) / 30, 15) == 2
    assert decimation_step(np.zeros(1), 15) == 1


def test_layout_rounding_and_absence() -> None:
    data = compact_keypoints_json(_poses(), athlete_track_id=4)
    assert data["tracks"] == [4, 7] and data["athlete"] == 4
    assert data["fps"] == 15.0 and len(data["t"]) == len(data["frames"]) == 15
    assert data["limbs"] == [list(limb) for limb in get_skeleton("blazepose33").limbs]
    first = data["frames"][0][0]
    assert len(first) == 33 * 3
    assert first[3:6] == [10, 501, 88]  # x, y rounded to pixels, c in hundredths
    assert first[15:18] == [0, 0, 0]  # the keypoint never seen
    assert data["frames"][0][1] is None
    assert data["frames"][2][1] is not None  # frame 8 is kept (every 4th)
    json.dumps(data)  # plain JSON types only


def test_only_athlete() -> None:
    data = compact_keypoints_json(_poses(), athlete_track_id=7, only_athlete=True)
    assert data["tracks"] == [7]
    assert all(len(frame) == 1 for frame in data["frames"])


def test_frame_times_list_every_source_frame_not_only_the_drawn_ones() -> None:
    """The poses thin out to max_fps; the frame times the review player steps through do not,
    uneven intervals included."""
    poses = replace(_poses(frames=12), timestamps=np.r_[np.arange(6) / 60, 0.3 + np.arange(6) / 60])  # a gap
    data = compact_keypoints_json(poses, max_fps=30)
    assert len(data["t"]) == 6
    assert data["frame_times"] == [round(float(t), 3) for t in poses.timestamps]
