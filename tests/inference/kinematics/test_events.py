"""Events on synthetic signals: repetition counts, jump flight time and height, steps and cadence."""

from __future__ import annotations

import numpy as np
import pytest

from inference.kinematics import KinematicsConfig, compute_kinematics
from inference.kinematics.events import (
    Event,
    G,
    cadence,
    detect_events,
    find_jumps,
    find_reps,
    find_steps,
)
from inference.kinematics.synthetic import on_ground, sequence, side_view_body25
from inference.skeleton import BODY25_NAMES

FS = 60.0


def squat_profile(t: np.ndarray, reps: int, period: float = 2.0, start: float = 0.5) -> np.ndarray:
    """0 standing … 1 at the bottom: ``reps`` smooth dips, one per ``period`` seconds."""
    phase = (t - start) / period
    s = 0.5 - 0.5 * np.cos(2 * np.pi * phase)
    return np.where((phase >= 0) & (phase < reps), s, 0.0)


def test_repetitions_are_counted_with_time_ranges_around_each_bottom() -> None:
    t = np.arange(int(11 * FS)) / FS
    rng = np.random.default_rng(3)
    knee = 110.0 * squat_profile(t, reps=5) + rng.normal(0, 2.0, t.size)
    knee[200:206] = np.nan  # a short dropout
    reps = find_reps(knee, t)
    assert len(reps) == 5
    for k, rep in enumerate(reps):
        bottom = 0.5 + 2.0 * k + 1.0
        assert rep.values["peak_time_s"] == pytest.approx(bottom, abs=0.1)
        assert rep.start < bottom < rep.end and rep.end - rep.start > 1.0
        assert rep.values["peak"] == pytest.approx(110.0, abs=6.0)


def test_noise_and_small_wobbles_are_not_repetitions() -> None:
    t = np.arange(600) / FS
    rng = np.random.default_rng(4)
    assert find_reps(20 + rng.normal(0, 3.0, t.size), t) == []
    assert find_reps(20 + 8 * np.sin(2 * np.pi * 0.5 * t), t) == []  # 16° swings < 20° prominence


def test_jump_height_from_flight_time_is_g_t_squared_over_8() -> None:
    assert G * 0.5**2 / 8 == pytest.approx(0.3066, abs=1e-4)


def ground_contact(t: np.ndarray, flights: list[tuple[float, float]], px_per_m: float = 555.0) -> np.ndarray:
    """Lowest foot point's image y (pixels, y down, ground at 1000) for ballistic flights."""
    y = np.full(t.size, 1000.0)
    for take_off, duration in flights:
        tt = t - take_off
        inside = (tt > 0) & (tt < duration)
        height_m = G * duration / 2 * tt - G / 2 * tt**2
        y[inside] -= height_m[inside] * px_per_m
    return y


@pytest.mark.parametrize("duration", [0.3, 0.5, 0.62])
def test_flight_time_and_height_of_a_ballistic_jump(duration: float) -> None:
    t = np.arange(int(4 * FS)) / FS
    rng = np.random.default_rng(5)
    foot_y = ground_contact(t, [(1.503, duration)]) + rng.normal(0, 1.0, t.size)
    jumps = find_jumps(foot_y, leg_px=490.0, t=t)
    assert len(jumps) == 1
    jump = jumps[0]
    assert jump.start == pytest.approx(1.503, abs=0.01) and jump.end == pytest.approx(1.503 + duration, abs=0.01)
    assert jump.values["height_m"] == pytest.approx(G * duration**2 / 8, rel=0.08)


def test_several_jumps_and_no_jump_while_standing_or_squatting() -> None:
    t = np.arange(int(8 * FS)) / FS
    jumps = find_jumps(ground_contact(t, [(1.0, 0.45), (3.0, 0.5), (5.5, 0.4)]), 490.0, t)
    assert [round(j.start, 1) for j in jumps] == [1.0, 3.0, 5.5]
    standing = 1000.0 + np.random.default_rng(6).normal(0, 2.0, t.size)
    assert find_jumps(standing, 490.0, t) == []


