"""Events on constructed signals and figures with known truth: repetition counts; jumps, drops and
box jumps timed from take-off to landing; alternating steps and cadence."""

from __future__ import annotations

import numpy as np
import pytest

from inference.kinematics import KinematicsConfig, compute_kinematics
from inference.kinematics.core import Kinematics
from inference.kinematics.events import (
    CUT_FLAG,
    LIFT_HEIGHT,
    RESOLVED_STATURE_PX,
    Event,
    G,
    alternating_steps,
    cadence,
    contacts_of,
    detect_events,
    find_reps,
    swing_seen,
)
from inference.kinematics.synthetic import body25_to, on_ground, sequence, side_view_body25
from inference.skeleton import BODY25_NAMES
from tests.support import PX_PER_M, ballistic

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


def flying_figure(t: np.ndarray, lift_px: np.ndarray, **pose: object) -> np.ndarray:
    return on_ground(side_view_body25(t.size, **pose), ground_y=1000.0, lift_px=lift_px)  # type: ignore[arg-type]


def band_lag(kin: Kinematics, speed_m_s: float) -> float:
    """Seconds a sole moving at ``speed_m_s`` takes to cross LIFT_HEIGHT: how late a take-off (and
    how early a landing) is read on noise-free points (docs/kinematics.md, "Swings")."""
    contacts = contacts_of(kin)
    assert contacts is not None
    return LIFT_HEIGHT * float(np.median(contacts.stature_px)) / PX_PER_M / speed_m_s


@pytest.mark.parametrize("flight", [0.3, 0.5, 0.62])
def test_a_jump_is_timed_from_take_off_to_landing_and_its_height_from_the_flight(flight: float) -> None:
    t = np.arange(int(4 * FS)) / FS
    lift, landing = ballistic(t, 1.503, G * flight / 2)
    kin = compute_kinematics(sequence(flying_figure(t, lift, ankle=(-30.0, -30.0)), t), 0)  # toes pointed
    events = detect_events(kin, "jump")
    (jump,) = events.of_kind("jump")
    frame = 1 / FS
    lag = band_lag(kin, G * flight / 2)  # 0.031 s at 0.3 s of flight, 0.015 s at 0.62 s
    assert jump.start == pytest.approx(1.503 + lag, abs=frame) and jump.end == pytest.approx(landing - lag, abs=frame)
    assert lag < 2 * frame  # the timing bound, on a hop as low as 11 cm
    assert jump.values["flight_time_s"] == pytest.approx(flight - 2 * lag, rel=0.05)  # 20 % short at 0.3 s
    assert jump.values["height_m"] == pytest.approx(G * (flight - 2 * lag) ** 2 / 8, rel=0.1)
    assert jump.confidence == pytest.approx(1.0)
    assert events.summary["jump_count"] == 1 and events.summary["drop_count"] == 0


def test_several_jumps_and_none_while_standing_or_squatting() -> None:
    t = np.arange(int(8 * FS)) / FS
    lift = sum(ballistic(t, start, G * flight / 2)[0] for start, flight in [(1.0, 0.45), (3.0, 0.5), (5.5, 0.4)])
    jumps = detect_events(compute_kinematics(sequence(flying_figure(t, lift), t), 0), "jump").of_kind("jump")
    assert [round(j.start, 1) for j in jumps] == [1.0, 3.0, 5.5]
    squat = 0.5 - 0.5 * np.cos(2 * np.pi * t / 2.0)
    squatting = side_view_body25(t.size, hip=(100 * squat, 100 * squat), knee=(100 * squat, 100 * squat))  # feet flat
    ankle = squatting[:, BODY25_NAMES.index("RAnkle"), 0]
    squatting[..., 0] -= (ankle - ankle[0])[:, None]  # the feet stay where they stand, the hips go back
    kp = on_ground(squatting) + np.random.default_rng(6).normal(0, 1.5, (t.size, 25, 3)) * [1, 1, 0]
    assert detect_events(compute_kinematics(sequence(kp, t), 0), "jump").events == ()


