"""What the progress metrics mean: range of motion is the report's (range_of_motion, each side),
cadence the report's over sure steps, and trunk lean has no direction of better."""

from __future__ import annotations

import numpy as np
import pytest

from inference.compare.metrics import METRICS, analysis_metrics
from inference.feedback.measures import range_of_motion
from inference.kinematics.core import Kinematics, compute_kinematics
from inference.kinematics.synthetic import on_ground, sequence, side_view_body25


def test_progress_range_of_motion_is_the_reports_both_sides_averaged() -> None:
    t = np.arange(150) / 30.0
    # Skewed on purpose (the 2nd-98th and the 5th-95th percentile spans differ); the two knees move
    # differently, so "sides averaged" and "one side" differ too.
    left = 60 * np.clip(np.sin(2 * np.pi * t / 2.5), 0, None) ** 3 + 5
    right = 0.6 * left + 5
    kin = compute_kinematics(sequence(on_ground(side_view_body25(len(t), knee=(left, right), hip=(left / 2, right / 2))), t), 0)
    spike = kin.angles.copy()
    spike[40, kin.angle_names.index("left_knee")] = 170.0  # one wrong frame
    kin = Kinematics(**{**vars(kin), "angles": spike})
    value = next(m.value for m in analysis_metrics(kin, {}, "general") if m.metric == "knee_rom")
    report = [range_of_motion(kin, f"{side}_knee") for side in ("left", "right")]
    assert abs(report[0] - report[1]) > 5
    assert value == np.mean(report)
    wider = np.mean([np.subtract(*np.percentile(kin.angle(f"{side}_knee"), [98, 2])) for side in ("left", "right")])
    assert abs(wider - value) > 0.5  # progress's former 2nd-98th definition gave another number
    assert "mean of both sides" in METRICS["knee_rom"].label
    assert "5th–95th" in METRICS["knee_rom"].meaning and "range_of_motion" in METRICS["knee_rom"].meaning


def test_trunk_lean_has_no_better_direction() -> None:
    """No rule says less lean is better (the run wants 5-15° forward and flags leaning back): a
    backward lean must not read as an improvement."""
    assert METRICS["trunk_lean_max"].better == 0
    assert "without a verdict" in METRICS["trunk_lean_max"].meaning


def test_forward_trunk_lean_is_measured_only_where_the_athlete_is_filmed_from_the_side() -> None:
    """Review #4: the lab walk, a man facing the camera leaning sideways, read 'Greatest forward
    trunk lean 48°' on the progress page. From the front the trunk angle is a sideways lean."""
    from inference.pipeline import AnalysisConfig, analyze
    from tests.support import shared_clip

    t = np.arange(90) / 30.0
    side = compute_kinematics(sequence(on_ground(side_view_body25(len(t), trunk_lean=20.0)), t), 0)
    assert (side.view() == "side").all()
    lean = next(m.value for m in analysis_metrics(side, {}, "general") if m.metric == "trunk_lean_max")
    assert lean == pytest.approx(20.0, abs=2.0)

    result = analyze(shared_clip("lab_walk_portrait_60fps.mp4"), AnalysisConfig(until="athlete"))
    front = compute_kinematics(result.poses, result.athlete_index)
    assert (front.view()[np.isfinite(front.frontalness())] != "side").all()  # he faces the camera throughout
    metrics = {m.metric for m in analysis_metrics(front, {}, "general")}
    # Knee flexion is a side-view angle too (docs/kinematics.md): from the front the thigh's range
    # to the trunk, read in any view, is what is followed.
    assert "trunk_lean_max" not in metrics and "knee_rom" not in metrics and "hip_elevation_rom" in metrics


def test_progress_cadence_is_the_reports_over_sure_steps() -> None:
    # One definition of cadence (inference.kinematics.events.cadence): runs of at least three
    # alternating steps; a step more than MAX_STEP_TIME_S after the one before starts a new gait.
    # Before, progress counted every step over the first to last touch-down: three steps 0.5 s
    # apart then one 4 s later read 60 * 3 / 5 = 36 steps/min instead of 120.
    from inference.kinematics.events import SURE_CONFIDENCE, Event, cadence

    t = np.arange(240) / 30.0  # a figure tracked throughout, so the whole clip is measured
    kin = compute_kinematics(sequence(on_ground(side_view_body25(len(t))), t), 0)
    steps = [Event("step", end - 0.3, end, side).as_dict()
             for end, side in ((1.0, "right"), (1.5, "left"), (2.0, "right"), (6.0, "left"))]
    metrics = {m.metric: m for m in analysis_metrics(kin, {"events": {"events": steps}}, "walk")}
    assert metrics["cadence_spm"].value == pytest.approx(120.0)
    assert metrics["cadence_spm"].value == cadence([Event.from_dict(e) for e in steps])
    assert (metrics["cadence_spm"].start, metrics["cadence_spm"].end) == (1.0, 2.0)
    # an uncertain step is no point on a progress chart: the run falls under three steps
    unsure = [dict(steps[0], confidence=SURE_CONFIDENCE - 0.2)] + steps[1:]
    assert "cadence_spm" not in {m.metric for m in analysis_metrics(kin, {"events": {"events": unsure}}, "walk")}
