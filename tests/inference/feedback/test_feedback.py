"""Each technique rule fires, and does not fire, on constructed trajectories."""

from __future__ import annotations

import json

import numpy as np
import pytest

from inference.feedback import RULES, evaluate_feedback, rules_for
from inference.feedback.measures import MEASURES, view_of
from inference.kinematics import KinematicsConfig, compute_kinematics
from inference.kinematics.core import Kinematics
from inference.kinematics.events import Event, Events, G, detect_events
from inference.kinematics.synthetic import on_ground, sequence, side_view_body25
from inference.skeleton import BODY25_NAMES

FS = 60.0


def fired(kin: Kinematics, events: Events, movement: str, **kwargs: object) -> dict[str, str]:
    """{rule id: severity} of the findings."""
    feedback = evaluate_feedback(kin, events, movement, **kwargs)  # type: ignore[arg-type]
    json.dumps(feedback.to_dict(), allow_nan=False)  # always storable
    return {f.rule: f.severity for f in feedback.findings}


def squat(thigh_bottom: float = 10.0, lean: float = 35.0, shank: float = 35.0, lift: float = 0.0) -> tuple[Kinematics, Events]:
    """Three side-view squats reaching ``thigh_bottom`` (Sports2D thigh angle: > 0 hip below knee)
    with trunk lean / shank inclination / heel lift (degrees) at the bottom; feet on the floor."""
    t = np.arange(int(7.5 * FS)) / FS
    phase = (t - 0.5) / 2.0
    s = np.where((phase >= 0) & (phase < 3), 0.5 - 0.5 * np.cos(2 * np.pi * phase), 0.0)
    thigh = -90.0 + (thigh_bottom + 90.0) * s
    hip, knee = thigh + 90.0 + lean * s, thigh + 90.0 + shank * s
    ankle = shank * s - lift * s
    kp = on_ground(side_view_body25(t.size, trunk_lean=lean * s, hip=(hip, hip), knee=(knee, knee), ankle=(ankle, ankle)))
    kin = compute_kinematics(sequence(kp, t), 0)
    return kin, detect_events(kin, "squat")


def test_a_good_deep_squat_passes_every_side_view_rule() -> None:
    kin, events = squat()
    assert view_of(kin) == "side" and len(events.of_kind("rep")) == 3
    feedback = evaluate_feedback(kin, events, "squat")
    assert feedback.findings == ()
    assert set(feedback.passed) == {"squat.depth", "squat.trunk_lean", "squat.heel_lift"}
    assert "front" in feedback.skipped["squat.knee_valgus"]


@pytest.mark.parametrize(("thigh", "severity"), [(-10.0, "warning"), (-35.0, "major")])
def test_squat_depth_fires_when_the_hip_stays_above_the_knee(thigh: float, severity: str) -> None:
    kin, events = squat(thigh_bottom=thigh)
    feedback = evaluate_feedback(kin, events, "squat")
    (finding,) = [f for f in feedback.findings if f.rule == "squat.depth"]
    assert finding.severity == severity and finding.value == pytest.approx(thigh, abs=3.0)
    assert finding.threshold == 0.0 and len(finding.time_ranges) == 3
    assert "hip stayed above the knee" in finding.message and finding.suggestion and finding.source


def test_trunk_lean_fires_when_the_chest_drops_past_the_shins() -> None:
    assert fired(*squat(lean=70.0, shank=30.0), "squat") == {"squat.trunk_lean": "major"}
    assert fired(*squat(lean=52.0, shank=30.0), "squat") == {"squat.trunk_lean": "warning"}


def test_heel_lift_fires_when_the_foot_tips() -> None:
    assert fired(*squat(lift=15.0), "squat") == {"squat.heel_lift": "warning"}


