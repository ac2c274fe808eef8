"""Foot contacts and the ground frame on constructed figures with a known floor and known contacts."""

from __future__ import annotations

import numpy as np
import pytest

from inference.kinematics import KinematicsConfig, compute_kinematics
from inference.kinematics.events import G, contacts_of
from inference.kinematics.filters import runs
from inference.kinematics.ground import TALLEST_STATURE_M, min_contact_s
from inference.kinematics.synthetic import on_ground, sequence, side_view_body25
from inference.skeleton import BODY25_NAMES

FS = 60.0
FLOOR = 1000.0  # image row of the floor in the constructed clips


def foot_index(side: str) -> list[int]:
    return [BODY25_NAMES.index(f"{side}{n}") for n in ("Ankle", "Heel", "BigToe", "SmallToe")]


def test_the_floor_is_where_the_feet_stand_and_heights_are_positive_metres_above_it() -> None:
    t = np.arange(int(3 * FS)) / FS
    kp = on_ground(side_view_body25(t.size), ground_y=FLOOR)
    kin = compute_kinematics(sequence(kp, t), 0, KinematicsConfig(height_cm=180.0))
    np.testing.assert_allclose(kin.ground, FLOOR, atol=1.0)  # the heel and toe lie on the floor
    com = kin.com_metres()
    assert com is not None
    # Standing, the centre of mass is at ~55 % of stature (Winter 2009): ~0.99 m for 1.80 m.
    assert np.nanmedian(com[:, 1]) == pytest.approx(0.55 * 1.80, abs=0.08)
    assert (com[:, 1] > 0).all()


def test_a_camera_that_tilts_slowly_moves_the_floor_line_not_the_heights() -> None:
    t = np.arange(int(4 * FS)) / FS
    drift = 60.0 * t / t[-1]  # the whole picture drifts 60 px down over the clip
    kp = on_ground(side_view_body25(t.size), ground_y=FLOOR)
    kp[..., 1] += drift[:, None]
    kin = compute_kinematics(sequence(kp, t), 0)
    np.testing.assert_allclose(kin.ground, FLOOR + drift, atol=2.0)
    height = kin.com_above_floor()[:, 1]
    assert np.ptp(height) < 3.0  # the athlete does not move: neither does the height


def test_a_foot_held_up_and_still_is_not_on_the_ground() -> None:
    t = np.arange(int(3 * FS)) / FS
    kp = on_ground(side_view_body25(t.size), ground_y=FLOOR)
    held = (t > 1.0) & (t < 2.0)  # the left foot is raised 0.3 statures and held still
    kp[np.ix_(held, foot_index("L"), [1])] -= 300.0
    contacts = contacts_of(compute_kinematics(sequence(kp, t), 0))
    assert contacts is not None
    assert contacts.contact["right"].all()
    assert not contacts.contact["left"][(t > 1.1) & (t < 1.9)].any()
    assert contacts.contact["left"][t < 0.9].all() and contacts.contact["left"][t > 2.1].all()


def test_the_top_of_a_flight_is_not_a_contact() -> None:
    # A foot is still at its apex for 2 v / g: shorter than the shortest contact for any stature.
    for stature in (1.5, 1.75, TALLEST_STATURE_M):
        apex_still = 2 * 0.3 * stature / G
        assert apex_still <= min_contact_s(stature) + 1e-12
        assert apex_still <= min_contact_s(None) + 1e-12


def test_frames_where_the_feet_are_not_seen_are_unknown_not_airborne() -> None:
    t = np.arange(int(3 * FS)) / FS
    kp = on_ground(side_view_body25(t.size), ground_y=FLOOR)
    kp[90:120, :, :2] = np.nan  # the athlete leaves the picture for 0.5 s (longer than gap filling)
    kp[90:120, :, 2] = 0.0
    contacts = contacts_of(compute_kinematics(sequence(kp, t), 0))
    assert contacts is not None
    for side in ("right", "left"):
        assert not contacts.known[side][90:120].any() and not contacts.contact[side][90:120].any()
        assert [(a, b) for a, b in runs(contacts.contact[side])] == [(0, 90), (120, t.size)]


def test_lifting_one_foot_does_not_move_the_floor_when_the_feet_stand_on_different_rows() -> None:
    # Seen from the front, a foot placed nearer the camera stands lower in the picture (0.1 statures
    # on the lab walk clip); lifting the other foot must not make the floor, and the heights, jump.
    t = np.arange(int(3 * FS)) / FS
    kp = on_ground(side_view_body25(t.size), ground_y=FLOOR)
    kp[:, foot_index("L"), 1] += 90.0
    swing = (t > 1.0) & (t < 1.6)
    kp[np.ix_(swing, foot_index("R"), [1])] -= (150.0 * np.sin(np.pi * (t[swing] - 1.0) / 0.6))[:, None, None]
    kin = compute_kinematics(sequence(kp, t), 0)
    contacts = contacts_of(kin)
    assert contacts is not None and not contacts.contact["right"][(t > 1.1) & (t < 1.5)].any()
    np.testing.assert_allclose(kin.ground, FLOOR + 45.0, atol=2.0)  # midway between the two rows
