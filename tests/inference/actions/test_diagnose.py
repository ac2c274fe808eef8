"""inference.actions.diagnose: label_actions step by step, and at which step a truth segment's
frames are lost (the table in docs/actions.md, "Why the real clips say unknown")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from inference.actions import diagnose, label_actions, load_action_model
from tests.inference.actions.test_labels import _mocap_poses
from tests.support import shared_clip
from tests.truth import load_truth


def _per_frame(segments: object, times: np.ndarray) -> list[str]:
    return [next((s.label for s in segments if s.start <= t < s.end), "unknown") for t in times]  # type: ignore[attr-defined]


def test_stages_end_in_label_actions_labels_on_a_held_out_walk(training_data: Path) -> None:
    """The step-by-step replay ends in the labels label_actions gives, frame by frame; a held-out
    camera's walk is right in most frames and, asked for jump, lost at the network."""
    poses = _mocap_poses(training_data, "walk", 6.0)
    model = load_action_model()
    st = diagnose.stages(poses, 0, model)
    assert list(st.labels) == _per_frame(label_actions(poses, 0, model=model).segments, st.times)
    walk = diagnose.lost_at(st, "walk")
    assert walk.count("right") > 0.8 * len(walk), walk
    assert set(diagnose.lost_at(st, "jump")) <= {diagnose.STEPS[2]}


@pytest.fixture(scope="module")
def lab_walk() -> object:
    from inference.pipeline import AnalysisConfig, analyze

    return analyze(shared_clip("lab_walk_portrait_60fps.mp4"), AnalysisConfig())


def test_real_lab_walk_idle_start_is_lost_at_the_network(lab_walk: object) -> None:
    """bench/truth/lab_walk_portrait_60fps.json: idle 0-0.25 s, then a sideways leg swing (other).
    The clip (1.65 s) is one window, and the network's answer for it is cartwheel (raw 0.84): the
    idle start is lost at the network, before any check; the replay agrees with label_actions."""
    poses, athlete = lab_walk.poses, lab_walk.athlete_index  # type: ignore[attr-defined]
    st = diagnose.stages(poses, athlete)
    assert list(st.labels) == _per_frame(label_actions(poses, athlete).segments, st.times)
    rows = diagnose.segment_table(st, load_truth("lab_walk_portrait_60fps.mp4")["actions"])
    assert [(label, set(counts)) for label, _, _, counts in rows] == [("idle", {diagnose.STEPS[2]})], rows


def test_real_lab_walk_without_requirements_and_distance_is_cartwheel(lab_walk: object) -> None:
    """What the checks catch on it: with the requirements and the distance to the training windows
    both left out, the network's cartwheel (0.84, above the 0.8 gate) is what the clip would say."""
    poses, athlete = lab_walk.poses, lab_walk.athlete_index  # type: ignore[attr-defined]
    skip = frozenset(diagnose.STEPS[3:5])
    assert "cartwheel" in diagnose.stages(poses, athlete, skip=skip).labels
    assert "cartwheel" not in diagnose.stages(poses, athlete).labels
