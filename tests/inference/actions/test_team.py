"""Team classes end to end: a move labelled in two videos → a fine-tuned model, cross-validated by
video, checked on the base classes' held-out windows, saved and loaded back; too few labels are
refused with what is missing.

The floors asserted here are documented in docs/actions.md (Team classes): a jumping jack (a move
the base model has no class for; the motion-capture humanoid made to do it, filmed by two cameras
as two "videos") is recognised in at least :data:`MIN_NEW_MOVE_ACCURACY` of the cross-validated
windows of the video left out, and the base classes stay within MAX_BASE_LOSS of the base model.
The real lab side step taught from its two recordings does not reach it (docs/actions.md says
so), which is why it is not the move tested here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

MIN_NEW_MOVE_ACCURACY = 0.8  # docs/actions.md, Team classes
FPS = 30.0


def jumping_jacks(training_data: Path, azimuth: float, seconds: float = 4.0) -> np.ndarray:
    """(T, 15, 3) pixels and confidence: the DeepMimic humanoid doing a jumping jack a second
    (arms raised 150° sideways over the head, legs spread 25°, a 10 cm hop) seen by a camera at
    ``azimuth``."""
    from inference.actions.mocap import Camera, clip_joints, load_humanoid
    from inference.actions.synth import _axis_angle_quat, idle_frames, render_window

    t = np.arange(int(seconds * FPS)) / FPS
    frames = idle_frames(np.random.default_rng(int(azimuth)), len(t), 1 / FPS)
    apart = 0.5 * (1 - np.cos(2 * np.pi * t))  # 0 together, 1 spread
    frames[:, 2] += 0.10 * np.abs(np.sin(2 * np.pi * t))
    for start, sign, degrees in ((25, 1, 150), (39, -1, 150), (16, 1, 25), (30, -1, 25)):
        rotation = np.zeros((len(t), 3))
        rotation[:, 0] = sign * np.radians(degrees) * apart
        frames[:, start : start + 4] = _axis_angle_quat(rotation)
    joints = clip_joints(load_humanoid(training_data / "humanoid.urdf"), frames)
    camera = Camera(azimuth, 10.0, 5.0, 1200.0, (1920, 1080))
    return render_window(joints, camera, np.random.default_rng(0), augmented=False)


def _halves(keypoints: np.ndarray, label: str, video: str) -> list:
    from inference.actions import LabelledRange

    middle = len(keypoints) // 2
    return [LabelledRange(keypoints[:middle], FPS, label, video), LabelledRange(keypoints[middle:], FPS, label, video)]


def test_too_few_labels_are_refused_with_what_is_missing(training_data: Path) -> None:
    from inference.actions import train_team_model
    from inference.actions.team import MIN_RANGES_PER_CLASS, MIN_VIDEOS_PER_CLASS, coverage_problems

    one_video = _halves(jumping_jacks(training_data, 20.0), "jumping_jack", "a") * 2  # 4 ranges of one video
    with pytest.raises(ValueError, match="“jumping_jack” has 4 labelled ranges in 1 video; label at least 4"):
        train_team_model(one_video)
    assert coverage_problems({"tuck": (MIN_RANGES_PER_CLASS, MIN_VIDEOS_PER_CLASS)}) == []
    assert len(coverage_problems({"tuck": (MIN_RANGES_PER_CLASS - 1, 5), "pike": (9, 1)})) == 2


def test_team_training_learns_a_move_from_two_videos(training_data: Path, tmp_path: Path) -> None:
    from inference.actions import label_actions, load_action_model, train_team_model
    from inference.actions.team import MAX_BASE_LOSS
    from inference.posedata import PoseSequence

    front, back = jumping_jacks(training_data, 20.0), jumping_jacks(training_data, 200.0)
    ranges = _halves(front, "jumping_jack", "front") + _halves(back, "jumping_jack", "back")
    messages: list[str] = []
    base = load_action_model()
    result = train_team_model(ranges, seed=0, progress=lambda f, m: messages.append(m), previous=base)
    assert result.classes == (*base.classes, "jumping_jack")
    assert np.array(result.confusion).shape == (len(result.classes),) * 2
    assert result.folds[0]["how"] == {"jumping_jack": "by video (2 videos)"}
    assert [f["fold"] for f in result.folds[1:]] == [0, 1]  # one fold per video
    assert result.accuracy >= MIN_NEW_MOVE_ACCURACY, (result.accuracy, result.confusion[-1])
    assert result.previous_accuracy == 0.0  # the base model has no jumping jack
    assert result.base_accuracy_before is not None and result.base_accuracy_before >= 0.95  # model card: 98.8 %
    assert result.base_loss is not None and result.base_loss <= MAX_BASE_LOSS and result.keeps_base_classes
    assert messages[-1] == "done"
    paths = result.save(tmp_path / "v1")
    assert {p.name for p in paths} == {"model.json", "model.weights.h5", "replay.npz"}
    loaded = load_action_model(tmp_path / "v1")
    assert loaded.classes == result.classes and loaded.metrics["cross_validation"]["accuracy"] == result.accuracy
    assert loaded.metrics["cross_validation"]["keeps_base_classes"] is True
    # The final model labels a third camera's jumping jacks as the move it was taught.
    side = jumping_jacks(training_data, 110.0, seconds=6.0)
    keypoints = np.zeros((len(side), 1, 25, 3), np.float32)
    keypoints[:, 0, :15] = np.nan_to_num(side)
    poses = PoseSequence(keypoints, "body25", np.arange(len(side)) / FPS, FPS, (1920, 1080))
    labels = label_actions(poses, 0, model=loaded)
    taught = sum(s.end - s.start for s in labels.segments if s.label == "jumping_jack")
    assert taught >= 0.8 * 6.0, labels.segments
