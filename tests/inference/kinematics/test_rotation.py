"""Fits that would need a segment to turn faster than a human can (inference.kinematics.rotation):
an upside-down fit for a frame or two is flagged and taken out of the angles, ranges of motion and
foot points; a real somersault, turning continuously at physical rates, stays whole."""

from __future__ import annotations

import numpy as np
import pytest

from inference.feedback.measures import range_of_motion
from inference.kinematics import KinematicsConfig, compute_kinematics
from inference.kinematics.points import point_index
from inference.kinematics.rotation import BODY_MAX_DEG_S, chord, implausible_rotations, reachable
from inference.kinematics.synthetic import sequence, side_view_body25
from inference.skeleton import BODY25_NAMES

FPS = 30.0
RIGHT = KinematicsConfig(facing="right")  # a somersault turns toes and heels over: keep one side


def standing(frames: int, fps: float = FPS, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A person about 1000 px tall standing and swaying a little, with 3 px of keypoint jitter."""
    t = np.arange(frames) / fps
    sway = 5.0 * np.sin(2 * np.pi * 0.5 * t)
    kp = side_view_body25(frames, trunk_lean=sway, hip=(10.0 + sway, 5.0), knee=(10.0, 15.0),
                          shoulder=(20.0, -10.0), elbow=(30.0, 20.0))  # fmt: skip
    kp[..., :2] += np.random.default_rng(seed).normal(0.0, 3.0, kp[..., :2].shape)
    return kp, t


def upside_down(kp: np.ndarray, frames: list[int]) -> np.ndarray:
    """The same fit turned upside down about the pelvis in ``frames`` (head at the feet, feet in
    the air, left and right exchanged as a pose model's inverted fit shows them)."""
    out = kp.copy()
    hip = BODY25_NAMES.index("MidHip")
    pairs = [(k, BODY25_NAMES.index("L" + n[1:])) for k, n in enumerate(BODY25_NAMES) if n.startswith("R")]
    for f in frames:
        out[f, :, 1] = 2 * kp[f, hip, 1] - kp[f, :, 1]
        for right, left in pairs:
            out[f, [right, left]] = out[f, [left, right]]
    return out


def test_a_segment_vector_may_move_by_its_turning_chord_plus_noise() -> None:
    assert chord(60.0) == pytest.approx(1.0)
    assert chord(400.0) == pytest.approx(2.0)  # capped at a half turn
    v = np.array([0.0, -300.0])  # a 300 px trunk, upright (y down)
    turned = np.array([300.0 * np.sin(np.radians(40)), -300.0 * np.cos(np.radians(40))])
    assert reachable(v, turned, 1 / 30, 300.0, 1000.0, BODY_MAX_DEG_S)  # 40° in 1/30 s: 1200°/s
    assert not reachable(v, -v, 1 / 30, 300.0, 1000.0, BODY_MAX_DEG_S)  # 180° in 1/30 s: 5400°/s
    assert reachable(v, -v, 3 / 30, 300.0, 1000.0, BODY_MAX_DEG_S)  # in 0.1 s a half turn is possible


@pytest.mark.parametrize("inverted", [[30], [30, 31], list(range(30, 36))])
def test_an_upside_down_fit_of_a_few_frames_is_flagged_and_left_out(inverted: list[int]) -> None:
    kp, t = standing(60)
    kin = compute_kinematics(sequence(upside_down(kp, inverted), t), 0, RIGHT)
    assert np.flatnonzero(kin.implausible["trunk"]).tolist() == inverted
    assert not any(v.any() for name, v in kin.implausible.items() if name != "trunk")
    # The whole frame's fit is out: every point absent there (interpolated, confidence 0) ...
    assert (kin.point_confidence[inverted] == 0).all()
    trunk = kin.angle_names.index("trunk")
    assert (kin.angle_confidence[inverted, trunk] == 0).all()
    # ... so the trunk stays upright (90° ± the sway) and its range of motion is the sway's.
    assert np.nanmax(np.abs(kin.angle("trunk") - 90.0)) < 15.0
    assert range_of_motion(kin, "trunk") < 20.0
    feet = [point_index(n) for n in ("RAnkle", "LAnkle", "RBigToe", "LBigToe")]
    assert np.nanmax(kin.points[:, feet, 1]) - np.nanmin(kin.points[:, feet, 1]) < 60.0  # feet never in the air

    # Without the check those frames count as measured (the outlier filter replaces up to three
    # frames' points by their neighbours' median, confidence kept), and a longer wrong fit reads a
    # half turn of the trunk: the test can fail.
    unchecked = compute_kinematics(sequence(upside_down(kp, inverted), t), 0,
                                   KinematicsConfig(facing="right", rotation_check=False))  # fmt: skip
    assert (unchecked.angle_confidence[inverted, trunk] > 0.5).any()
    if len(inverted) > 3:
        assert np.nanmax(np.abs(unchecked.angle("trunk") - 90.0)) > 60.0


@pytest.mark.parametrize("rate", [720.0, 1500.0])
def test_a_continuous_backflip_at_physical_rates_stays_whole(rate: float) -> None:
    # Standing 0.5 s, a tucked backflip (one turn at ``rate`` deg/s, hips rising and falling on a
    # parabola), standing again: every frame kept, the trunk turning through the whole circle.
    frames_flip = int(round(360.0 / rate * FPS))
    frames = 15 + frames_flip + 15
    t = np.arange(frames) / FPS
    lean = np.zeros(frames)
    lean[15 : 15 + frames_flip] = -np.arange(frames_flip) * rate / FPS
    lean[15 + frames_flip :] = -360.0
    tuck = np.where(lean != 0, 110.0, 5.0)
    lift = np.zeros(frames)
    u = np.linspace(0.0, 1.0, frames_flip)
    lift[15 : 15 + frames_flip] = 400.0 * 4 * u * (1 - u)
    hip_xy = np.stack([np.zeros(frames), lift], axis=1)
    kp = side_view_body25(frames, hip_xy=hip_xy, trunk_lean=lean, hip=(tuck, tuck), knee=(tuck, tuck))
    kp[..., :2] += np.random.default_rng(1).normal(0.0, 3.0, kp[..., :2].shape)
    kin = compute_kinematics(sequence(kp, t), 0, RIGHT)
    assert not any(v.any() for v in kin.implausible.values()), {n: np.flatnonzero(v) for n, v in kin.implausible.items()}
    trunk = kin.angle("trunk")
    assert np.isfinite(trunk).all()
    assert np.nanmax(trunk) - np.nanmin(trunk) > 330.0  # unwrapped: one whole turn, shown as such
    assert (kin.angle_confidence[:, kin.angle_names.index("trunk")] > 0.5).all()


def test_a_forearm_flipped_for_two_frames_is_flagged_where_the_frame_rate_can_tell() -> None:
    # A forearm can turn at 7500°/s (a pitcher's arm): between two frames at 30 fps that is more
    # than a half turn, so nothing can be refused there; at 240 fps a flip is 30 times too fast.
    for fps, expect in ((240.0, [40, 41]), (30.0, [])):
        kp, t = standing(80, fps=fps, seed=2)
        elbow, wrist = BODY25_NAMES.index("RElbow"), BODY25_NAMES.index("RWrist")
        for f in (40, 41):
            kp[f, wrist, :2] = 2 * kp[f, elbow, :2] - kp[f, wrist, :2]
        flags = implausible_rotations(*_named(kp, t))
        assert np.flatnonzero(flags["right_forearm"]).tolist() == expect, fps
        assert not flags["trunk"].any()


def test_keypoint_jitter_on_a_still_person_flags_nothing() -> None:
    kp, t = standing(300, seed=3)
    flags = implausible_rotations(*_named(kp, t))
    assert not any(v.any() for v in flags.values())


def _named(kp: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from inference.kinematics.points import named_points

    xy, _ = named_points(kp, "body25")
    return xy, t


def test_the_flags_are_stored_with_the_kinematics(tmp_path) -> None:  # noqa: ANN001
    from inference.kinematics import Kinematics

    kp, t = standing(40)
    kin = compute_kinematics(sequence(upside_down(kp, [20]), t), 0, RIGHT)
    kin.save(tmp_path / "k.npz")
    back = Kinematics.load(tmp_path / "k.npz")
    assert set(back.implausible) == set(kin.implausible)
    assert all((back.implausible[n] == v).all() for n, v in kin.implausible.items())
    assert kin.to_dict()["implausible_frames"]["trunk"] == 1