def frontal_squat(knees_in_px: float) -> tuple[Kinematics, Events]:
    """Three squats seen from the front; at the bottom each knee moves ``knees_in_px`` inwards."""
    t = np.arange(int(7.5 * FS)) / FS
    phase = (t - 0.5) / 2.0
    s = np.where((phase >= 0) & (phase < 3), 0.5 - 0.5 * np.cos(2 * np.pi * phase), 0.0)
    drop = 150.0 * s
    kp = np.ones((t.size, len(BODY25_NAMES), 3))
    kp[..., :2] = np.nan
    place = {"Nose": (0, 110), "Neck": (0, 400), "MidHip": (0, 690), "REar": (-30, 90), "LEar": (30, 90),
             "RShoulder": (-130, 400), "LShoulder": (130, 400), "RElbow": (-150, 560), "LElbow": (150, 560),
             "RWrist": (-150, 690), "LWrist": (150, 690), "RHip": (-95, 690), "LHip": (95, 690),
             "RKnee": (-105, 935), "LKnee": (105, 935), "RAnkle": (-105, 1180), "LAnkle": (105, 1180)}  # fmt: skip
    for name, (x, y) in place.items():
        k = BODY25_NAMES.index(name)
        lower = name.endswith(("Ankle",))
        kp[:, k, 0] = 960 + x
        kp[:, k, 1] = y + (0 if lower else drop if not name.endswith("Knee") else drop / 2)
    for side, sign in (("R", -1), ("L", 1)):
        kp[:, BODY25_NAMES.index(f"{side}Knee"), 0] -= sign * knees_in_px * s
    kin = compute_kinematics(sequence(kp, t), 0)
    return kin, detect_events(kin, "squat")


@pytest.mark.parametrize(("knees_in", "expected"), [(0.0, {}), (40.0, {"squat.knee_valgus": "warning"}),
                                                    (70.0, {"squat.knee_valgus": "major"})])  # fmt: skip
def test_knee_valgus_proxy_from_the_front(knees_in: float, expected: dict[str, str]) -> None:
    kin, events = frontal_squat(knees_in)
    assert view_of(kin) == "front" and len(events.of_kind("rep")) == 3
    feedback = evaluate_feedback(kin, events, "squat")
    assert {f.rule: f.severity for f in feedback.findings} == expected
    assert "side" in feedback.skipped["squat.depth"]  # sagittal rules wait for a side view


def jump(contact: tuple[float, float], displacement: tuple[float, float]) -> tuple[Kinematics, Events]:
    """A 0.5 s flight; right/left knee flexion at touch-down and their further bend after it."""
    t = np.arange(int(3.5 * FS)) / FS
    take_off, flight = 1.0, 0.5
    tt = t - take_off
    lift = np.where((tt > 0) & (tt < flight), (G * flight / 2 * tt - G / 2 * tt**2) * 1000 / 1.8, 0.0)
    after = np.clip((t - take_off - flight) / 0.25, 0, None)
    bump = np.where(after > 0, np.sin(np.pi / 2 * np.clip(after, 0, 2)) ** 2 * (after <= 2), 0.0)
    knees = [np.where(tt > flight / 2, c, 0.0) + d * bump for c, d in zip(contact, displacement, strict=True)]
    kp = on_ground(side_view_body25(t.size, hip=tuple(knees), knee=tuple(knees), ankle=(-20.0, -20.0)), lift_px=lift)
    kin = compute_kinematics(sequence(kp, t), 0)
    return kin, detect_events(kin, "jump")


def test_a_soft_even_landing_passes_and_a_stiff_one_fires() -> None:
    kin, events = jump((35.0, 35.0), (60.0, 60.0))
    assert len(events.of_kind("jump")) == 1
    assert fired(kin, events, "jump") == {}
    stiff = fired(*jump((8.0, 8.0), (20.0, 20.0)), "jump")
    assert stiff == {"jump.landing_knee_flexion": "major", "jump.landing_knee_displacement": "major"}


def test_an_uneven_landing_fires_the_symmetry_rule() -> None:
    assert fired(*jump((35.0, 35.0), (60.0, 25.0)), "jump") == {
        "jump.landing_symmetry": "major", "jump.landing_knee_displacement": "warning"}  # fmt: skip


