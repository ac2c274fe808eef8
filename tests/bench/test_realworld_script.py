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
    out = tmp_path / "scores.json"
    assert realworld.main(["--truth", str(tmp_path), "--json", str(out)]) == 0
    assert "nobody_looked.mp4: skipped (no truth file" in capsys.readouterr().out
    assert list(json.loads(out.read_text())["skipped"]) == ["nobody_looked.mp4"]
