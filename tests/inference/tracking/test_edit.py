"""The coach's repairs: join, split, drop — on synthetic poses, and on the basketball clip's
tracked people (bench/truth: the player in white is one person all through)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from inference.posedata import PoseSequence
from inference.tracking.edit import drop_track, join_tracks, split_track
from tests.support import tracked_clip

ROOT = Path(__file__).resolve().parents[3]


def sequence() -> PoseSequence:
    """Two slots over 10 frames: track 3 in frames 0-4, track 7 in frames 5-9 (one person split)."""
    keypoints = np.full((10, 2, 33, 3), np.nan, np.float32)
    keypoints[..., 2] = 0.0
    keypoints[:5, 0] = 1.0
    keypoints[5:, 1] = 2.0
    return PoseSequence(keypoints, "blazepose33", np.arange(10) / 10.0, 10.0, (100, 100), np.array([3, 7]))


def test_join_fills_the_kept_track_and_removes_the_other() -> None:
    joined = join_tracks(sequence(), keep=3, other=7)
    assert list(joined.track_ids) == [3]
    assert (joined.keypoints[:5, 0, :, 0] == 1.0).all() and (joined.keypoints[5:, 0, :, 0] == 2.0).all()
    with pytest.raises(ValueError):
        join_tracks(sequence(), 3, 3)
    with pytest.raises(ValueError):
        join_tracks(sequence(), 3, 99)


def test_split_then_join_gives_back_the_track() -> None:
    joined = join_tracks(sequence(), 3, 7)
    split, new_id = split_track(joined, 3, at=0.5)
    assert new_id == 4 and list(split.track_ids) == [3, 4]
    assert np.isnan(split.keypoints[5:, 0, :, 0]).all() and np.isnan(split.keypoints[:5, 1, :, 0]).all()
    np.testing.assert_array_equal(join_tracks(split, 3, 4).keypoints, joined.keypoints)
    with pytest.raises(ValueError):
        split_track(joined, 3, at=5.0)  # nothing after


def test_drop_removes_a_track() -> None:
    dropped = drop_track(sequence(), 7)
    assert list(dropped.track_ids) == [3] and dropped.keypoints.shape[1] == 1


@pytest.mark.slow
def test_split_and_join_the_basketball_athlete() -> None:
    from bench.scoring.people import match_person, skeleton_box
    from bench.scoring.truth import load_truth
    from inference.pipeline import AnalysisConfig, analyze_poses

    truth = load_truth(ROOT / "bench" / "truth" / "basketball_pan_240p.json")
    folder, summary = tracked_clip("basketball_pan_240p.mp4")  # analysed once per test session
    poses, athlete = PoseSequence.load(folder / "poses.npz"), summary["pose"]["athlete_track_id"]
    assert athlete is not None

    def owner(p: PoseSequence, track: int) -> str | None:
        slot = int(np.flatnonzero(p.track_ids == track)[0])
        counts: Counter[str | None] = Counter()
        for f in np.flatnonzero(np.isfinite(p.keypoints[:, slot, :, 0]).any(1)):
            counts[match_person(skeleton_box(p.keypoints[f, slot]), truth.boxes_at(float(p.timestamps[f]))[0])] += 1
        return counts.most_common(1)[0][0]

    assert owner(poses, athlete) == "white"
    split, new_id = split_track(poses, athlete, at=5.0)
    assert owner(split, athlete) == "white" and owner(split, new_id) == "white"
    np.testing.assert_array_equal(join_tracks(split, athlete, new_id).keypoints, poses.keypoints)
    again = analyze_poses(join_tracks(split, athlete, new_id), AnalysisConfig(until="kinematics"), athlete_track_id=athlete)
    assert again.athlete_track_id == athlete and again.kinematics is not None
