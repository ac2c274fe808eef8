"""inference/kinematics/apex.py: the still top of a flight is not a contact; a stair, a walk towards
the camera and a long stand are."""

from __future__ import annotations

import numpy as np

from inference.kinematics.apex import APEX_MAX_S, APEX_RISE, flight_apexes

FS = 30.0
STATURE = 400.0


def feet(right: str, left: str, rows: dict[str, list[float]]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray]:
    """Contact flags from strings ('1' on the ground, '.' moving) and sole rows per run of each."""
    contact, sole = {}, {}
    for side, flags in (("right", right), ("left", left)):
        on = np.array([c == "1" for c in flags])
        row = np.full(on.size, np.nan)
        k = 0
        for i, c in enumerate(flags):
            if i and flags[i - 1] != c:
                k += 1
            row[i] = rows[side][k]
        contact[side], sole[side] = on, row
    return contact, sole, np.arange(len(right)) / FS


LIFT = APEX_RISE * STATURE * 3  # three times the bound, pixels


def test_both_feet_still_at_the_top_of_a_flight_are_in_the_air():
    # stand, 4 frames rising, 5 frames still at the top, 4 frames falling, stand
    flags = "1" * 10 + "." * 4 + "1" * 5 + "." * 4 + "1" * 10
    rows = [1000.0, 950.0, 1000.0 - LIFT, 950.0, 1000.0]
    contact, sole, t = feet(flags, flags, {"right": rows, "left": rows})
    apex = flight_apexes(contact, sole, np.full(t.size, STATURE), t, 0.25)
    for side in ("right", "left"):
        assert np.flatnonzero(apex[side]).tolist() == list(range(14, 19))


def test_a_stair_a_walk_towards_the_camera_and_a_long_stand_are_contacts():
    flags = "1" * 10 + "." * 4 + "1" * 5 + "." * 4 + "1" * 10
    up = [1000.0, 950.0, 1000.0 - LIFT, 950.0, 1000.0]
    stand = "1" * len(flags)
    # one foot up on a stair while the other stands below
    contact, sole, t = feet(flags, stand, {"right": up, "left": [1000.0]})
    assert not flight_apexes(contact, sole, np.full(t.size, STATURE), t, 0.25)["right"].any()
    # towards the camera each contact is lower in the picture than the last
    down = [900.0, 950.0, 900.0 + LIFT, 950.0, 900.0 + 2 * LIFT]
    contact, sole, t = feet(flags, flags, {"right": down, "left": down})
    assert not any(a.any() for a in flight_apexes(contact, sole, np.full(t.size, STATURE), t, 0.25).values())
    # standing on a box between two jumps, longer than APEX_MAX_S
    long_flags = "1" * 10 + "." * 4 + "1" * int(FS * APEX_MAX_S + 2) + "." * 4 + "1" * 10
    contact, sole, t = feet(long_flags, long_flags, {"right": up, "left": up})
    assert not any(a.any() for a in flight_apexes(contact, sole, np.full(t.size, STATURE), t, 0.25).values())


def test_a_top_within_the_keypoint_scatter_is_a_contact():
    flags = "1" * 10 + "." * 4 + "1" * 5 + "." * 4 + "1" * 10
    rows = [1000.0, 990.0, 1000.0 - 0.5 * APEX_RISE * STATURE, 990.0, 1000.0]
    contact, sole, t = feet(flags, flags, {"right": rows, "left": rows})
    assert not any(a.any() for a in flight_apexes(contact, sole, np.full(t.size, STATURE), t, 0.25).values())