def running(lean: float, hip: float, knee_at_contact: float) -> tuple[Kinematics, Events]:
    """A constant side-view running posture and six alternating steps (events given)."""
    t = np.arange(int(4 * FS)) / FS
    kp = side_view_body25(t.size, trunk_lean=lean, hip=(hip, hip), knee=(knee_at_contact, knee_at_contact))
    kin = compute_kinematics(sequence(kp, t), 0)
    steps = tuple(Event("step", 0.5 + 0.5 * i, 0.8 + 0.5 * i, "right" if i % 2 == 0 else "left") for i in range(6))
    return kin, Events("run", steps, {})


def test_running_rules_fire_and_pass() -> None:
    assert fired(*running(8.0, 55.0, 47.0), "run") == {}  # shank: 55 - 8 - 47 = 0° at contact
    assert fired(*running(20.0, 55.0, 35.0), "run") == {"run.trunk_lean": "warning"}
    assert fired(*running(-5.0, 55.0, 60.0), "run") == {"run.trunk_backward": "warning"}
    assert fired(*running(8.0, 30.0, 22.0), "run") == {"run.knee_drive": "warning"}
    assert fired(*running(8.0, 55.0, 35.0), "run") == {"run.overstride": "warning"}  # 12°
    assert fired(*running(8.0, 55.0, 27.0), "run") == {"run.overstride": "major"}  # 20°


def swinging(right_amp: float, left_amp: float) -> Kinematics:
    t = np.arange(int(4 * FS)) / FS
    wave = 0.5 - 0.5 * np.cos(2 * np.pi * t)
    kp = side_view_body25(t.size, knee=(right_amp * wave, left_amp * wave), hip=(20 * wave, 20 * wave))
    return compute_kinematics(sequence(kp, t), 0)


def test_symmetry_and_range_of_motion_against_the_athletes_best() -> None:
    none = Events("general", (), {})
    assert fired(swinging(60.0, 60.0), none, "general") == {}
    assert fired(swinging(60.0, 30.0), none, "general") == {"symmetry.knee": "major"}
    assert fired(swinging(60.0, 45.0), none, "dance") == {"symmetry.knee": "warning"}
    kin = swinging(60.0, 60.0)
    rom = evaluate_feedback(kin, none, "general").ranges_of_motion["right_knee"]
    assert rom == pytest.approx(60.0 * 0.976, abs=1.5)  # 5–95 % range of a raised cosine
    assert fired(kin, none, "general", prior_bests={"right_knee": rom * 1.05}) == {}
    assert fired(kin, none, "general", prior_bests={"right_knee": rom / 0.8}) == {"rom.right_knee": "warning"}
    assert fired(kin, none, "general", prior_bests={"right_knee": rom * 2}) == {"rom.right_knee": "major"}
    skipped = evaluate_feedback(kin, none, "general").skipped
    assert skipped["rom.left_knee"].startswith("no earlier best")


def test_rules_table_is_consistent() -> None:
    assert len({r.id for r in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.measure in MEASURES and rule.fault in ("below", "above") and rule.source
        worse = rule.major < rule.threshold if rule.fault == "below" else rule.major > rule.threshold
        assert worse, rule.id
    assert {r.id for r in rules_for("walk")} == {"symmetry.knee", "symmetry.hip", "symmetry.shoulder", "symmetry.elbow"}
    with pytest.raises(ValueError, match="unknown movement"):
        rules_for("curling")


def test_finding_json_shape() -> None:
    kin, events = squat(thigh_bottom=-35.0)
    data = evaluate_feedback(kin, events, "squat").to_dict()
    assert set(data) == {"movement", "view", "findings", "passed", "skipped", "ranges_of_motion"}
    finding = data["findings"][0]
    assert set(finding) == {"rule", "severity", "value", "threshold", "unit", "fault", "time_ranges",
                            "message", "suggestion", "source"}  # fmt: skip
    assert all(len(r) == 2 and r[0] < r[1] for r in finding["time_ranges"])


def test_unfiltered_config_still_evaluates() -> None:
    t = np.arange(120) / FS
    kin = compute_kinematics(sequence(side_view_body25(t.size), t), 0, KinematicsConfig(filter=False))
    assert evaluate_feedback(kin, detect_events(kin, "squat"), "squat").skipped["squat.depth"] == "no repetitions were found"
