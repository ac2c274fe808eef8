"""bench/actions_evidence.py's measures on hand-made normalised windows: body-relative stillness
ignores a camera pan and sees a limb move; the gait ratio tells alternating feet from a hop."""

from __future__ import annotations

import numpy as np

from bench.actions_evidence import ANKLES, ARMS, LOWER, extent, gait_ratio
from inference.actions.joints import CENTER, NUM_JOINTS, joint

T = 40


def _standing() -> np.ndarray:
    """(3, T, V): every joint seen, a fixed upright pose (y down, torso length 1)."""
    w = np.zeros((3, T, NUM_JOINTS), np.float32)
    rng = np.random.default_rng(0)
    w[0] = rng.uniform(-0.5, 0.5, NUM_JOINTS)[None]
    w[1] = rng.uniform(-1.5, 1.5, NUM_JOINTS)[None]
    w[:2, :, CENTER] = 0.0
    w[2] = 1.0
    return w


def test_a_pan_is_not_motion_but_a_raised_arm_is() -> None:
    w = _standing()
    pan = np.linspace(0, 3, T, dtype=np.float32)
    w[0] += pan[:, None]  # the whole body slides across the picture
    assert extent(w, LOWER, 4) < 1e-6
    assert extent(w, ARMS, 1) < 1e-6
    w[1, :, joint("RWrist")] -= np.linspace(0, 1.5, T, dtype=np.float32)  # the right hand rises 1.5 torso lengths
    assert extent(w, LOWER, 4) < 1e-6
    assert 1.2 < extent(w, ARMS, 1) < 1.5


def test_unseen_joints_are_not_measured() -> None:
    w = _standing()
    w[2, :, list(ARMS)] = 0.0
    assert np.isnan(extent(w, ARMS, 1))
    w[2, : T // 2 + 1, CENTER] = 0.0  # the mid-hip seen in under half the frames: nothing is relative to it
    assert np.isnan(extent(w, LOWER, 4))


def test_gait_ratio_tells_alternating_feet_from_a_hop() -> None:
    phase = np.sin(np.linspace(0, 4 * np.pi, T)).astype(np.float32)
    left, right = ANKLES
    walk = _standing()
    walk[1, :, left] += 0.3 * np.maximum(phase, 0)
    walk[1, :, right] += 0.3 * np.maximum(-phase, 0)
    walk[1] += 0.2 * np.abs(phase)[:, None]  # the body bobs: the same for every joint, the hips included
    hop = _standing()
    hop[1, :, [left, right]] -= 0.3 * np.abs(phase)[None]  # both feet tuck together
    hop[1] += 0.5 * np.abs(phase)[:, None]
    assert gait_ratio(walk) > 2.0
    assert gait_ratio(hop) < 0.1
    hop[2, 5:, left] = 0.0
    assert np.isnan(gait_ratio(hop))


def test_an_arm_held_up_is_measured_as_held_and_high() -> None:
    from bench.actions_evidence import held_raised_s, wrist_above_nose

    w = _standing()
    wrist, shoulder, nose = joint("RWrist"), joint("RShoulder"), joint("Nose")
    w[:2, :, nose] = np.array([0.0, -1.3])[:, None]
    w[:2, :, shoulder] = np.array([0.2, -1.0])[:, None]
    w[:2, :, wrist] = np.array([0.2, 0.2])[:, None]  # hanging: below the shoulder
    w[:2, :, joint("LWrist")] = np.array([-0.2, 0.2])[:, None]
    assert held_raised_s(w) == 0.0
    assert wrist_above_nose(w) < 0
    w[:2, 10:30, wrist] = np.array([0.3, -2.2])[:, None]  # raised overhead for 20 frames (1 s at 20 fps)
    assert held_raised_s(w) == 1.0
    assert abs(wrist_above_nose(w) - 0.9) < 1e-5
