"""Team classes end to end: a few labelled ranges of real clips → a fine-tuned model, its
cross-validated confusion matrix, saved and loaded back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.support import shared_clip


@pytest.fixture(scope="module")
def athletes() -> dict[str, tuple[np.ndarray, float]]:
    """(T, K, 3) athlete keypoints and fps of two real clips."""
    from inference.pipeline import AnalysisConfig, analyze

    out = {}
    for name in ("lab_walk_portrait_60fps.mp4", "lab_two_people_portrait_60fps.mp4", "indoor_two_people_1080p.mp4"):
        result = analyze(shared_clip(name), AnalysisConfig(until="athlete"))
        keypoints = result.athlete_keypoints()
        assert keypoints is not None
        out[name] = (keypoints, result.poses.fps)
    return out


def test_team_training_learns_new_classes_from_a_few_ranges(athletes: dict[str, tuple[np.ndarray, float]],
                                                            tmp_path: Path) -> None:
    from inference.actions import LabelledRange, load_action_model, train_team_model

    walk, walk_fps = athletes["lab_walk_portrait_60fps.mp4"]
    walk2, walk2_fps = athletes["lab_two_people_portrait_60fps.mp4"]
    grab, grab_fps = athletes["indoor_two_people_1080p.mp4"]
    # The same side step filmed twice (two videos: folds by video); the grab once (folds by time).
    ranges = [
        LabelledRange(walk, walk_fps, "side_step", "lab"),
        LabelledRange(walk2, walk2_fps, "side_step", "lab_two"),
        LabelledRange(grab, grab_fps, "grab", "indoor"),
    ]
    messages: list[str] = []
    base = load_action_model()
    result = train_team_model(ranges, seed=0, progress=lambda f, m: messages.append(m), previous=base)
    assert result.classes[: len(base.classes)] == base.classes
    assert result.classes[len(base.classes) :] == ("side_step", "grab")
    assert np.array(result.confusion).shape == (len(result.classes),) * 2
    assert sum(map(sum, result.confusion)) > 0 and 0.0 <= result.accuracy <= 1.0
    assert result.folds[0]["how"] == {"side_step": "by video (2 videos)", "grab": "by time (one video)"}
    assert result.previous_accuracy == 0.0  # the base model knows neither class
    assert result.beats_previous and messages[-1] == "done"
    paths = result.save(tmp_path / "v1")
    assert {p.name for p in paths} == {"model.json", "model.weights.h5", "replay.npz"}
    loaded = load_action_model(tmp_path / "v1")
    assert loaded.classes == result.classes and loaded.metrics["cross_validation"]["accuracy"] == result.accuracy
    # The final model recognises the ranges it was taught.
    from inference.actions import label_actions
    from inference.posedata import PoseSequence

    poses = PoseSequence(grab[:, None], "blazepose33", np.arange(len(grab)) / grab_fps, grab_fps, (1920, 1080))
    labels = label_actions(poses, 0, model=loaded)
    longest = max(labels.segments, key=lambda s: s.end - s.start)
    assert longest.label == "grab", (labels.segments, result.accuracy, result.confusion[-2:])
