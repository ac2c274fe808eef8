"""label_actions and actions.json: on motion capture seen by a held-out camera, on real clips, and
without an athlete."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from inference.actions import label_actions, load_action_model, write_actions
from inference.posedata import PoseSequence
from inference.skeleton import BODY25
from tests.support import shared_clip
from tests.truth import action_disagreements, load_truth


def _mocap_poses(training_data: Path, clip: str, seconds: float, fps: float = 30.0) -> PoseSequence:
    """One person doing a DeepMimic clip, seen by a camera from the held-out range, as BODY_25."""
    from inference.actions.mocap import Camera, sample_clip
    from inference.actions.synth import HELD_OUT_AZIMUTH, MotionLibrary, render_window

    library = MotionLibrary.load(training_data, clip_names=(clip,))
    label = next(iter(library.clips))
    source = library.clips[label][0]
    frames = int(seconds * fps)
    joints = sample_clip(source.joints, source.dt, 0.0, fps, frames)
    camera = Camera(float(np.mean(HELD_OUT_AZIMUTH)), 10.0, 6.0, 1200.0, (1920, 1080))
    window = render_window(joints, camera, np.random.default_rng(0), augmented=False)
    keypoints = np.full((frames, 1, BODY25.num_keypoints, 3), np.nan, np.float32)
    keypoints[..., 2] = 0.0
    keypoints[:, 0, :15] = window
    return PoseSequence(keypoints, "body25", np.arange(frames) / fps, fps, (1920, 1080))


def test_mocap_walk_from_a_held_out_camera_is_walk(training_data: Path, tmp_path: Path) -> None:
    poses = _mocap_poses(training_data, "walk", 6.0)
    result = label_actions(poses, 0)
    assert result.reason is None and result.segments
    walk = sum(s.end - s.start for s in result.segments if s.label == "walk")
    assert walk > 0.8 * 6.0, result.segments
    assert any((s.reps or 0) > 0 for s in result.segments if s.label == "walk")  # steps counted
    info = write_actions(result, tmp_path)
    data = json.loads((tmp_path / "actions.json").read_text())
    assert info["segments"] == len(data["segments"]) and data["model"]["name"] == load_action_model().name
    assert set(data["segments"][0]) == {"label", "start", "end", "confidence", "reps"}


def test_no_athlete_says_why(tmp_path: Path) -> None:
    poses = PoseSequence(np.zeros((5, 0, 33, 3), np.float32), "blazepose33", np.arange(5) / 30, 30.0, (640, 480))
    result = label_actions(poses, None)
    assert result.segments == () and result.reason == "no athlete was found in the video"
    write_actions(result, tmp_path)
    assert json.loads((tmp_path / "actions.json").read_text())["reason"] == result.reason


@pytest.fixture(scope="module")
def walk_clip_result() -> object:
    from inference.pipeline import AnalysisConfig, analyze

    return analyze(shared_clip("lab_walk_portrait_60fps.mp4"), AnalysisConfig())


def test_real_lab_walk_clip_is_one_labelled_segment(walk_clip_result: object, tmp_path: Path) -> None:
    info = write_actions(walk_clip_result, tmp_path)  # type: ignore[arg-type]
    data = json.loads((tmp_path / "actions.json").read_text())
    assert info["reason"] is None and data["segments"]
    assert data["segments"][0]["start"] == 0.0 and data["segments"][-1]["end"] >= 1.6
    for segment in data["segments"]:
        assert segment["label"] in data["classes"] or segment["label"] == "unknown"


def test_real_lab_walk_clip_labels_agree_with_its_truth(walk_clip_result: object) -> None:
    """bench/truth/lab_walk_portrait_60fps.json (from its frames): a sideways swing of the right leg
    out and back, no gait cycle, so no product class fits ("other"). The raw network says cartwheel
    for it, which fails its physical requirement; the steps the kinematics find are two swings of the
    same foot, which are not a gait. Nothing the frames do not show may be labelled: no walk, no
    cartwheel; unknown is the honest answer."""
    truth = load_truth("lab_walk_portrait_60fps.mp4")
    result = label_actions(walk_clip_result.poses, walk_clip_result.athlete_index)  # type: ignore[attr-defined]
    assert action_disagreements(result.segments, truth) == {}, result.segments


def test_no_segment_extends_past_the_athletes_track(training_data: Path) -> None:
    """The athlete is lost after 4 s of a 6-s walk (nobody in the last 2 s): whatever is labelled
    ends where the track ends, although windows reaching back into the walk cover those frames."""
    poses = _mocap_poses(training_data, "walk", 6.0)
    lost = poses.timestamps >= 4.0
    poses.keypoints[lost] = (np.nan, np.nan, 0.0)
    result = label_actions(poses, 0)
    labelled = [s for s in result.segments if s.label != "unknown"]
    assert labelled and labelled[0].label == "walk", result.segments
    last_seen = float(poses.timestamps[~lost][-1])
    assert max(s.end for s in labelled) <= last_seen + 1 / 20 + 1e-6, result.segments


# The target (issue 19): confidently wrong labels on at most 5 % of a clip's labelled time.
MAX_WRONG_SHARE = 0.05


def test_real_indoor_embrace_is_not_idle_whichever_man_is_analysed() -> None:
    """bench/truth/indoor_two_people_1080p.json (from its frames): both men stand (idle) until
    0.7 s, then one reaches for the other and they embrace ("other": no product class fits). The
    raw network says idle 0.99 for the man who is embraced (his arm comes up and stays up, within
    the idle class's motion); the idle class's rest posture (the posture change) rules it out.
    Whichever man is the athlete, no label the frames do not show on more than 5 % of the time."""
    from inference.pipeline import AnalysisConfig, analyze

    truth = load_truth("indoor_two_people_1080p.mp4")
    result = analyze(shared_clip("indoor_two_people_1080p.mp4"), AnalysisConfig())
    poses = result.poses
    seen = np.isfinite(poses.keypoints[..., 0]).any(-1).mean(0)  # share of frames each slot is seen
    people = [p for p in range(poses.keypoints.shape[1]) if seen[p] >= 0.5]
    assert len(people) == 2, seen
    labelled = sum(b - a for a, b in ((s["start"], s["end"]) for s in truth["actions"]))
    for p in people:
        segments = label_actions(poses, p).segments
        wrong = action_disagreements(segments, truth)
        said = sum(v for k, v in wrong.items() if not k.startswith("unknown where"))
        assert said <= MAX_WRONG_SHARE * labelled, (p, wrong, segments)
