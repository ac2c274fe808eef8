"""Foot contacts, jumps and steps of the athletes of real clips, against bench/truth (written by
looking at frames): the player in white on the basketball clip never leaves the ground with both
feet, and the man in grey on the indoor clip neither jumps nor steps. The athlete is the truth's,
picked where the truth puts their box (the automatic choice is another matter). The poses come from
tests.support.tracked_clip, analysed once per test session (the tracking tests share them). Also
the noise floors the event constants stand on (a planted foot's scatter and drift) and the lab
walk's one step, timed on the foot coming to rest."""

from __future__ import annotations

import numpy as np
import pytest

from inference.kinematics import compute_kinematics
from inference.kinematics.core import Kinematics
from inference.kinematics.events import (
    FLIGHT_KINDS,
    LIFT_HEIGHT,
    MIN_STEP_DISPLACEMENT,
    contacts_of,
    detect_events,
    swings,
)
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


def planted_feet(kin: Kinematics) -> list[tuple[np.ndarray, float]]:
    """(sole rows about their running median over GROUND_SMOOTH_S, statures, (n,); how far the
    foot's points moved from the run's first 3 frames to its last 3, statures) of every contact run
    of both feet lasting at least 0.3 s: the scatter LIFT_HEIGHT and the floor estimate of
    :func:`inference.kinematics.events.swings` work on, and a planted foot's drift."""
    from scipy.ndimage import median_filter

    from inference.kinematics.filters import runs
    from inference.kinematics.ground import GROUND_SMOOTH_S

    contacts = contacts_of(kin)
    assert contacts is not None
    t, out = contacts.timestamps, []
    window = int(round(GROUND_SMOOTH_S / float(np.median(np.diff(t))))) | 1
    for side in ("left", "right"):
        for a, b in runs(contacts.contact[side]):
            if t[b - 1] - t[a] < 0.3:
                continue
            sole = contacts.sole[side][a:b] / contacts.stature_px[a:b]
            xy = contacts.feet[side]
            moved = np.linalg.norm(np.nanmedian(xy[b - 3 : b], 0) - np.nanmedian(xy[a : a + 3], 0), axis=-1)
            out.append((sole - median_filter(sole, size=window, mode="nearest"), np.nanmedian(moved) / contacts.stature_px[b - 1]))
    return out


# The noise floors behind LIFT_HEIGHT and MIN_STEP_DISPLACEMENT, measured on planted feet of the
# dev clips' truth athletes (docs/kinematics.md). The basketball clip's camera pans, so its feet
# move in the picture while planted: its drift is not a keypoint floor and is not held to it.
@pytest.mark.parametrize(("clip", "static"), [("lab_walk_portrait_60fps.mp4", True),
                                              ("lab_two_people_portrait_60fps.mp4", True),
                                              ("indoor_two_people_1080p.mp4", True),
                                              ("basketball_pan_240p.mp4", False)])  # fmt: skip
def test_a_planted_foot_stays_within_the_lift_height_and_the_step_displacement(clip: str, static: bool) -> None:
    planted = planted_feet(truth_athlete_kinematics(clip))
    assert planted, "no planted foot of 0.3 s or more"
    scatter = np.concatenate([rows for rows, _ in planted])
    assert np.nanpercentile(np.abs(scatter), 95) <= LIFT_HEIGHT
    if static:
        assert max(moved for _, moved in planted) < MIN_STEP_DISPLACEMENT


def test_the_lab_walk_step_is_timed_on_the_foot_coming_to_rest_and_moves_the_foot() -> None:
    # bench/truth: the right foot touches down at 1.233 s (+-1 frame; seen from behind in the
    # trial's other cameras, bench/truth/multiview/pose2sim_landings.json), about 0.9 s after lifting out
    # sideways. Seen from the front-left, the foot comes towards the camera and sinks in the
    # picture: its sole never rises above where it stood, so the contact is timed on its speed,
    # where the foot comes to rest (events._at_rest).
    truth = load_truth("lab_walk_portrait_60fps.mp4")
    kin = truth_athlete_kinematics("lab_walk_portrait_60fps.mp4")
    contacts = contacts_of(kin)
    assert contacts is not None
    (swing,) = [s for s in swings(contacts) if s.side == "right"]
    assert np.isnan(swing.leaves)
    (step,) = detect_events(kin, "walk").of_kind("step")
    assert (step.side, step.end) == (truth["steps"][0]["foot"], pytest.approx(truth["steps"][0]["t"], abs=2 / truth["fps"]))
    assert step.values["displacement_statures"] > 4 * MIN_STEP_DISPLACEMENT
