"""Foot contacts, jumps and steps of the athletes of real clips, against bench/truth (written by
looking at frames): the player in white on the basketball clip never leaves the ground with both
feet, and the man in grey on the indoor clip neither jumps nor steps. The athlete is the truth's,
picked where the truth puts their box (the automatic choice is another matter). The poses come from
tests.support.tracked_clip, analysed once per test session (the tracking tests share them)."""

from __future__ import annotations

import numpy as np
import pytest

from inference.kinematics import compute_kinematics
from inference.kinematics.core import Kinematics
from inference.kinematics.events import FLIGHT_KINDS, detect_events
from tests.support import tracked_clip
from tests.truth import load_truth


def truth_athlete_kinematics(clip: str) -> Kinematics:
    from inference.posedata import PoseSequence
    from inference.tracking import track_at_point

    truth = load_truth(clip)
    folder, _ = tracked_clip(clip)
    poses = PoseSequence.load(folder / "poses.npz")
    person = next(p for p in truth["people"] if p["id"] == truth["athlete"])
    key = person["boxes"][len(person["boxes"]) // 2]
    x0, y0, x1, y1 = key["box"]
    track = track_at_point(poses.keypoints, poses.track_ids, poses.timestamps, (x0 + x1) / 2, (y0 + y1) / 2, key["t"])
    assert track is not None, f"no track where the truth puts {truth['athlete']}"
    return compute_kinematics(poses, int(np.flatnonzero(poses.track_ids == track)[0]))


@pytest.mark.parametrize("clip", ["basketball_pan_240p.mp4", "indoor_two_people_1080p.mp4"])
def test_no_flight_where_the_truth_has_no_jump_and_no_step_where_it_has_none(clip: str) -> None:
    truth = load_truth(clip)
    kin = truth_athlete_kinematics(clip)
    flights = [e for e in detect_events(kin, "jump").events if e.kind in FLIGHT_KINDS]
    assert len(flights) == len(truth["jumps"]) == 0, [(e.kind, e.start, e.end) for e in flights]
    if truth["steps"] is not None:  # basketball: null, the frames do not show the contacts
        steps = detect_events(kin, "walk").of_kind("step")
        assert [(round(e.end, 2), e.side) for e in steps] == [(s["t"], s["foot"]) for s in truth["steps"]] == []
    # Heights in the ground frame: the centre of mass is above the floor the feet stand on.
    height = kin.com_above_floor()[:, 1]
    assert np.nanmin(height) > 0