def test_a_hop_lower_than_5_cm_is_not_a_jump() -> None:
    t = np.arange(int(3 * FS)) / FS
    lift, _ = ballistic(t, 1.0, G * 0.15 / 2)  # a 0.15 s flight: 2.8 cm
    assert detect_events(compute_kinematics(sequence(flying_figure(t, lift), t), 0), "jump").events == ()


@pytest.mark.parametrize(("floor_after", "kind"), [(-0.4, "drop"), (0.3, "box_jump")])
def test_landing_on_another_level_is_a_drop_or_a_box_jump_without_a_flight_time_height(floor_after: float, kind: str) -> None:
    t = np.arange(int(4 * FS)) / FS
    lift, landing = ballistic(t, 1.5, 3.0, floor_after)
    kin = compute_kinematics(sequence(flying_figure(t, lift), t), 0, KinematicsConfig(height_cm=180.0))
    events = detect_events(kin, "jump")
    (event,) = events.events
    assert event.kind == kind and "height_m" not in event.values
    landing_speed = np.sqrt(3.0**2 - 2 * G * floor_after)
    assert event.start == pytest.approx(1.5 + band_lag(kin, 3.0), abs=1 / FS)
    assert event.end == pytest.approx(landing - band_lag(kin, landing_speed), abs=1 / FS)
    assert event.values["landing_above_takeoff_m"] == pytest.approx(floor_after, abs=0.05)
    assert events.summary["jump_count"] == 0 and events.summary["best_jump_height_m"] is None
    heights = kin.com_metres()
    assert heights is not None and np.nanmin(heights[:, 1]) > 0.5  # above the floor it stands on


def test_no_jump_across_frames_where_the_athlete_is_not_tracked() -> None:
    t = np.arange(int(4 * FS)) / FS
    lift, _ = ballistic(t, 1.5, G * 0.5 / 2)
    kp = flying_figure(t, lift)
    assert len(detect_events(compute_kinematics(sequence(kp, t), 0), "jump").events) == 1
    kp[int(1.7 * FS) : int(1.8 * FS)] = (np.nan, np.nan, 0.0)  # 0.1 s without the athlete, mid-flight
    assert detect_events(compute_kinematics(sequence(kp, t), 0), "jump").events == ()


def gait(t: np.ndarray, stance: float, swing: float, start: float = 0.5, stride_m: float = 1.4,
         clearance_m: float = 0.08) -> tuple[np.ndarray, dict[str, list[float]]]:
    """BODY_25 keypoints of a figure whose feet alternate: each foot stands still for ``stance`` s,
    then swings ``stride_m`` forward at a constant speed for ``swing`` s, lifted by up to
    ``clearance_m`` (a stop at touch-down, the hardest case for timing); the left foot half a
    cycle after the right. Returns the keypoints and each foot's true touch-down times."""
    period = stance + swing
    kp = on_ground(side_view_body25(t.size), ground_y=1000.0)
    touch: dict[str, list[float]] = {}
    shift = np.zeros((t.size, 2))
    for side, offset in (("R", 0.0), ("L", period / 2)):
        first = start + offset
        cycle = np.floor((t - first) / period)
        phase = np.clip(((t - first) - cycle * period) / swing, 0.0, 1.0)
        done = np.where(t >= first, cycle + phase, 0.0)
        x = stride_m * PX_PER_M * done
        y = -clearance_m * PX_PER_M * np.sin(np.pi * phase) * (t >= first)
        for name in ("Ankle", "Heel", "BigToe", "SmallToe"):
            k = BODY25_NAMES.index(side + name)
            kp[:, k, 0] += x
            kp[:, k, 1] += y
        shift[:, 0] += x / 2
        touch["right" if side == "R" else "left"] = [float(v) for v in np.arange(first + swing, t[-1], period)]
    for k, name in enumerate(BODY25_NAMES):  # the body goes along between the feet
        if not any(name.endswith(n) for n in ("Ankle", "Heel", "BigToe", "SmallToe")):
            kp[:, k, :2] += shift
    return kp, touch


