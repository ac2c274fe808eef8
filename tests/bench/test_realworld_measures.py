"""bench/scoring/measures.py: event matching, timing and flight errors, cadence, angle intervals."""

import numpy as np
import pytest

from bench.scoring import measures

FPS = 30.0


def test_jump_two_frames_late_matches_with_its_timing_error():
    s = measures.score_jumps([(1.0 + 2 / FPS, 1.5 + 2 / FPS)], [(1.0, 1.5)])
    assert (s.found, s.missed, s.false) == (1, 0, 0)
    assert s.timing_error_s == pytest.approx(2 / FPS)
    assert s.flight_error_s == pytest.approx(0.0)


def test_flight_time_error_of_a_late_landing():
    s = measures.score_jumps([(1.0, 1.6)], [(1.0, 1.5)])
    assert s.found == 1 and s.flight_error_s == pytest.approx(0.1) and s.timing_error_s == pytest.approx(0.05)


def test_jump_beyond_tolerance_is_missed_and_false():
    late = measures.MATCH_TOLERANCE_S + 0.05
    s = measures.score_jumps([(1.0 + late, 1.5 + late)], [(1.0, 1.5)])
    assert (s.found, s.missed, s.false) == (0, 1, 1) and s.timing_error_s is None


def test_matching_is_one_to_one_and_closest_first():
    pairs = measures.match_events([(1.0,), (1.05,)], [(1.04,)])
    assert pairs == [(1, 0)]


def test_steps_found_missed_false_and_wrong_foot():
    true = [(0.5, "right"), (1.0, "left"), (1.5, "right")]
    detected = [(0.52, "right"), (1.03, "right"), (2.5, "left")]
    s = measures.score_steps(detected, true)
    assert (s.found, s.missed, s.false, s.wrong_side) == (2, 1, 1, 1)
    assert s.timing_error_s == pytest.approx(0.025)


def test_cadence_error():
    assert measures.cadence_spm([0.5, 1.0, 1.5]) == pytest.approx(120.0)
    assert measures.cadence_error(100.0, [0.5, 1.0, 1.5]) == pytest.approx(20.0)
    assert measures.cadence_error(None, [0.5, 1.0]) is None
    assert measures.cadence_error(100.0, [0.5]) is None


def test_angles_outside_their_interval():
    angles = np.array([[10.0, 500.0, 0.0], [170.0, np.nan, 0.0], [-40.0, 0.0, 0.0], [20.0, 0.0, 0.0]])
    s = measures.angles_outside(angles, ["knee", "trunk", "hip"], {"knee": (-30, 160), "hip": (-50, 140)})
    assert s.samples == 8 and s.outside == 2 and s.share == pytest.approx(0.25)
    assert s.worst == "knee" and s.worst_share == pytest.approx(0.5)
