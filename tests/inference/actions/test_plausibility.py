"""Physical requirements of classes (upside down, horizontal, crouched, feet alternating, still),
the confidence gate and the tracked time, on constructed windows."""

from __future__ import annotations

import numpy as np
import pytest

from inference.actions.joints import CENTER, NECK, NUM_JOINTS, joint
from inference.actions.labels import confident, tracked_frames
from inference.actions.plausibility import (
    CLASS_REQUIREMENTS,
    MIN_ALTERNATING_MOTION,
    MIN_ALTERNATION,
    feet_alternate,
    foot_alternation,
    gate,
    horizontal,
    inverted,
    motion_extent,
    nearest_distance,
    plausible,
    posture_change,
    standing_idle,
    still,
    trunk_angles,
)
from inference.actions.segment import SegmentConfig, segments_from_labels

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
    # (walk and run are ruled out in all three: the feet never move; see the gait test below)
    assert mask.tolist() == [[True, False, False, False, False, False], [True, False, False, True, True, True],
                             [True, False, False, False, True, True]]
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


def _feet(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """A standing window whose ankles' heights (torso lengths below the mid-hip, y down) follow
    ``left`` and ``right`` (T,)."""
    window = _window(np.zeros(len(left)))
    window[1, :, joint("LAnkle")], window[1, :, joint("RAnkle")] = left, right
    return window


def test_hops_are_not_a_gait_and_strides_are() -> None:
    """Walk and run need feet that alternate: in a stride one foot lifts while the other carries
    the body; in hops, jumping jacks and jumps both feet leave and land together."""
    t = np.arange(40) / 20.0
    lift = 0.4 * np.clip(np.sin(2 * np.pi * 1.5 * t), 0, None)  # 3 lifts per second, 0.4 torso lengths
    strides = _feet(1.5 - lift, 1.5 - np.roll(lift, 7))  # the other foot half a cycle later
    hops = _feet(1.5 - lift, 1.5 - lift)
    jacks = _feet(1.5 - lift, 1.5 - lift * 0.9)  # a jumping jack's feet land a hair apart
    assert feet_alternate(strides) and not feet_alternate(hops) and not feet_alternate(jacks)
    mask = plausible(np.stack([strides, hops]), CLASSES)
    assert mask[0, CLASSES.index("run")] and not mask[1, CLASSES.index("run")]
    assert not mask[1, CLASSES.index("walk")] and mask[1, CLASSES.index("idle")]
    standing = _feet(np.full(40, 1.5), np.full(40, 1.5))  # feet still: no gait either
    assert not feet_alternate(standing)
    unseen = strides.copy()
    unseen[2, :35, joint("LAnkle")] = 0  # ankles seen together in 5 frames: not judged
    assert foot_alternation(unseen) is None and feet_alternate(unseen)


def test_a_real_walks_low_foot_lift_is_a_gait_and_still_feet_are_not() -> None:
    """People lift their feet less than the motion-capture performer: a side-view walk through
    BlazePose (Sports2D's demo video) measures 0.072-0.093 torso lengths of anti-symmetric motion,
    below the walk windows' 1st percentile (0.11). The feet need only move more than still feet do
    (idle windows' 99th percentile, :data:`MIN_ALTERNATING_MOTION`)."""
    t = np.arange(40) / 20.0
    lift = 0.2 * np.clip(np.sin(2 * np.pi * 1.0 * t), 0, None)  # a low, slow step: 0.2 torso lengths
    walk = _feet(1.5 - lift, 1.5 - np.roll(lift, 10))
    anti, ratio = foot_alternation(walk)  # type: ignore[misc]
    assert MIN_ALTERNATING_MOTION < anti < 0.11 and ratio >= MIN_ALTERNATION and feet_alternate(walk)
    noise = np.random.default_rng(0).normal(0, 0.03, (2, 40))  # keypoint noise on standing feet
    standing = _feet(1.5 + noise[0], 1.5 + noise[1])
    assert foot_alternation(standing)[0] < MIN_ALTERNATING_MOTION and not feet_alternate(standing)  # type: ignore[index]


def test_stillness_for_idle() -> None:
    window = _window(np.zeros(40))
    assert motion_extent(window) == 0.0 and still(window)
    window[0, :, joint("RWrist")] = np.linspace(-1.0, 1.0, 40)  # a wrist sweeping 2 torso lengths
    assert motion_extent(window) == pytest.approx(1.8, abs=0.01) and not still(window)
    window[2, :25, :] = 0  # seen in fewer than half of the frames: not measured
    assert motion_extent(window) is None and still(window)


def test_idle_needs_the_rest_posture_kept() -> None:
    """Idle as the idle class is in training: an arm swinging about the side is idle; the same arm
    raised and held (a reach, an embrace) ends in another posture, though it moves no farther than
    the stillness check allows."""
    t = np.arange(40) / 20.0
    rest = _window(np.full(40, 5.0))
    rest[:2, :, joint("RWrist")] = [[0.4], [0.9]]  # the hand beside the hip
    swinging = rest.copy()
    swinging[0, :, joint("RWrist")] += 0.5 * np.cos(2 * np.pi * t)  # two swings about the side
    raised = rest.copy()
    raised[:2, 20:, joint("RWrist")] = [[1.0], [-0.2]]  # from the side to chest height in front, held
    raised[:2, 10:20, joint("RWrist")] = np.linspace([0.4, 0.9], [1.0, -0.2], 10).T
    for w in (rest, swinging, raised):
        assert still(w)  # none moves farther than the idle class does
    assert posture_change(rest) == pytest.approx(0.0, abs=1e-6) and standing_idle(rest)
    swing = posture_change(swinging)
    assert swing is not None and swing < 0.2 and standing_idle(swinging)  # back where it started
    assert posture_change(raised) == pytest.approx(np.hypot(0.6, 1.1), abs=0.01) and not standing_idle(raised)
    unseen = raised.copy()
    unseen[2, 15:, :] = 0  # seen in fewer than half of the frames: not measured, not ruled out
    assert posture_change(unseen) is None and standing_idle(unseen)


def test_unsure_windows_become_unknown() -> None:
    probs = np.array([[0.85, 0.15, 0, 0, 0, 0], [0.6, 0.4, 0, 0, 0, 0], [0.0] * 6])
    out = confident(probs, SegmentConfig().min_confidence)
    assert np.allclose(out[0], probs[0]) and (out[1:] == 0).all()


def test_tracked_time_bridges_short_gaps_only() -> None:
    track = np.zeros((20, NUM_JOINTS, 3), np.float32)
    track[..., 2] = 1.0
    track[[0, 1, 8, 9, 10, 11, 12, 13, 17, 18, 19]] = (np.nan, np.nan, 0.0)  # not seen
    tracked = tracked_frames(track, max_gap=3)
    assert tracked.tolist() == [False, False] + [True] * 6 + [False] * 6 + [True] * 3 + [False] * 3


def test_a_segment_never_covers_untracked_frames() -> None:
    """A short run at the end of the track would be absorbed by its neighbour; where the athlete
    is no longer tracked it stays unknown."""
    probs = np.zeros((30, 2))
    probs[:, 0] = 1.0
    labels = np.zeros(30, int)
    labels[26:] = -1  # 4 untracked frames at the end, fewer than the shortest segment
    times = np.arange(30) / 20.0
    tracked = labels >= 0
    kept = segments_from_labels(labels, probs, times, ("kick", "idle"), 10, tracked)
    assert [(s.label, s.end) for s in kept] == [("kick", 1.3), ("unknown", 1.5)]
    absorbed = segments_from_labels(labels, probs, times, ("kick", "idle"), 10)
    assert [(s.label, s.end) for s in absorbed] == [("kick", 1.5)]  # what happened before