@pytest.mark.parametrize(("stance", "swing", "spm"), [(0.6, 0.4, 120.0), (0.2, 0.5, 171.4), (0.2, 0.7, 133.3)])
def test_steps_alternate_at_each_touch_down_and_running_flights_are_not_jumps(stance: float, swing: float, spm: float) -> None:
    # Walking (double support), running (0.15 s flights) and bounding (0.25 s flights, longer than
    # the shortest jump, but taking off from one foot).
    t = np.arange(int(6 * FS)) / FS
    kp, touch = gait(t, stance, swing)
    kin = compute_kinematics(sequence(kp, t), 0)
    steps = detect_events(kin, "walk").of_kind("step")
    found = sorted((round(s.end, 3), s.side) for s in steps)
    true = sorted((v, side) for side, times in touch.items() for v in times if v < t[-1] - 0.2)
    assert len(found) == len(true)
    for (got, side), (expected, true_side) in zip(found, true, strict=True):
        assert side == true_side and got == pytest.approx(expected, abs=2 / FS)
    assert alternating_steps(steps) == [steps]
    assert cadence(steps) == pytest.approx(spm, rel=0.05)
    as_jump = detect_events(kin, "jump")  # the jump movement finds the steps too (not as flights)
    assert [e.kind for e in as_jump.events] == ["step"] * len(steps)


def test_one_foot_stepping_out_and_back_twice_gives_steps_but_no_cadence() -> None:
    t = np.arange(int(4 * FS)) / FS
    kp, touch = gait(t, stance=1.0, swing=0.5)
    left = [BODY25_NAMES.index("L" + n) for n in ("Ankle", "Heel", "BigToe", "SmallToe")]
    kp[:, left] = on_ground(side_view_body25(t.size), ground_y=1000.0)[:, left]  # the left foot stands
    steps = detect_events(compute_kinematics(sequence(kp, t), 0), "walk").of_kind("step")
    assert [s.side for s in steps] == ["right", "right"]
    assert [s.end for s in steps] == pytest.approx(touch["right"][:2], abs=2 / FS)
    assert alternating_steps(steps) == [[steps[0]], [steps[1]]] and cadence(steps) is None


def test_a_clip_trimmed_mid_stride_counts_its_first_touch_down() -> None:
    # A walk whose right foot swings 0.5-0.9 s, cut at 0.7 s: the first touch-down's lift-off is
    # before the clip. It is a step (the seen part of its swing meets the rules), marked as such:
    # its start is the first frame and it has no swing time; the cadence is read without it.
    t = np.arange(int(6 * FS)) / FS
    kp, touch = gait(t, stance=0.6, swing=0.4)
    whole = detect_events(compute_kinematics(sequence(kp, t), 0), "walk").of_kind("step")
    cut = int(0.7 * FS)
    steps = detect_events(compute_kinematics(sequence(kp[cut:], t[cut:] - t[cut]), 0), "walk").of_kind("step")
    first = steps[0]
    assert first.side == "right" and first.end == pytest.approx(touch["right"][0] - t[cut], abs=2 / FS)
    assert first.start == 0.0 and first.values[CUT_FLAG] == 1.0 and "swing_time_s" not in first.values
    assert not swing_seen(first) and all(swing_seen(s) for s in steps[1:])
    assert [(s.side, round(s.end + t[cut], 3)) for s in steps[1:]] == [(s.side, round(s.end, 3)) for s in whole[1:]]
    assert cadence(steps) == pytest.approx(cadence(steps[1:])) == pytest.approx(cadence(whole), rel=0.02)


def test_a_run_trimmed_in_flight_counts_its_first_landing_but_a_hop_does_not() -> None:
    # Running (0.2 s stance, 0.5 s swing): the right foot swings 0.5-1.0 s, the left stands until
    # 0.85 s and lands again at 1.35 s. Cut at 0.88 s, the left foot is in the air for all of the
    # right swing's seen part, so single support cannot be seen; the left foot landing 0.35 s
    # after the right is a running stride's (a two-footed landing would be within both_feet_s).
    t = np.arange(int(4 * FS)) / FS
    kp, touch = gait(t, stance=0.2, swing=0.5)
    cut = int(0.88 * FS)
    steps = detect_events(compute_kinematics(sequence(kp[cut:], t[cut:] - t[cut]), 0), "walk").of_kind("step")
    assert steps[0].side == "right" and steps[0].end == pytest.approx(touch["right"][0] - t[cut], abs=2 / FS)
    assert not swing_seen(steps[0]) and [s.side for s in steps[:3]] == ["right", "left", "right"]
    # The same cut with the left foot held up throughout (hopping on the right): no step at 1.0 s.
    left = [BODY25_NAMES.index("L" + n) for n in ("Ankle", "Heel", "BigToe", "SmallToe")]
    hop = kp.copy()
    hop[:, left] = kp[cut, left][None]
    hop[:, left, 1] -= 0.2 * PX_PER_M
    hop[:, left, 0] += (kp[:, BODY25_NAMES.index("MidHip"), 0] - kp[cut, BODY25_NAMES.index("MidHip"), 0])[:, None]
    steps = detect_events(compute_kinematics(sequence(hop[cut:], t[cut:] - t[cut]), 0), "walk").of_kind("step")
    assert steps == [], [(s.side, s.end) for s in steps]


