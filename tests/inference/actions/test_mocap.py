"""DeepMimic motion capture: forward kinematics, cameras, synthetic windows."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from inference.actions.joints import ACTION_EDGES, ACTION_JOINTS
from inference.actions.mocap import (
    Camera,
    clip_joints,
    load_clip,
    load_humanoid,
    project,
    quat_to_matrix,
)


def test_quaternions_give_rotations() -> None:
    q = np.random.default_rng(0).normal(size=(50, 4))
    r = quat_to_matrix(q)
    np.testing.assert_allclose(r @ np.swapaxes(r, -1, -2), np.broadcast_to(np.eye(3), r.shape), atol=1e-9)
    np.testing.assert_allclose(np.linalg.det(r), 1.0, atol=1e-9)


def test_forward_kinematics_keeps_bone_lengths(training_data: Path) -> None:
    humanoid = load_humanoid(training_data / "humanoid.urdf")
    for name in ("walk", "cartwheel", "getup_faceup"):
        joints = clip_joints(humanoid, load_clip(training_data / f"humanoid3d_{name}.txt").frames)
        for a, b in ACTION_EDGES:
            if {ACTION_JOINTS[a], ACTION_JOINTS[b]} in ({"Neck", "MidHip"}, {"Neck", "Nose"}):
                continue  # span the chest or neck joint: not one rigid link
            lengths = np.linalg.norm(joints[:, a] - joints[:, b], axis=-1)
            assert lengths.min() > 0.05
            np.testing.assert_allclose(lengths, lengths[0], rtol=1e-6)
    # A standing frame: the head above the hips above the ankles, about 1.5 m tall.
    y = clip_joints(humanoid, load_clip(training_data / "humanoid3d_walk.txt").frames[:1])[0, :, 1]
    assert y[ACTION_JOINTS.index("Nose")] > y[ACTION_JOINTS.index("MidHip")] > y[ACTION_JOINTS.index("LAnkle")]
    assert 1.3 < y[ACTION_JOINTS.index("Nose")] - y[ACTION_JOINTS.index("LAnkle")] < 1.8


def test_projection_puts_up_at_the_top_and_the_target_in_the_middle() -> None:
    camera = Camera(azimuth=30, elevation=10, distance=5, focal=1000, size=(1080, 1920))
    target = np.array([0.0, 1.0, 0.0])
    uv = project(np.stack([target, target + [0, 0.5, 0]]), camera, target)
    np.testing.assert_allclose(uv[0], [540, 960], atol=1e-6)
    assert uv[1, 1] < uv[0, 1]


def test_synthetic_windows_are_normalised(training_data: Path) -> None:
    from inference.actions.synth import FRAMES, MotionLibrary, make_dataset

    library = MotionLibrary.load(training_data, clip_names=("walk", "roll"))
    x, y = make_dataset(library, ("idle", "walk", "roll"), 5, seed=1)
    assert x.shape == (15, 3, FRAMES, 15) and list(np.bincount(y)) == [5, 5, 5]
    assert np.isfinite(x).all() and np.abs(x[:, :2]).max() <= 6.0
    x2, _ = make_dataset(library, ("idle", "walk", "roll"), 5, seed=1)
    np.testing.assert_array_equal(x, x2)  # seeded
