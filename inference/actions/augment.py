"""Augmentation of training windows: what makes motion capture look like phone video through a
pose engine. 3D: limb-length scaling, slow random turns of the arms, head and trunk. 2D:
mirroring, keypoint noise, drop-outs of keypoints, runs and frames (as BlazePose and OpenPose lose
joints), partial windows (a person entering or leaving). Speed changes (±30 %) are made when the
clip is sampled (:mod:`inference.actions.synth`).

Arrays: joints3d (T, V, 3) metres; window (T, V, 3) x, y pixels and a confidence.
"""

from __future__ import annotations

import numpy as np

from inference.actions.joints import ACTION_EDGES, CENTER, MIRROR, NECK, NUM_JOINTS, joint


def _tree_order() -> list[tuple[int, int]]:
    """Edges (parent, child) in breadth-first order from the mid-hip."""
    order, seen, frontier = [], {CENTER}, [CENTER]
    while frontier:
        nxt = []
        for p in frontier:
            for a, b in ACTION_EDGES:
                for u, v in ((a, b), (b, a)):
                    if u == p and v not in seen:
                        order.append((u, v))
                        seen.add(v)
                        nxt.append(v)
        frontier = nxt
    return order


_TREE = _tree_order()


def scale_limbs(joints3d: np.ndarray, rng: np.random.Generator, spread: float = 0.12) -> np.ndarray:
    """Every bone scaled by its own factor in [1-spread, 1+spread] (left and right alike), keeping
    the mid-hip where it is. (T, V, 3) → (T, V, 3)."""
    factors = rng.uniform(1 - spread, 1 + spread, NUM_JOINTS)
    factors = (factors + factors[list(MIRROR)]) / 2
    out = joints3d.copy()
    for parent, child in _TREE:
        out[:, child] = out[:, parent] + factors[child] * (joints3d[:, child] - joints3d[:, parent])
    return out


def mirror(window: np.ndarray, width: float) -> np.ndarray:
    """The window of the horizontally flipped image: x → width - x, left and right swapped."""
    out = window[:, list(MIRROR)].copy()
    out[..., 0] = width - out[..., 0]
    return out


def corrupt(window: np.ndarray, rng: np.random.Generator, torso_px: float) -> np.ndarray:
    """Noise, confidences and drop-outs like a pose engine's. (T, V, 3) → (T, V, 3)."""
    out = window.copy()
    t, v = out.shape[:2]
    out[..., :2] += rng.normal(0, rng.uniform(0.0, 0.06) * torso_px, (t, v, 2))
    out[..., 2] = rng.uniform(0.5, 1.0, (t, v))
    lost = rng.random((t, v)) < rng.uniform(0.0, 0.08)
    for _ in range(rng.poisson(1.0)):  # a joint lost for a run of frames (occlusion)
        j, start = rng.integers(v), rng.integers(t)
        lost[start : start + rng.integers(3, max(4, t // 2)), j] = True
    frame_lost = np.asarray(rng.random(t) < rng.uniform(0.0, 0.08))
    lost |= frame_lost[:, None]
    out[lost] = (np.nan, np.nan, 0.0)
    return out


def partial(window: np.ndarray, rng: np.random.Generator, min_fraction: float = 0.4) -> np.ndarray:
    """Keep one contiguous part (at least ``min_fraction`` of the frames) and mark the rest absent."""
    t = len(window)
    keep = int(rng.integers(max(1, int(min_fraction * t)), t + 1))
    start = int(rng.integers(0, t - keep + 1))
    out = window.copy()
    out[:start] = (np.nan, np.nan, 0.0)
    out[start + keep :] = (np.nan, np.nan, 0.0)
    return out


def _descendants(joint: int) -> list[int]:
    out, frontier = [], [joint]
    while frontier:
        children = [c for p, c in _TREE if p in frontier]
        out += children
        frontier = children
    return out


def _smooth_rotations(rng: np.random.Generator, frames: int, degrees: float) -> np.ndarray:
    """(T, 3, 3) slowly varying rotations: an offset plus a slow oscillation, at most ``degrees``."""
    t = np.arange(frames)[:, None]
    vector = rng.normal(0, 0.5, 3) + np.sin(2 * np.pi * t * rng.uniform(0.005, 0.05, 3) + rng.uniform(0, 6, 3))
    vector *= np.radians(degrees) / np.maximum(np.abs(vector).max(), 1e-9)
    angle = np.linalg.norm(vector, axis=-1)[:, None, None]
    axis = vector / np.maximum(np.linalg.norm(vector, axis=-1, keepdims=True), 1e-9)
    k = np.zeros((frames, 3, 3))
    k[:, 0, 1], k[:, 0, 2], k[:, 1, 2] = -axis[:, 2], axis[:, 1], -axis[:, 0]
    k = k - np.swapaxes(k, 1, 2)
    return np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * (k @ k)  # Rodrigues


def jitter_limbs(joints3d: np.ndarray, rng: np.random.Generator, degrees: float = 25.0,
                 trunk: float = 0.3, legs: float = 0.0) -> np.ndarray:
    """Limbs turned at their joints by slow random rotations (people move differently while doing
    the same action): each edge from the mid-hip outwards rotates the child's subtree about the
    parent by up to ``degrees`` (arms, head), ``trunk`` × degrees (trunk, shoulder girdle) or
    ``legs`` × degrees (thighs and shanks; the pelvis itself stays). (T, V, 3) → (T, V, 3)."""
    out = joints3d.copy()
    leg_joints = {j for p, c in _TREE if p == CENTER and c != NECK for j in (c, *_descendants(c))}
    for parent, child in _TREE:
        if parent == CENTER and child != NECK:
            continue  # the hip joints are the pelvis, not a limb
        if child in leg_joints:
            scale = legs
        elif parent == CENTER or (parent == NECK and child != joint("Nose")):
            scale = trunk
        else:
            scale = 1.0
        if scale <= 0:
            continue
        rotation = _smooth_rotations(rng, len(out), degrees * scale)
        moved = [child, *_descendants(child)]
        rel = out[:, moved] - out[:, parent : parent + 1]
        out[:, moved] = out[:, parent : parent + 1] + np.einsum("tab,tvb->tva", rotation, rel)
    return out
