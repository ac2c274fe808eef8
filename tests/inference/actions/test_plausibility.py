"""Physical requirements of classes and the step evidence, on constructed windows."""

from __future__ import annotations

import numpy as np

from inference.actions.joints import CENTER, NECK, NUM_JOINTS, joint
from inference.actions.labels import gait_steps, step_evidence
from inference.actions.plausibility import (
    CLASS_REQUIREMENTS,
    gate,
    horizontal,
    inverted,
    nearest_distance,
    plausible,
    trunk_angles,
)
from inference.kinematics.events import Event

CLASSES = ("idle", "walk", "run", "cartwheel", "crawl", "getup")


def _window(trunk_deg: np.ndarray) -> np.ndarray:
    """(3, T, V): mid-hip at 0, neck one torso length away at ``trunk_deg`` from image up (y down),
    nose beyond the neck, ankles 1.5 torso lengths below the mid-hip."""
    t = len(trunk_deg)
    out = np.zeros((3, t, NUM_JOINTS), np.float32)
    out[2] = 1.0
    a = np.radians(trunk_deg)
    direction = np.stack([np.sin(a), -np.cos(a)])
    out[:2, :, NECK] = direction
    out[:2, :, joint("Nose")] = 1.3 * direction
    out[:2, :, CENTER] = 0.0
    out[1, :, joint("LAnkle")] = out[1, :, joint("RAnkle")] = 1.5  # standing: hips well above the ankles
    return out


def test_trunk_angle_is_measured_from_image_up() -> None:
    angles = trunk_angles(_window(np.array([0.0, 45.0, 90.0, 180.0])))
    assert np.allclose(angles, [0, 45, 90, 180], atol=1e-3)


def test_upright_window_rules_out_cartwheel_and_crawl() -> None:
    upright = _window(np.linspace(0, 45, 40))  # a lean, never over
    assert not inverted(upright) and not horizontal(upright)
    flipping = _window(np.linspace(0, 360, 40) % 360)
    assert inverted(flipping) and horizontal(flipping)
    lying = _window(np.full(40, 85.0))
    assert horizontal(lying) and not inverted(lying)
    mask = plausible(np.stack([upright, flipping, lying]), CLASSES)
    assert mask.tolist() == [[True, True, True, False, False, False], [True] * 6, [True, True, True, False, True, True]]
    assert set(CLASS_REQUIREMENTS) >= {"cartwheel", "backflip", "crawl", "roll", "getup"}


def test_gate_renormalises_or_gives_unknown() -> None:
    mask = np.array([[True, True, True, False, False, False]] * 2)
    probs = np.array([[0.1, 0.5, 0.0, 0.4, 0.0, 0.0], [0.05, 0.05, 0.06, 0.84, 0.0, 0.0]])
    out = gate(probs, mask)
    assert np.allclose(out[0], [1 / 6, 5 / 6, 0, 0, 0, 0]) and (out[1] == 0).all()


def test_nearest_distance() -> None:
    replay = np.array([[0.0, 0.0], [3.0, 4.0]])
    assert np.allclose(nearest_distance(np.array([[3.0, 4.0], [0.0, 1.0]]), replay), [0.0, 1.0])


def test_a_squat_keeps_getup() -> None:
    squat = _window(np.full(40, 20.0))
    ankle_y = np.where(np.arange(40) % 20 < 10, 1.5, 0.8)  # hips 1.5 then 0.8 torso lengths above
    squat[1, :, joint("LAnkle")] = squat[1, :, joint("RAnkle")] = ankle_y
    mask = plausible(squat[None], CLASSES)[0]
    assert mask[CLASSES.index("getup")] and not mask[CLASSES.index("crawl")]
    squat[1, :, joint("LAnkle")] = squat[1, :, joint("RAnkle")] = 1.5  # standing throughout
    assert not plausible(squat[None], CLASSES)[0][CLASSES.index("getup")]


def _step(start: float, end: float, side: str | None = "right") -> Event:
    return Event("step", start, end, side)


def test_steps_make_unsure_windows_walk_or_run() -> None:
    probs = np.array([[0.0] * 6, [0.3, 0.2, 0.2, 0.2, 0.1, 0], [0.9, 0.1, 0, 0, 0, 0], [0.0] * 6])
    spans = np.array([[0.0, 2.0], [0.0, 2.0], [0.0, 2.0], [5.0, 7.0]])
    walking = [_step(0.3, 0.7, "left"), _step(0.8, 1.2, "right")]  # 0.5 s apart: 120 steps/min
    out = step_evidence(probs, spans, walking, CLASSES)
    assert out[0].argmax() == 1 and np.isclose(out[0, 1], 0.6)
    assert out[1].argmax() == 1 and np.isclose(out[1].sum(), 1.0)
    assert np.allclose(out[2], probs[2]) and np.allclose(out[3], probs[3])  # sure / no steps inside
    running = [_step(0.1, 0.3, "right"), _step(0.45, 0.65, "left"), _step(0.8, 1.0, "right")]  # 171/min
    assert step_evidence(probs[:1], spans[:1], running, CLASSES)[0].argmax() == 2
    assert (step_evidence(probs[:1], spans[:1], walking[:1], CLASSES) == 0).all()  # one step: no cadence


def test_swings_of_one_foot_are_not_a_gait() -> None:
    """A leg swung out and back (or kicks, stomps) moves one foot twice: no alternation, no walk."""
    probs, spans = np.zeros((1, 6)), np.array([[0.0, 2.0]])
    same_foot = [_step(0.3, 0.7, "right"), _step(0.8, 1.2, "right")]
    assert (step_evidence(probs, spans, same_foot, CLASSES) == 0).all()
    no_side = [_step(0.3, 0.7, None), _step(0.8, 1.2, None)]
    assert (step_evidence(probs, spans, no_side, CLASSES) == 0).all()
    # a gait with a missed step inside keeps its longest alternating run: right, left (walk)
    broken = [_step(0.1, 0.3, "right"), _step(0.5, 0.7, "right"), _step(1.0, 1.2, "left")]
    assert [e.end for e in gait_steps(broken)] == [0.7, 1.2]
    assert step_evidence(probs, spans, broken, CLASSES)[0].argmax() == 1
