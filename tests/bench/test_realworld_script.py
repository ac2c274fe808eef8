"""bench/realworld.py: the movement a clip is analysed as, OKS sigmas per skeleton, skipped clips."""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bench import realworld
from bench.scoring.truth import load_truth
from inference.skeleton import get_skeleton

FIXTURE = Path(__file__).with_name("truth_fixture.json")


def test_movement_is_the_dominant_action_when_it_is_a_movement():
    truth = load_truth(FIXTURE)
    assert realworld.movement_for(truth) == "walk"
    other = replace(truth, actions=((0.0, 3.0, "other"), (3.0, 4.0, "jump")))
    assert realworld.movement_for(other) == "general"
    kick = replace(truth, actions=((0.0, 3.0, "kick"),))
    assert realworld.movement_for(kick) == "general"


def test_the_truths_movement_is_what_a_coach_chooses_and_wins_over_the_dominant_action():
    truth = replace(load_truth(FIXTURE), actions=((0.0, 3.0, "other"), (3.0, 4.0, "jump")), movement="jump")
    assert realworld.movement_for(truth) == "jump"
    with pytest.raises(ValueError):
        realworld.movement_for(replace(truth, movement="lunge"))  # not a product movement


def test_every_truth_file_says_the_movement_a_coach_would_choose():
    from inference.movements import Movement

    for path in sorted((Path(__file__).parents[2] / "bench" / "truth").glob("*.json")):
        movement = load_truth(path).movement
        assert movement in {m.value for m in Movement}, path.name


@pytest.mark.parametrize("skeleton", ["blazepose33", "coco18", "body25"])
def test_oks_sigmas_follow_keypoint_names(skeleton):
    sk = get_skeleton(skeleton)
    sigmas = realworld.oks_sigmas(skeleton)
    names = {"blazepose33": ("nose", "left_hip", "left_heel"), "coco18": ("Nose", "LHip", "Neck"),
             "body25": ("Nose", "LHip", "LHeel")}[skeleton]  # fmt: skip
    assert sigmas[sk.index(names[0])] == pytest.approx(0.026)
    assert sigmas[sk.index(names[1])] == pytest.approx(0.107)
    assert np.isnan(sigmas[sk.index(names[2])])
    assert np.isfinite(sigmas).sum() == 17


def test_clips_without_truth_are_listed_as_skipped(tmp_path, monkeypatch, capsys):
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "nobody_looked.mp4").write_bytes(b"")
    monkeypatch.setenv("POSECOACH_TEST_MEDIA", str(tmp_path / "media"))
    monkeypatch.setenv("POSECOACH_EVAL_DIR", str(tmp_path / "no_eval_clips"))  # not the real cache
    out = tmp_path / "scores.json"
    assert realworld.main(["--truth", str(tmp_path), "--json", str(out)]) == 0
    assert "nobody_looked.mp4: skipped (no truth file" in capsys.readouterr().out
    assert list(json.loads(out.read_text())["skipped"]) == ["nobody_looked.mp4"]


def _outputs(keypoints: np.ndarray, athlete_index: int | None) -> "realworld.ClipOutputs":
    from bench.realworld_adapter import ClipOutputs

    frames = keypoints.shape[0]
    return ClipOutputs(keypoints=keypoints, timestamps=np.arange(frames) / 30.0, track_ids=np.arange(keypoints.shape[1]),
                       skeleton="blazepose33", athlete_index=athlete_index, angle_names=(), angles=np.zeros((frames, 0)),
                       movement="general", findings=(), segment_findings=(), jumps=(), steps=(), cadence_spm=None,
                       action_segments=(), action_classes=(), action_times=np.zeros(0), action_probabilities=np.zeros((0, 0)),
                       mask_foreground=np.zeros((0, 1, 1), bool), mask_times=np.zeros(0), mask_source_size=(640, 480))  # fmt: skip


def _person(x: float, height: float) -> np.ndarray:
    pose = np.ones((33, 3), np.float32)
    pose[:, 0] = x + np.linspace(-10, 10, 33)
    pose[:, 1] = 240 + np.linspace(-height / 2, height / 2, 33)
    return pose


def test_the_athlete_choice_row_says_when_the_page_asks_the_coach():
    truth = replace(load_truth(FIXTURE), size=(640, 480))
    alike = np.stack([np.stack([_person(300, 200), _person(340, 200)])] * 10)
    label, flagged, text, _ = realworld.athlete_choice_row(_outputs(alike, 0), truth)
    assert label == "athlete choice a close call" and flagged and text.startswith("yes: the page asks the coach")
    clear = np.stack([np.stack([_person(320, 300), _person(600, 80)])] * 10)
    _, flagged, text, _ = realworld.athlete_choice_row(_outputs(clear, 0), truth)
    assert not flagged and text.startswith("no (runner-up")
    _, flagged, text, _ = realworld.athlete_choice_row(_outputs(clear[:, :1], 0), truth)
    assert not flagged and "nobody else tracked" in text