def move_foot(kp: np.ndarray, side: str, dx: np.ndarray, dy: np.ndarray) -> None:
    """Shift one foot's points (ankle, heel, toes) of BODY_25 keypoints by (dx, dy) pixels, (T,) each."""
    for name in ("Ankle", "Heel", "BigToe", "SmallToe"):
        k = BODY25_NAMES.index(side + name)
        kp[:, k, 0] += dx
        kp[:, k, 1] += dy


def test_a_hop_step_landing_while_the_other_foot_is_in_the_air_is_a_step() -> None:
    """A spinning kick's hop-step (motion capture's spinkick): the left foot swings out
    accelerating all the way, 0.6 s, to land 0.5 m ahead; the right foot stands for the first 0.3 s
    of that swing, then hops (0.5 s up and down on the spot), so the left lands while the right is
    in the air. The right foot stood alone during the left's swing: a step. The speed's lift-off
    (half the top of a ramp that rises the whole swing) lies after the right foot left the ground,
    so single support is judged over the swing's own frames, not between the speed's instants."""
    t = np.arange(int(3.0 * FS)) / FS
    kp = on_ground(side_view_body25(t.size), ground_y=1000.0)
    phase = np.clip((t - 1.0) / 0.6, 0.0, 1.0)
    move_foot(kp, "L", 0.5 * PX_PER_M * phase**3, -0.1 * PX_PER_M * np.sin(np.pi * phase))
    hop = np.clip((t - 1.3) / 0.5, 0.0, 1.0)
    move_foot(kp, "R", np.zeros(t.size), -0.1 * PX_PER_M * np.sin(np.pi * hop))
    kin = compute_kinematics(sequence(kp, t), 0)
    steps = detect_events(kin, "walk").of_kind("step")
    assert [(s.side, s.end) for s in steps] == [("left", pytest.approx(1.6, abs=2 / FS))]
    assert steps[0].start > 1.3  # the speed's lift-off: after the right foot left the ground
    assert [e.kind for e in detect_events(kin, "jump").events] == ["step"]  # feet left 0.3 s apart: no jump


def test_steps_use_the_real_timestamps_across_a_gap_in_the_video() -> None:
    t = np.arange(int(6 * FS)) / FS
    kp, touch = gait(t, 0.6, 0.4)
    keep = (t < 2.2) | (t >= 2.4)  # 0.2 s of frames missing from the file, times jump on
    steps = detect_events(compute_kinematics(sequence(kp[keep], t[keep]), 0), "walk").of_kind("step")
    true = sorted(v for times in touch.values() for v in times if v < t[-1] - 0.2 and not 2.15 < v < 2.45)
    found = sorted(s.end for s in steps if not 2.15 < s.end < 2.45)
    assert found == pytest.approx(true, abs=2 / FS)


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
    assert set(data["events"][0]) == {"kind", "start", "end", "side", "values", "confidence"}
    with pytest.raises(ValueError, match="unknown movement"):
        detect_events(kin, "curling")


def test_event_as_dict_rounds_and_nulls_nan() -> None:
    d = Event("rep", 1.234567, 2.0, None, {"a": float("nan"), "b": 1.234567}, 0.87654).as_dict()
    assert d == {"kind": "rep", "start": 1.2346, "end": 2.0, "side": None, "values": {"a": None, "b": 1.2346},
                 "confidence": 0.877}


