"""bench/scoring/truth.py: boxes between keyframes, held near them, unknown beyond."""

from pathlib import Path

import numpy as np
import pytest

from bench.scoring.truth import HOLD_S, load_truth

FIXTURE = Path(__file__).with_name("truth_fixture.json")


@pytest.fixture
def truth():
    return load_truth(FIXTURE)


def test_box_is_interpolated_between_keyframes(truth):
    np.testing.assert_allclose(truth.person("athlete").box_at(2.0), [40, 20, 100, 180])


def test_box_is_held_near_a_keyframe_and_unknown_beyond(truth):
    athlete = truth.person("athlete")
    np.testing.assert_allclose(athlete.box_at(1.0 - HOLD_S + 0.01), [20, 20, 80, 180])
    assert athlete.box_at(1.0 - HOLD_S - 0.01) is None
    assert athlete.box_at(3.0 + HOLD_S + 0.01) is None


def test_nobody_outside_visible_ranges(truth):
    assert truth.person("other").box_at(2.5) is None
    boxes, complete = truth.boxes_at(2.5)
    assert set(boxes) == {"athlete"} and complete


def test_frame_with_a_visible_person_of_unknown_box_is_incomplete(truth):
    boxes, complete = truth.boxes_at(0.2)
    assert set(boxes) == {"other"} and not complete


def test_labels_and_dominant_action(truth):
    assert truth.label_at(1.99) == "walk" and truth.label_at(2.0) == "jump" and truth.label_at(4.0) is None
    assert truth.dominant_action() == "walk"
    assert truth.jumps == ((2.2, 2.6),) and truth.steps[1] == (1.0, "left") and truth.faults_expected is False


def test_frame_with_someone_partly_in_view_is_not_judged(truth):
    other = truth.person("other")
    edge = type(other)(id="edge", visible=(), keyframes=(), partly=((2.4, 2.6),))
    with_edge = type(truth)(**{**truth.__dict__, "people": (*truth.people, edge)})
    boxes, complete = with_edge.boxes_at(2.5)
    assert set(boxes) == {"athlete"} and not complete
    assert with_edge.boxes_at(2.7)[1] and truth.boxes_at(2.5)[1]