def test_steps_and_cadence_from_ankles() -> None:
    t = np.arange(int(6 * FS)) / FS
    ankles = {}
    for side, offset in (("right", 0.0), ("left", 0.5)):  # 0.4 s swing, 0.6 s stance: 120 steps/min
        phase = ((t - offset) % 1.0) / 0.4
        stride = np.floor((t - offset) / 1.0)
        x = 300.0 * (stride + np.clip(phase, 0, 1)) - 0.5 * np.cos(np.pi * np.clip(phase, 0, 1))
        x = 300.0 * stride + 300.0 * (0.5 - 0.5 * np.cos(np.pi * np.clip(phase, 0, 1)))
        ankles[side] = np.stack([x, np.full(t.size, 900.0)], axis=1)
    steps = find_steps(ankles, leg_px=450.0, t=t)
    assert {s.side for s in steps} == {"left", "right"}
    assert len(steps) == 12  # six swings of each foot start inside the 6 s
    assert cadence(steps) == pytest.approx(120.0, rel=0.05)
    for s in steps:
        assert s.values["swing_time_s"] == pytest.approx(0.4, abs=0.15)  # slow ends of a swing are cut
    still = {side: np.full((t.size, 2), 500.0) for side in ("left", "right")}
    assert find_steps(still, 450.0, t) == [] and cadence([]) is None


def test_detect_events_on_a_synthetic_squat_clip_and_json_shape() -> None:
    t = np.arange(int(9 * FS)) / FS
    s = squat_profile(t, reps=4)
    kp = on_ground(side_view_body25(t.size, trunk_lean=35 * s, hip=(120 * s, 120 * s), knee=(120 * s, 120 * s), ankle=(35 * s, 35 * s)))
    kp[300:305, BODY25_NAMES.index("RKnee")] = (np.nan, np.nan, 0.0)
    kin = compute_kinematics(sequence(kp, t), 0, KinematicsConfig())
    events = detect_events(kin, "squat")
    assert events.summary["rep_count"] == 4 and len(events.of_kind("rep")) == 4
    assert events.summary["rep_signal"] == {"name": "hip_drop", "unit": "% leg length"}
    data = events.to_dict()
    assert set(data) == {"movement", "events", "summary"}
    assert set(data["events"][0]) == {"kind", "start", "end", "side", "values"}
    with pytest.raises(ValueError, match="unknown movement"):
        detect_events(kin, "curling")


def test_event_as_dict_rounds_and_nulls_nan() -> None:
    d = Event("rep", 1.234567, 2.0, None, {"a": float("nan"), "b": 1.234567}).as_dict()
    assert d == {"kind": "rep", "start": 1.2346, "end": 2.0, "side": None, "values": {"a": None, "b": 1.2346}}


def test_detect_events_finds_a_jump_of_a_figure_flying_off_the_ground() -> None:
    t = np.arange(int(4 * FS)) / FS
    duration, px_per_m = 0.5, 1000.0 / 1.8
    tt = t - 1.5
    lift = np.where((tt > 0) & (tt < duration), (G * duration / 2 * tt - G / 2 * tt**2) * px_per_m, 0.0)
    kp = on_ground(side_view_body25(t.size, ankle=(-30.0, -30.0)), lift_px=lift)  # toes pointed
    events = detect_events(compute_kinematics(sequence(kp, t), 0), "jump")
    (jump,) = events.of_kind("jump")
    assert jump.values["flight_time_s"] == pytest.approx(duration, abs=0.02)
    assert events.summary["best_jump_height_m"] == pytest.approx(G * duration**2 / 8, rel=0.1)


def test_a_swing_broken_by_noise_is_one_step() -> None:
    t = np.arange(120) / FS
    x = np.where(t < 0.5, 0.0, np.where(t < 1.0, 600.0 * (t - 0.5), 300.0))
    x[45:47] = x[44]  # the ankle seems to stop for 2 frames (0.03 s) in mid-swing
    ankle = {"right": np.stack([x, np.full(t.size, 900.0)], axis=1)}
    (step,) = find_steps(ankle, leg_px=450.0, t=t)
    assert step.start == pytest.approx(0.5, abs=0.05) and step.end == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize("frames", [1, 2, 3, 5])
@pytest.mark.parametrize("movement", ["squat", "jump", "run", "general"])
def test_very_short_clips_give_no_events_and_no_errors(frames: int, movement: str) -> None:
    from inference.feedback import evaluate_feedback

    t = np.arange(frames) / FS
    kin = compute_kinematics(sequence(side_view_body25(frames), t), 0)
    events = detect_events(kin, movement)
    assert events.events == ()
    evaluate_feedback(kin, events, movement).to_dict()
