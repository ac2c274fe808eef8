"""bench/scoring/actions.py and masks.py on synthetic segments and masks."""

from pathlib import Path

import numpy as np
import pytest

from bench.scoring import actions, masks
from bench.scoring.truth import load_truth

FIXTURE = Path(__file__).with_name("truth_fixture.json")
CLASSES = ("idle", "walk", "run", "jump")


@pytest.fixture
def truth():
    return load_truth(FIXTURE)


def probabilities(times, label, p):
    probs = np.zeros((len(times), len(CLASSES)))
    probs[:, CLASSES.index(label)] = p
    return probs


def test_actions_accuracy_unknown_and_confidently_wrong(truth):
    times = np.arange(40) / 10.0  # truth: walk 0–2, jump 2–3, other 3–4
    segments = [("walk", 0.0, 1.0, 0.9), ("run", 1.0, 2.0, 0.8), ("jump", 2.0, 2.5, 0.7), ("idle", 3.5, 4.0, 0.5)]
    probs = np.zeros((40, len(CLASSES)))
    probs[:10, 1], probs[10:20, 2], probs[20:25, 3], probs[35:, 0] = 0.9, 0.8, 0.7, 0.5
    s = actions.score_actions(times, truth.label_at, segments, CLASSES, times, probs)
    assert s.frames == 40 and s.frames_with_class == 30
    # walk 10 + jump 5 + unknown on "other" 5 (3.0–3.5) are right
    assert s.correct == 20 and s.accuracy == pytest.approx(0.5)
    assert s.unknown == 5 and s.unknown_share == pytest.approx(5 / 30)  # 2.5–3.0 on jump
    # run over walk at 0.8 is confidently wrong; idle over "other" at 0.5 is wrong, not confident
    assert s.confidently_wrong == 10


def test_masks_outside_share(truth):
    size = (400, 200)  # source; masks at 40x20: one mask pixel is 10x10 source pixels
    fg = np.zeros((40, 20, 40), bool)
    fg[:, 4:12, 6:8] = True  # inside the athlete's box at 2.0 s
    fg[:, 4:12, 25] = True  # x 250–260: nobody there
    times = np.full(40, 2.0)
    s = masks.score_masks(fg, times, size, truth.boxes_at)
    assert s.frames_scored == 40 and s.share == pytest.approx(8 / 24)


def test_masks_skip_frames_with_unknown_boxes(truth):
    fg = np.ones((2, 20, 40), bool)
    s = masks.score_masks(fg, np.array([0.2, 2.5]), (400, 200), truth.boxes_at)
    assert s.frames_scored == 1
