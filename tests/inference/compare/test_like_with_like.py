"""Like with like: segments of different actions are not compared joint by joint, an alignment
that does not fit names no differences, and metrics come only from spans where the athlete is
tracked."""

from __future__ import annotations

import numpy as np
import pytest

from inference.compare.align import MAX_RESIDUAL_PER_ANGLE_DEG, compare
from inference.compare.metrics import analysis_metrics, tracked_enough
from inference.compare.segments import Segment, default_pair, incomparable
from inference.kinematics.core import Kinematics, compute_kinematics
from inference.kinematics.synthetic import on_ground, sequence, side_view_body25


def _figure(knee: np.ndarray, hip: np.ndarray, fps: float = 30.0) -> Kinematics:
    t = np.arange(len(knee)) / fps
    return compute_kinematics(sequence(on_ground(side_view_body25(len(t), knee=(knee, knee), hip=(hip, hip))), t), 0)


def _whole(kin: Kinematics, action: str) -> Segment:
    return Segment("whole", action, "whole clip", float(kin.timestamps[0]), float(kin.timestamps[-1]))


def test_segments_of_different_actions_are_incomparable() -> None:
    run, walk = Segment("action", "run", "run", 0, 2), Segment("action", "walk", "walk", 0, 2)
    assert "different actions" in incomparable(run, walk)
    assert "no recognised action" in incomparable(Segment("action", "unknown", "unknown", 0, 2), run)
    assert incomparable(run, Segment("rep", "run", "rep 1", 0.5, 1.0)) == ""
    # the first pair offered is of one action even when the first kind both have is not
    a = [Segment("action", "walk", "walk", 0, 2), Segment("action", "run", "run", 2, 4), Segment("whole", "general", "whole", 0, 4)]
    b = [Segment("action", "run", "run", 0, 3), Segment("whole", "squat", "whole", 0, 3)]
    assert default_pair(a, b) == (1, 0)


def test_an_alignment_that_does_not_fit_names_no_differences() -> None:
    t = np.arange(90) / 30.0
    squat = 90 / 2 * (1 - np.cos(2 * np.pi * t / 3.0)) + 5
    deeper = 110 / 2 * (1 - np.cos(2 * np.pi * t / 3.0)) + 5
    a, b = _figure(squat, squat * 0.8), _figure(deeper, deeper * 0.8)
    alike = compare(a, _whole(a, "squat"), b, _whole(b, "squat"), with_skeletons=False)
    assert alike["alignment_fits"] and alike["residual_per_angle_deg"] < MAX_RESIDUAL_PER_ANGLE_DEG
    assert any("more flexed" in row["text"] for row in alike["named"])
    # a figure sitting deep with the trunk folded against one standing tall: no time warp pairs them
    sitting = _figure(np.full(90, 120.0), np.full(90, 120.0))
    standing = _figure(np.full(90, 5.0), np.full(90, 5.0))
    unlike = compare(sitting, _whole(sitting, "squat"), standing, _whole(standing, "squat"), with_skeletons=False)
    assert not unlike["alignment_fits"] and unlike["residual_per_angle_deg"] > MAX_RESIDUAL_PER_ANGLE_DEG
    assert unlike["named"] == [] and unlike["differences"] == []


def test_metrics_need_the_athlete_tracked() -> None:
    t = np.arange(120) / 30.0
    knee = 90 / 2 * (1 - np.cos(2 * np.pi * t / 2.0)) + 5
    kin = _figure(knee, knee * 0.8)
    everything = np.ones(len(t), bool)
    assert tracked_enough(kin, everything)
    lost = kin.angle_confidence.copy()
    lost[30:] = 0.0  # the athlete is lost after the first second: 25 % tracked
    gone = Kinematics(**{**vars(kin), "angle_confidence": lost})
    assert not tracked_enough(gone, everything) and tracked_enough(gone, t < 1.0)
    assert analysis_metrics(gone, {}, "squat") == []
    assert {m.metric for m in analysis_metrics(kin, {}, "squat")} >= {"knee_rom", "hip_rom"}


@pytest.mark.parametrize("confidence", [0.59, None])
def test_unsure_segments_are_not_actions_to_measure(confidence: float | None) -> None:
    t = np.arange(120) / 30.0
    knee = 90 / 2 * (1 - np.cos(2 * np.pi * t / 2.0)) + 5
    kin = _figure(knee, knee * 0.8)
    summary = {"actions": {"segments": [{"label": "kick", "start": 0.0, "end": 4.0, "confidence": confidence}]}}
    assert {m.action for m in analysis_metrics(kin, summary, "squat")} == {"squat"}


def test_a_mostly_untracked_segment_is_not_aligned() -> None:
    from inference.compare.align import cut

    t = np.arange(90) / 30.0
    knee = 90 / 2 * (1 - np.cos(2 * np.pi * t / 3.0)) + 5
    kin = _figure(knee, knee * 0.8)
    lost = kin.angle_confidence.copy()
    lost[20:] = 0.0  # tracked in the first 20 of 90 frames
    gone = Kinematics(**{**vars(kin), "angle_confidence": lost})
    with pytest.raises(ValueError, match="tracked in only 22% of B's segment"):
        compare(kin, _whole(kin, "squat"), gone, _whole(gone, "squat"), with_skeletons=False)
    assert cut(kin, _whole(kin, "squat")).times.size == 90