@pytest.mark.parametrize("frames", [1, 2, 3, 5])
@pytest.mark.parametrize("movement", ["squat", "jump", "run", "general"])
def test_very_short_clips_give_no_events_and_no_errors(frames: int, movement: str) -> None:
    from inference.feedback import evaluate_feedback

    t = np.arange(frames) / FS
    kin = compute_kinematics(sequence(side_view_body25(frames), t), 0)
    events = detect_events(kin, movement)
    assert events.events == ()
    evaluate_feedback(kin, events, movement).to_dict()


def test_a_jump_filmed_small_has_a_lower_confidence() -> None:
    # The same jump with the athlete 125 px tall instead of 1000 px: found and timed, but the feet
    # are a few pixels wide there (RESOLVED_STATURE_PX), and the confidence says so.
    t = np.arange(int(4 * FS)) / FS
    lift, landing = ballistic(t, 1.5, G * 0.5 / 2)
    kp = flying_figure(t, lift)
    kp[..., :2] /= 8.0
    (jump,) = detect_events(compute_kinematics(sequence(kp, t), 0), "jump").events
    assert jump.end == pytest.approx(landing, abs=2 / FS)
    assert jump.confidence == pytest.approx(125.0 / RESOLVED_STATURE_PX, abs=0.05)


@pytest.mark.parametrize("skeleton", ["blazepose33", "coco18"])
def test_steps_from_every_keypoint_set_even_with_the_ankle_alone(skeleton: str) -> None:
    # BlazePose has heel and toe (foot_index); OpenPose's COCO-18 has only the ankle.
    t = np.arange(int(4 * FS)) / FS
    kp, touch = gait(t, 0.6, 0.4)
    steps = detect_events(compute_kinematics(sequence(body25_to(kp, skeleton), t, skeleton), 0), "walk").of_kind("step")
    true = sorted(v for times in touch.values() for v in times if v < t[-1] - 0.2)
    assert sorted(s.end for s in steps) == pytest.approx(true, abs=2 / FS)


def test_cadence_is_read_over_whole_strides() -> None:
    """Two alternating steps are one step time, not a cadence; three (a stride) are."""
    two = [Event("step", 0.1, 0.5, "right"), Event("step", 0.6, 1.1, "left")]
    assert cadence(two) is None
    three = [*two, Event("step", 1.1, 1.5, "right")]
    # two intervals over the touch-downs' 1.0 s and the lift-offs' 1.0 s
    assert cadence(three) == pytest.approx(60.0 * 2 / 1.0)
    # a run broken by one foot stepping twice: only the stride counts
    assert cadence([*three, Event("step", 2.6, 3.0, "right"), Event("step", 3.2, 3.6, "left")]) == pytest.approx(120.0)


def test_cadence_leaves_out_a_step_whose_swing_began_before_the_clip() -> None:
    steps = [Event("step", 0.0, 0.5, "right", {CUT_FLAG: 1.0}), Event("step", 0.6, 1.0, "left"),
             Event("step", 1.1, 1.5, "right"), Event("step", 1.6, 2.0, "left")]  # fmt: skip
    assert cadence(steps) == pytest.approx(cadence(steps[1:])) == pytest.approx(120.0)
    assert cadence(steps[:3]) is None  # two whole steps are no stride


def test_cadence_reads_the_period_from_lift_offs_and_touch_downs() -> None:
    """Each step's lift-off and touch-down are timed separately: pooling the two spans halves a
    late touch-down's effect on the cadence (here the last one 2 frames late at 30 fps)."""
    late = 2 / 30.0
    steps = [Event("step", 0.1, 0.5, "right"), Event("step", 0.6, 1.0, "left"),
             Event("step", 1.1, 1.5 + late, "right")]  # fmt: skip
    touch_downs_only = 60.0 * 2 / (1.0 + late)
    assert cadence(steps) == pytest.approx(60.0 * 4 / (2.0 + late))
    assert abs(cadence(steps) - 120.0) < 0.55 * abs(touch_downs_only - 120.0)


