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


def test_recall_and_precision_of_events():
    s = measures.score_steps([(0.5, "right"), (1.03, "left"), (2.5, "left")], [(0.5, "right"), (1.0, "left"), (1.5, "right")])
    assert s.recall == pytest.approx(2 / 3) and s.precision == pytest.approx(2 / 3)
    nothing = measures.score_steps([], [])
    assert nothing.recall is None and nothing.precision is None
    assert measures.score_steps([], [(1.0, "left")]).recall == 0.0
    assert measures.score_steps([(1.0, "left")], []).precision == 0.0


def test_timing_error_in_frames_mean_and_worst():
    s = measures.score_jumps([(1.0 + 2 / FPS, 1.5 + 1 / FPS)], [(1.0, 1.5)])
    mean, worst = s.timing_frames(FPS)
    assert mean == pytest.approx(1.5) and worst == pytest.approx(2.0)
    assert s.timing_frames(60.0)[1] == pytest.approx(4.0)  # the same seconds are twice the frames at 60 fps
    assert measures.score_jumps([], [(1.0, 1.5)]).timing_frames(FPS) is None


def test_flight_time_error_as_a_share_of_the_true_flight():
    s = measures.score_jumps([(1.0, 1.3), (3.0, 3.2)], [(1.0, 1.25), (3.0, 3.3)])
    mean, worst = s.flight_error_fraction
    assert worst == pytest.approx(1 / 3) and mean == pytest.approx((0.2 + 1 / 3) / 2)


def test_cadence_error_as_a_share_of_the_true_cadence():
    assert measures.cadence_error_fraction(126.0, [0.5, 1.0, 1.5]) == pytest.approx(0.05)
    assert measures.cadence_error_fraction(None, [0.5, 1.0]) is None


def test_frame_rate_from_timestamps():
    assert measures.frame_rate(np.arange(10) / 60.0) == pytest.approx(60.0)
    assert measures.frame_rate(np.array([0.0])) is None


def test_the_scoreboard_rows_show_the_issue_targets():
    from dataclasses import replace
    from pathlib import Path

    from bench import realworld
    from bench.realworld_adapter import ClipOutputs
    from bench.scoring.truth import load_truth

    truth = load_truth(Path(__file__).with_name("truth_fixture.json"))  # jump 2.2-2.6 s; steps 0.5 R, 1.0 L, 1.5 R
    out = ClipOutputs(keypoints=np.zeros((120, 1, 33, 3)), timestamps=np.arange(120) / FPS, track_ids=np.zeros(1),
                      skeleton="blazepose33", athlete_index=0, angle_names=(), angles=np.zeros((120, 0)),
                      movement="jump", findings=(), segment_findings=(), jumps=((2.2 + 2 / FPS, 2.6),),
                      steps=((0.5, "right"), (1.0 + 1 / FPS, "left"), (3.5, "left")), cadence_spm=126.0,
                      action_segments=(), action_classes=(), action_times=np.zeros(0), action_probabilities=np.zeros((0, 0)),
                      mask_foreground=np.zeros((0, 1, 1), bool), mask_times=np.zeros(0), mask_source_size=(640, 480))  # fmt: skip
    rows = {metric: (value, shown, target) for metric, value, shown, target in realworld.measures_rows(out, replace(truth))}
    assert rows["jump recall / precision"][1:] == ("1.00 / 1.00", "≥ 0.9 / ≥ 0.9")
    timing = rows["jump timing error"]
    assert timing[0]["worst_frames"] == pytest.approx(2.0) and timing[0]["mean_frames"] == pytest.approx(1.0)
    assert timing[2] == "≤ 2 frames each" and "at 30 fps" in timing[1]
    flight = rows["flight-time error"]
    assert flight[0]["mean"] == pytest.approx((2 / FPS) / 0.4) and flight[2] == "≤ 20 % each"
    assert rows["step recall / precision"][1] == "0.67 / 0.67"
    assert rows["step timing error"][0]["worst_frames"] == pytest.approx(1.0)
    assert rows["cadence error"][0] == pytest.approx(0.05) and rows["cadence error"][2] == "≤ 5 %"
