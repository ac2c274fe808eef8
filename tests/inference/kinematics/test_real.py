"""The kinematics stage on a real clip: ../shared/media/lab_walk_portrait_60fps.mp4.

What the clip shows (checked frame by frame): one man, filmed from the front-left in portrait,
takes one big step out to the side with his right foot (about 0.3–0.65 s), leans his trunk far
over (deepest around 1.0 s), steps back (about 0.85–1.2 s) and lifts his left leg at the end.
It is not a straight walk, so the checks are what this movement must show: smooth curves, no knee
flexion reported from the front (a side-view angle), a sideways trunk lean and return, and the one
right-foot contact that bench/truth lists.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from inference.kinematics import Kinematics, KinematicsConfig, compute_kinematics
from inference.kinematics.storage import CSV_MIN_CONFIDENCE
from tests.support import shared_clip
from tests.truth import load_truth


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, Path]:
    from inference.pipeline import AnalysisConfig, analyze, analyze_poses

    clip = shared_clip("lab_walk_portrait_60fps.mp4")
    result = analyze(clip, AnalysisConfig(until="athlete"))
    out = tmp_path_factory.mktemp("walk")
    config = AnalysisConfig(movement="walk", height_cm=178.0, until="feedback")
    analyze_poses(result.poses, config, athlete_track_id=result.athlete_track_id).write(out)
    return result, out


def test_angles_csv_has_every_frame_and_no_knee_flexion_from_the_front(analysed: tuple[object, Path]) -> None:
    result, out = analysed
    with (out / "angles.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == result.poses.num_frames == 100  # type: ignore[attr-defined]
    times = np.array([float(r["time"]) for r in rows])
    np.testing.assert_allclose(times, result.poses.timestamps, atol=1e-4)  # type: ignore[attr-defined]
    kin = Kinematics.load(out / "kinematics.npz")
    front = kin.view() == "front"
    assert front.mean() > 0.9  # he faces the camera (test_feedback_json_is_complete_and_honest_about_the_view)
    for side in ("right", "left"):
        for name, reported in ((f"{side}_knee", False), (f"{side}_hip_elevation", True)):
            values = np.array([float(r[name] or "nan") for r in rows])
            confidence = kin.angle_confidence[:, kin.angle_names.index(name)]
            # Empty cells exactly where the report draws gaps: the number is not trusted there.
            np.testing.assert_array_equal(np.isnan(values), confidence < CSV_MIN_CONFIDENCE)
            if reported:  # the thigh's angle to the trunk, any view: his legs are seen throughout
                assert np.isfinite(values).mean() > 0.75 and 0.0 <= np.nanmin(values) and np.nanmax(values) < 100.0
            else:  # knee flexion is a side-view angle (seen from the front it reads a median 20° too
                # straight on motion capture, docs/kinematics.md): not in the export from the front
                assert np.isnan(values[front]).all()


def test_curves_are_smooth_and_follow_the_unfiltered_angles(analysed: tuple[object, Path]) -> None:
    result, out = analysed
    kin = Kinematics.load(out / "kinematics.npz")
    raw = compute_kinematics(result.poses, result.athlete_index, KinematicsConfig(filter=False))  # type: ignore[attr-defined]
    for name in ("right_knee", "left_knee", "right_hip", "left_hip", "trunk"):
        assert np.nanmax(np.abs(kin.velocity(name))) < 600.0, name  # deg/s: no jitter spikes
        rms = np.sqrt(np.nanmean((kin.angle(name) - raw.angle(name)) ** 2))
        assert rms < 4.0, name  # smoothing removes jitter, not the movement


def test_trunk_leans_over_and_comes_back(analysed: tuple[object, Path]) -> None:
    _, out = analysed
    kin = Kinematics.load(out / "kinematics.npz")
    trunk, t = kin.angle("trunk"), kin.timestamps
    assert trunk[0] > 75.0 and trunk[-1] > 70.0  # upright at both ends (90° = vertical)
    assert trunk.min() < 50.0 and 0.8 < t[np.argmin(trunk)] < 1.2


def test_the_one_right_foot_contact_of_the_truth_and_no_cadence(analysed: tuple[object, Path]) -> None:
    # bench/truth/lab_walk_portrait_60fps.json: the right foot lands once, at 1.233 s (+-1 frame);
    # the left foot leaves at 1.42 s and is still in the air at the end; feet never alternate.
    truth = load_truth("lab_walk_portrait_60fps.mp4")
    _, out = analysed
    events = json.loads((out / "events.json").read_text())
    steps = [e for e in events["events"] if e["kind"] == "step"]
    assert [(e["side"]) for e in steps] == [s["foot"] for s in truth["steps"]]
    frame = 1 / truth["fps"]
    for found, true in zip(steps, truth["steps"], strict=True):
        assert found["end"] == pytest.approx(true["t"], abs=2 * frame)
    assert events["summary"]["cadence_spm"] is None  # one step: no cadence
    assert events["scale"]["metres_per_pixel"] == pytest.approx(1.78 / events["scale"]["height_px"])


def test_heights_are_above_the_floor_the_feet_stand_on(analysed: tuple[object, Path]) -> None:
    # Standing and leaning, a man's centre of mass is between ~0.4 and ~0.6 of his stature above
    # the floor (0.55 standing upright, Winter 2009), never below it.
    _, out = analysed
    kin = Kinematics.load(out / "kinematics.npz")
    heights = kin.com_metres()
    assert heights is not None
    assert 0.4 * 1.78 < np.nanmin(heights[:, 1]) and np.nanmax(heights[:, 1]) < 0.62 * 1.78


def test_the_raised_elbow_reads_as_flexion_and_the_folded_one_is_not_reported(analysed: tuple[object, Path]) -> None:
    # Frames drawn with the skeleton (issue 18): from about 0.6 s the right arm is raised sideways
    # with the elbow visibly flexed, forearm up (about 110°, then more as the hand nears the head);
    # around 1.2 s the forearm folds over the upper arm. Sports2D's signed value read "hyperextension"
    # there (a front-left view); the unsigned flexion reads the bend.
    _, out = analysed
    kin = Kinematics.load(out / "kinematics.npz")
    conf = kin.angle_confidence[:, kin.angle_names.index("right_elbow")]
    elbow = kin.angle("right_elbow")
    t = kin.timestamps
    assert conf[t < 0.2].min() > 0.9  # arm hanging at the start: trusted
    raised = (t > 0.6) & (t < 0.9)
    assert conf[raised].min() > 0.9 and 90.0 < elbow[raised].min() and elbow[raised].max() < 140.0
    folded = (t > 1.18) & (t < 1.28)
    assert np.isnan(elbow[folded]).all() and conf[folded].max() == 0.0  # past 170°: not reported
    assert conf[:, None].shape == (100, 1) and kin.angle_confidence[:, kin.angle_names.index("trunk")].min() > 0.9


def test_feedback_json_is_complete_and_honest_about_the_view(analysed: tuple[object, Path]) -> None:
    _, out = analysed
    feedback = json.loads((out / "feedback.json").read_text())
    assert feedback["view"] == "front"  # he faces the camera (bench/truth; the per-frame view of 9e54e58)
    # The signed hip and shoulder (9e54e58) and knee flexion are side-view angles: from the front
    # they are not judged, and the report says why instead of comparing two projections. The
    # elbow's rule, which judged him here (his right arm goes up over the head and ends bent at
    # the hip, the left stays nearly straight: a true asymmetry, read as 118° against 23° where
    # the four-camera reference has 74° against 32°), is retired: across the Pose2Sim views it
    # named the right arm with the right verdict in 3 of 9 (inference.feedback.rule_ids).
    assert feedback["findings"] == [] and feedback["passed"] == []
    skipped = {x["rule"]: x["reason"] for x in feedback["skipped"]}
    assert set(skipped) == {"symmetry.hip", "symmetry.shoulder", "symmetry.knee"}
    for joint in ("hip", "shoulder", "knee"):
        assert "needs a side view" in skipped[f"symmetry.{joint}"], joint