def test_cadence_is_the_median_half_stride_so_one_late_touch_down_does_not_move_it() -> None:
    # Six alternating steps 0.5 s apart, the last touch-down 3 frames late at 30 fps: the span
    # from first to last touch-down (what the cadence was) reads it as a slower gait.
    steps = [Event("step", 0.1 + 0.5 * i, 0.5 + 0.5 * i + (0.1 if i == 5 else 0.0), "right" if i % 2 else "left")
             for i in range(6)]  # fmt: skip
    assert cadence(steps) == pytest.approx(120.0)
    spans = 2 * 5 / ((steps[-1].end - steps[0].end) + (steps[-1].start - steps[0].start))
    assert 60.0 * spans == pytest.approx(117.6, abs=0.1)  # the pooled spans' reading


def test_steps_seconds_apart_are_not_one_gait() -> None:
    """basketball_pan_240p's steps (left 2.84 s, right 7.25 s, left 7.41 s) alternate feet but the
    first is 4.4 s before the next: no cadence (it read 26 steps/min); at walking step times the
    same three steps are a stride."""
    apart = [Event("step", 1.65, 2.84, "left"), Event("step", 6.86, 7.25, "right"),
             Event("step", 7.02, 7.41, "left")]
    assert [len(c) for c in alternating_steps(apart)] == [1, 2] and cadence(apart) is None
    walking = [Event("step", 0.1, 0.5, "left"), Event("step", 0.65, 1.05, "right"),
               Event("step", 1.2, 1.6, "left")]
    assert cadence(walking) == pytest.approx(60.0 * 2 / 1.1)


def test_steps_under_a_panning_camera_are_read_against_the_background() -> None:
    # The walk above filmed by a camera that pans to follow the walker (the background moves left
    # at his mean speed, 1.4 m/s) and sways up and down: every point of the picture moves with the
    # background. Read in the picture the planted feet slide and the steps are lost; read against
    # the background's track they are found as by a static camera. The track taken the wrong way
    # round finds none either, and a static camera's zero track changes nothing.
    t = np.arange(int(6 * FS)) / FS
    kp, _ = gait(t, stance=0.6, swing=0.4)
    static_kin = compute_kinematics(sequence(kp, t), 0)
    static = detect_events(static_kin, "walk").of_kind("step")
    assert len(static) >= 8
    track = np.stack([-1.4 * PX_PER_M * t, 40.0 * np.sin(2 * np.pi * t / 2.0)], axis=1)
    panned = kp.copy()
    panned[..., :2] += track[:, None, :]
    kin = compute_kinematics(sequence(panned, t), 0)
    assert len(detect_events(kin, "walk").of_kind("step")) < len(static) / 2
    assert len(detect_events(kin, "walk", background=-track).of_kind("step")) < len(static) / 2
    steps = detect_events(kin, "walk", background=track).of_kind("step")
    assert [s.side for s in steps] == [s.side for s in static]
    assert [s.end for s in steps] == pytest.approx([s.end for s in static], abs=1e-3)
    assert detect_events(static_kin, "walk", background=np.zeros((t.size, 2))) == detect_events(static_kin, "walk")
    with pytest.raises(ValueError):
        detect_events(static_kin, "walk", background=np.zeros((t.size - 1, 2)))


def test_the_kinematics_carry_the_background_to_every_reader_of_foot_contacts(tmp_path) -> None:
    # The pipeline stores the camera's track on the kinematics (stages.kinematics_stage), so the
    # events, the feedback's standing test (contacts_of) and the surface changes all read the feet
    # against it without being handed it; it survives storage.
    from dataclasses import replace

    from inference.kinematics.events import contacts_of
    from inference.kinematics.storage import load_npz, save_npz

    t = np.arange(int(6 * FS)) / FS
    kp, _ = gait(t, stance=0.6, swing=0.4)
    track = np.stack([-1.4 * PX_PER_M * t, 40.0 * np.sin(2 * np.pi * t / 2.0)], axis=1)
    panned = kp.copy()
    panned[..., :2] += track[:, None, :]
    kin = compute_kinematics(sequence(panned, t), 0)
    carried = replace(kin, background=track)
    assert detect_events(carried, "walk") == detect_events(kin, "walk", background=track)
    assert len(detect_events(carried, "walk").of_kind("step")) >= 8
    np.testing.assert_array_equal(contacts_of(carried).contact["left"], contacts_of(kin, track).contact["left"])
    save_npz(carried, tmp_path / "kin.npz")
    loaded = load_npz(tmp_path / "kin.npz")
    assert loaded.background is not None and np.allclose(loaded.background, track, atol=0.01)
    save_npz(kin, tmp_path / "plain.npz")
    assert load_npz(tmp_path / "plain.npz").background is None


