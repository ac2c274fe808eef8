"""A step must put the whole foot down elsewhere (inference/kinematics/events.py ``_displacement``:
the least displacement over the foot's points). On indoor_two_people_1080p.mp4 the man in grey
never steps (bench/truth); in the lean and the embrace (frames 39-71) his left foot's ankle and toe
are fitted drifting between his shoes while the shoe stays put (looked at: crops of his feet at
frames 34-71 with the foot keypoints drawn). Once the tracking follows him through the embrace
(docs/tracking.md 4b), the fits from frame 53 give that drift a landing: the heel's fit back on
its shoe (0.02 statures from where it stood), the ankle's and toe's 0.12-0.13 away. The median
over the points read 0.12, a step; the least reads 0.02."""

from __future__ import annotations

import numpy as np
import pytest

from inference.kinematics.events import (
    MIN_STEP_DISPLACEMENT,
    _displacement,
    contacts_of,
    detect_events,
    swings,
)
from inference.kinematics.ground import FootContacts


def contacts_with_left_foot(feet: np.ndarray) -> FootContacts:
    """FootContacts of 20 frames holding only the left foot's points (T, F, 2), stature 1000 px."""
    t = np.arange(len(feet)) / 30.0
    on = np.ones(len(t), bool)
    on[8:12] = False
    flags = {"left": on, "right": np.ones(len(t), bool)}
    nan = {s: np.full(len(t), np.nan) for s in flags}
    return FootContacts(t, np.full(len(t), 1000.0), flags, flags, nan, nan, np.full(len(t), np.nan), True,
                        {s: np.ones(len(t)) for s in flags}, {"left": feet})


def foot(ankle_dx: float, heel_dx: float, toe_dx: float) -> np.ndarray:
    """(20, 3, 2) ankle, heel and toe standing at x 500, 480, 620 in frames 0-7 and moved by the
    given pixels from frame 8 on."""
    out = np.zeros((20, 3, 2))
    out[:, :, 0] = [500.0, 480.0, 620.0]
    out[:, :, 1] = [960.0, 1000.0, 1000.0]
    out[8:, :, 0] += [ankle_dx, heel_dx, toe_dx]
    return out


def test_a_foot_moves_as_far_as_its_least_moved_point() -> None:
    moved = _displacement(contacts_with_left_foot(foot(100.0, 100.0, 100.0)), "left", 8, 12)
    assert moved == pytest.approx(0.1)  # a step: every point 0.1 statures on
    drifted = _displacement(contacts_with_left_foot(foot(120.0, 20.0, 130.0)), "left", 8, 12)
    assert drifted == pytest.approx(0.02) and drifted < MIN_STEP_DISPLACEMENT  # the heel stood


def test_the_indoor_grey_man_followed_through_the_embrace_does_not_step() -> None:
    from tests.inference.kinematics.test_events_real import truth_athlete_kinematics

    kin = truth_athlete_kinematics("indoor_two_people_1080p.mp4")
    assert np.isfinite(kin.points[52:72, 0]).all(), "followed through the embrace (docs/tracking.md 4b)"
    contacts = contacts_of(kin)
    assert contacts is not None
    drift = [s for s in swings(contacts) if s.side == "left" and s.first <= 40 < s.stop]
    assert len(drift) == 1 and drift[0].displacement < MIN_STEP_DISPLACEMENT, drift
    assert detect_events(kin, "walk").of_kind("step") == []
