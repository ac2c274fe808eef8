"""Comparing two performances: phases, per-phase differences named in words, the same-size
skeletons, segments from events and action segments, and the metrics of an analysis."""

from __future__ import annotations

import numpy as np
import pytest

from inference.compare.align import compare
from inference.compare.differences import describe, named
from inference.compare.metrics import METRICS, analysis_metrics
from inference.compare.pose_norm import normalized
from inference.compare.segments import Segment, default_pair, segments_of
from inference.kinematics.core import Kinematics, compute_kinematics
from inference.kinematics.events import detect_events
from inference.kinematics.points import point_index
from inference.kinematics.synthetic import on_ground, sequence, side_view_body25
from tests.support import ballistic


def squat(depth: float, *, seconds: float = 2.0, fps: float = 60.0, power: float = 1.0,
          facing: float = 1.0, scale: float = 1.0) -> Kinematics:
    """One squat to ``depth`` degrees of knee flexion; power > 1 warps its clock."""
    t = np.arange(int(seconds * fps)) / fps
    phase = (t / seconds) ** power
    knee = depth / 2 * (1 - np.cos(2 * np.pi * phase)) + 5
    kp = on_ground(side_view_body25(len(t), knee=(knee, knee), hip=(knee * 0.8, knee * 0.8), facing=facing))
    kp[..., :2] = (kp[..., :2] - [960, 1000]) * scale + [960, 1000]
    return compute_kinematics(sequence(kp, t), 0)


def whole(kin: Kinematics, kind: str = "rep") -> Segment:
    return Segment(kind, "squat", kind, float(kin.timestamps[0]), float(kin.timestamps[-1]))


def test_a_shallower_squat_is_named_less_flexed_at_the_bottom() -> None:
    a, b = squat(100), squat(80, power=1.4)
    result = compare(a, whole(a), b, whole(b))
    assert [p["name"] for p in result["phases"]] == ["descent", "bottom", "ascent"]
    knee = next(d for d in result["differences"] if d["angle"] == "right_knee" and d["phase"] == "bottom")
    # 20° apart at the deepest frame, less around it (the bottom phase spans 15 % of the swing)
    assert -21 < knee["difference"] < -10
    assert knee["text"] == f"right knee {abs(knee['difference']):.0f}° less flexed at the bottom"
    assert result["named"][0]["phase"] == "bottom" and "less flexed" in result["named"][0]["text"]
    # B's clock is warped: the map is not the identity, and it is monotone.
    ta, tb = np.array(result["time_map"]["ta"]), np.array(result["time_map"]["tb"])
    assert np.all(np.diff(tb) >= 0) and np.max(np.abs(ta - tb)) > 0.1


def test_the_same_squat_on_another_clock_has_no_difference() -> None:
    a, b = squat(90), squat(90, power=1.5, seconds=2.5, fps=30)
    result = compare(a, whole(a), b, whole(b))
    assert named(result["differences"]) == []
    assert result["mean_cost_deg"] < 3


def test_jump_phases_come_from_the_flight() -> None:
    a = squat(60)
    seg = Segment("jump", "jump", "jump 1", 0.0, 2.0, (0.8, 1.2))
    result = compare(a, seg, a, seg, with_skeletons=False)
    assert [p["name"] for p in result["phases"]] == ["preparation", "flight", "landing"]
    assert result["phases"][1]["start"] == pytest.approx(0.8, abs=0.02)
    assert "skeletons" not in result


def test_words_follow_the_angle_conventions() -> None:
    assert describe("left_knee", -12.3, "at the bottom") == "left knee 12° less flexed at the bottom"
    assert describe("trunk", -8, "during the descent") == "trunk 8° leaning further forward during the descent"
    assert describe("trunk", 6, "at the end") == "trunk 6° more upright at the end"


def test_skeletons_of_different_sizes_and_directions_overlap() -> None:
    big, small = squat(90), squat(90, facing=-1.0, scale=0.5)
    nb = normalized(big.points, big.facing)
    ns = normalized(small.points, small.facing)
    knee = point_index("RKnee")
    np.testing.assert_allclose(nb[:, knee], ns[:, knee], atol=0.03)
    assert np.allclose(nb[:, point_index("Hip")], 0.0)


def test_segments_from_events_and_actions() -> None:
    summary = {"events": {"events": [{"kind": "jump", "start": 2.0, "end": 2.4, "values": {}},
                                     {"kind": "rep", "start": 5.0, "end": 6.5, "values": {}},
                                     {"kind": "step", "start": 7.0, "end": 7.3, "values": {}}]},
               "actions": {"segments": [{"label": "cmj", "start": 1.0, "end": 3.0, "confidence": 0.9},
                                        {"label": "idle", "start": 3.0, "end": 9.0, "confidence": 0.9}]}}
    segs = segments_of(summary, "jump", 0.0, 10.0)
    assert [(s.kind, s.action) for s in segs] == [("action", "cmj"), ("jump", "cmj"), ("rep", "jump"),
                                                   ("whole", "jump")]
    jump = segs[1]
    assert (jump.start, jump.end) == pytest.approx((1.2, 2.9)) and jump.core == (2.0, 2.4)
    assert default_pair(segs, segs[2:]) == (2, 0)  # no jump in B: the first kind both have