def _through(maps: list[np.ndarray], xy: np.ndarray) -> np.ndarray:
    """(T, K, 2) points ``xy`` of each frame t mapped by the homography ``maps[t]``."""
    out = np.empty_like(xy)
    for i, matrix in enumerate(maps):
        p = np.concatenate([xy[i], np.ones((xy.shape[1], 1))], axis=1) @ matrix.T
        out[i] = p[:, :2] / p[:, 2:]
    return out


def _filmed(kp: np.ndarray, maps: list[np.ndarray], size: tuple[int, int] = (1280, 720)) -> tuple[np.ndarray, dict]:  # type: ignore[type-arg]
    """The keypoints (T, K, 3) of a static view as a moving camera sees them, ``maps[t]`` taking the
    static view's pixels to frame t's, and the camera JSON the pose stage would store for it
    (CameraMotion.to_json): dx, dy the median shift of a 9 × 9 grid over the ``size`` frame (the
    translation it measures), h the true frame-to-frame homography."""
    seen = kp.copy()
    seen[..., :2] = _through(maps, kp[..., :2])
    grid = np.stack(np.meshgrid(np.linspace(0.05, 0.95, 9) * size[0], np.linspace(0.05, 0.95, 9) * size[1]), -1).reshape(1, -1, 2)
    camera: dict = {"dx": [None], "dy": [None], "h": [None]}  # type: ignore[type-arg]
    for i in range(1, len(maps)):
        step = maps[i] @ np.linalg.inv(maps[i - 1])
        dx, dy = np.median(_through([step], grid)[0] - grid[0], axis=0)
        camera["dx"].append(round(float(dx), 1))
        camera["dy"].append(round(float(dy), 1))
        camera["h"].append([float(f"{v:.6g}") for v in (step / step[2, 2]).ravel()[:8]])
    return seen, camera


def _small_run(t: np.ndarray) -> np.ndarray:
    """The running gait above (0.2 s contacts, 0.5 s swings) at a quarter of the size: 225 px tall,
    crossing 1200 px in 6 s."""
    kp, _ = gait(t, stance=0.2, swing=0.5)
    kp[..., :2] *= 0.25
    return kp


def test_steps_under_a_turning_camera_are_read_through_its_homography() -> None:
    # A phone turning about its centre to follow a runner (85° wide, the runner kept 350 px right of
    # the frame's centre, swaying ±0.1 rad at 1.2 s): the picture moves by a homography, more at the
    # frame's sides than at its centre. The median shift over the frame (what translation alone
    # measures) is not the shift at the feet, and planted feet slide against it: steps are lost.
    # Taken at the feet through the frame's homography (camera.athlete_track), the steps are the
    # static camera's.
    from inference.kinematics.camera import athlete_track, background_track

    t = np.arange(int(6 * FS)) / FS
    kp = _small_run(t)
    static = detect_events(compute_kinematics(sequence(kp, t), 0), "walk").of_kind("step")
    assert len(static) >= 12
    hips = kp[:, BODY25_NAMES.index("MidHip"), 0]
    focal, centre = 700.0, np.array([np.mean(hips), np.mean(kp[..., 1])])
    k = np.array([[focal, 0, centre[0]], [0, focal, centre[1]], [0, 0, 1]])
    frame = np.array([[1, 0, 640 - centre[0]], [0, 1, 360 - centre[1]], [0, 0, 1]])  # the 1280 × 720 frame about its centre
    yaw = np.arctan((hips - centre[0]) / focal) - np.arctan(350 / focal) + 0.1 * np.sin(2 * np.pi * t / 1.2)
    maps = [frame @ k @ np.array([[np.cos(a), 0, -np.sin(a)], [0, 1, 0], [np.sin(a), 0, np.cos(a)]]) @ np.linalg.inv(k) for a in yaw]
    seen, camera = _filmed(kp, maps)
    kin = compute_kinematics(sequence(seen, t), 0)
    assert len(detect_events(kin, "walk").of_kind("step")) == 0  # in the picture
    translation = background_track({"dx": camera["dx"], "dy": camera["dy"]}, t)
    assert len(detect_events(kin, "walk", background=translation).of_kind("step")) <= len(static) - 3
    steps = detect_events(kin, "walk", background=athlete_track(camera, kin)).of_kind("step")
    assert [s.side for s in steps] == [s.side for s in static]
    assert [s.end for s in steps] == pytest.approx([s.end for s in static], abs=1.5 / FS)


def test_steps_under_a_zoom_are_read_through_its_homography() -> None:
    # The camera zooms in and out by ±10 % (1.5 s period) about the frame's centre, the runner's feet
    # 225 px below it and up to 600 px to either side: a zoom moves the picture away from its centre,
    # so the median shift over the frame stays near 0 while planted feet slide. Through the zoom's
    # homography at the feet the steps are the static camera's.
    from inference.kinematics.camera import athlete_track, background_track

    t = np.arange(int(6 * FS)) / FS
    kp = _small_run(t)
    static = detect_events(compute_kinematics(sequence(kp, t), 0), "walk").of_kind("step")
    hips = kp[:, BODY25_NAMES.index("MidHip"), 0]
    cx, cy = float(np.mean(hips)), 25.0
    zoom = np.exp(0.1 * np.sin(2 * np.pi * t / 1.5))
    maps = [np.array([[s, 0, 640 - s * cx], [0, s, 360 - s * cy], [0, 0, 1]]) for s in zoom]
    seen, camera = _filmed(kp, maps)
    assert np.abs(np.array(camera["dx"][1:])).max() < 1.0  # the median shift does not see it
    kin = compute_kinematics(sequence(seen, t), 0)
    translation = background_track({"dx": camera["dx"], "dy": camera["dy"]}, t)
    assert len(detect_events(kin, "walk", background=translation).of_kind("step")) <= len(static) / 4
    track = athlete_track(camera, kin)
    steps = detect_events(kin, "walk", background=track).of_kind("step")
    assert [s.side for s in steps] == [s.side for s in static]
    assert [s.end for s in steps] == pytest.approx([s.end for s in static], abs=1.5 / FS)
    # Old results store no homography: the translation as before.
    old = {"dx": camera["dx"], "dy": camera["dy"]}
    np.testing.assert_array_equal(athlete_track(old, kin), translation)  # type: ignore[arg-type]


def test_the_track_through_homographies_is_stored_with_the_kinematics_as_before(tmp_path) -> None:
    # The kinematics carry the track taken at the feet in the same (T, 2) form as the translation's:
    # saved and loaded, the events read through it are the same; kinematics saved before (no
    # background) still load, without one.
    from dataclasses import replace

    from inference.kinematics.camera import athlete_track
    from inference.kinematics.storage import load_npz, save_npz

    t = np.arange(int(6 * FS)) / FS
    kp = _small_run(t)
    hips = kp[:, BODY25_NAMES.index("MidHip"), 0]
    zoom = np.exp(0.1 * np.sin(2 * np.pi * t / 1.5))
    cx = float(np.mean(hips))
    seen, camera = _filmed(kp, [np.array([[s, 0, 640 - s * cx], [0, s, 360 - s * 25.0], [0, 0, 1]]) for s in zoom])
    kin = compute_kinematics(sequence(seen, t), 0)
    track = athlete_track(camera, kin)
    assert track is not None and track.shape == (t.size, 2)
    carried = replace(kin, background=track)
    save_npz(carried, tmp_path / "kin.npz")
    loaded = load_npz(tmp_path / "kin.npz")
    assert loaded.background is not None and loaded.background.shape == (t.size, 2)
    steps, before = detect_events(loaded, "walk").of_kind("step"), detect_events(carried, "walk").of_kind("step")
    assert len(steps) == len(before) >= 12  # the npz holds float32: instants agree to far below a frame
    assert [s.side for s in steps] == [s.side for s in before]
    assert [s.end for s in steps] == pytest.approx([s.end for s in before], abs=1e-4)
    save_npz(kin, tmp_path / "plain.npz")
    assert load_npz(tmp_path / "plain.npz").background is None