def test_metrics_per_action_segment() -> None:
    kin = squat(90, seconds=4.0, power=1.0)
    events = detect_events(kin, "squat").to_dict()
    plain = {m.metric: m for m in analysis_metrics(kin, {"events": events}, "squat")}
    assert plain["knee_flexion_max"].value == pytest.approx(95, abs=4)
    assert plain["knee_flexion_max"].action == "squat" and set(plain) <= set(METRICS)
    def labelled(label: str, confidence: float | None) -> dict:
        return {"events": events, "actions": {"segments": [
            {"label": label, "start": 0.0, "end": 3.9, "confidence": confidence}]}}

    assert {m.action for m in analysis_metrics(kin, labelled("deep squat", 0.9), "squat")} == {"deep squat"}
    # not a confident action, or no action at all: the clip is measured as the movement it was uploaded as
    assert {m.action for m in analysis_metrics(kin, labelled("deep squat", 0.45), "squat")} == {"squat"}
    assert {m.action for m in analysis_metrics(kin, labelled("unknown", None), "squat")} == {"squat"}


def test_jump_metrics_and_segment_from_a_flight() -> None:
    """A figure standing, then 0.5 s in the air: height g t²/8 and flight time in the metrics,
    and a jump segment around the flight with preparation / flight / landing phases."""
    t = np.arange(180) / 60.0
    lift, _ = ballistic(t, 1.0, 9.81 * 0.5 / 2)  # 0.5 s in the air: 0.31 m
    knee = 20 + 40 * np.exp(-(((t - 0.8) / 0.15) ** 2)) + 40 * np.exp(-(((t - 1.7) / 0.15) ** 2))
    bent = side_view_body25(len(t), knee=(knee, knee), hip=(knee, knee))
    bent[..., 0] -= (bent[:, 11, 0] - bent[0, 11, 0])[:, None]  # feet planted (BODY_25 11: right ankle): the hips move back
    kp = on_ground(bent, lift_px=lift)
    kin = compute_kinematics(sequence(kp, t), 0)
    events = detect_events(kin, "jump").to_dict()
    metrics = {m.metric: m for m in analysis_metrics(kin, {"events": events}, "jump")}
    assert metrics["flight_time_s"].value == pytest.approx(0.5, abs=0.05)
    assert metrics["jump_height_m"].value == pytest.approx(9.81 * metrics["flight_time_s"].value ** 2 / 8, abs=1e-3)
    jump = next(s for s in segments_of({"events": events}, "jump", 0.0, 3.0) if s.kind == "jump")
    result = compare(kin, jump, kin, jump, with_skeletons=False)
    assert [p["name"] for p in result["phases"]] == ["preparation", "flight", "landing"]
    assert result["mean_cost_deg"] == pytest.approx(0.0, abs=1e-6)


def test_long_segments_are_subsampled_before_alignment() -> None:
    from inference.compare.align import cut

    kin = squat(90, seconds=30.0, fps=60.0)
    c = cut(kin, whole(kin, "whole"), max_frames=500)
    assert len(c.times) <= 500 and c.times[0] == kin.timestamps[0]
    assert np.all(np.diff(c.times) == pytest.approx(4 / 60.0))
    result = compare(kin, whole(kin, "whole"), kin, whole(kin, "whole"), with_skeletons=False)
    assert result["mean_cost_deg"] == pytest.approx(0.0, abs=1e-6)


def test_phases_are_drawn_only_for_a_movement_that_defines_them() -> None:
    """The same deep knee bend as a whole clip: a squat's has descent, bottom and ascent; a general
    clip's (nor a walk's, nor an action model's label that is no movement) has no phases to draw,
    its differences grouped by the segment's thirds of time."""
    a, b = squat(100), squat(80, power=1.4)
    as_squat = compare(a, whole(a, "whole"), b, whole(b, "whole"), with_skeletons=False)
    assert [p["name"] for p in as_squat["phases"]] == ["descent", "bottom", "ascent"]
    for action in ("general", "walk", "kick"):
        seg_a = Segment("whole", action, "whole clip", float(a.timestamps[0]), float(a.timestamps[-1]))
        seg_b = Segment("whole", action, "whole clip", float(b.timestamps[0]), float(b.timestamps[-1]))
        result = compare(a, seg_a, b, seg_b, with_skeletons=False)
        assert result["phases"] == [], action
        assert {d["phase"] for d in result["differences"]} == {"start", "middle", "end"}
