"""Training windows from motion capture: DeepMimic clips (and standing rest poses with small motions
for "idle") seen by random cameras, augmented, normalised.

A window is FRAMES frames at FPS (2 s). Held-out protocol: cameras whose azimuth (around the subject,
degrees, world frame) falls in HELD_OUT_AZIMUTH never appear in training; the test set is made only
from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inference.actions import augment
from inference.actions.classes import WINDOW_CLASSES, ActionClass
from inference.actions.features import normalize, torso_length
from inference.actions.mocap import (
    CLIP_CLASSES,
    Camera,
    Humanoid,
    clip_joints,
    load_clip,
    load_humanoid,
    looped_frames,
    project,
    sample_clip,
)

ACTION_CLASSES: tuple[ActionClass, ...] = WINDOW_CLASSES
FPS = 20.0
FRAMES = 40
HELD_OUT_AZIMUTH = (45.0, 90.0)
SPEED = (0.7, 1.3)
JITTER_PROBABILITY = 0.7


@dataclass(frozen=True)
class ClipJoints:
    name: str
    joints: np.ndarray  # (F, V, 3) metres, looping clips already repeated to cover any window
    dt: float
    duration: float  # of the original clip, seconds
    loop: bool


@dataclass(frozen=True)
class MotionLibrary:
    humanoid: Humanoid
    clips: dict[str, list[ClipJoints]]  # class → clips

    @classmethod
    def load(cls, folder: Path, clip_names: tuple[str, ...] | None = None) -> MotionLibrary:
        humanoid = load_humanoid(folder / "humanoid.urdf")
        clips: dict[str, list[ClipJoints]] = {}
        for name, label in CLIP_CLASSES.items():
            if clip_names is not None and name not in clip_names:
                continue
            clip = load_clip(folder / f"humanoid3d_{name}.txt")
            need = int(np.ceil((clip.duration + FRAMES / FPS * SPEED[1] + 0.5) / clip.dt))
            frames = looped_frames(clip, need) if clip.loop else clip.frames
            clips.setdefault(label, []).append(
                ClipJoints(name, clip_joints(humanoid, frames), clip.dt, clip.duration, clip.loop))
        return cls(humanoid, clips)


def _axis_angle_quat(v: np.ndarray) -> np.ndarray:
    """(..., 3) rotation vectors (radians) → (..., 4) quaternions w, x, y, z."""
    angle = np.linalg.norm(v, axis=-1, keepdims=True)
    axis = v / np.maximum(angle, 1e-9)
    return np.concatenate([np.cos(angle / 2), axis * np.sin(angle / 2)], -1)


def idle_frames(rng: np.random.Generator, count: int, dt: float) -> np.ndarray:
    """A standing rest pose with small, slow motions (sway, head, arms): (count, 44) clip frames."""
    t = np.arange(count)[:, None] * dt
    frames = np.zeros((count, 44))
    frames[:, 0] = dt

    def slow(amplitude_deg: float) -> np.ndarray:  # (count, 3) smooth rotation vectors
        static = rng.normal(0, amplitude_deg / 2, 3)
        freq, phase = rng.uniform(0.1, 0.6, 3), rng.uniform(0, 2 * np.pi, 3)
        return np.radians(static + amplitude_deg * np.sin(2 * np.pi * freq * t + phase))

    yaw = rng.uniform(0, 2 * np.pi)
    frames[:, 1:4] = [0.0, 0.85, 0.0] + 0.02 * np.sin(2 * np.pi * rng.uniform(0.1, 0.4) * t + rng.uniform(0, 6))
    frames[:, 4:8] = _axis_angle_quat(np.array([0.0, yaw, 0.0]) + slow(3))
    amplitudes = {8: 5, 12: 12, 16: 4, 21: 4, 25: 15, 30: 4, 35: 4, 39: 15}
    for start, amplitude in amplitudes.items():
        frames[:, start : start + 4] = _axis_angle_quat(slow(amplitude))
    for start, low, high in ((20, -0.25, 0.0), (34, -0.25, 0.0), (29, 0.0, 1.2), (43, 0.0, 1.2)):
        frames[:, start] = rng.uniform(low, high) + np.radians(5) * np.sin(2 * np.pi * rng.uniform(0.1, 0.5) * t[:, 0])
    return frames


def _clip_window(clip: ClipJoints, rng: np.random.Generator) -> np.ndarray:
    """(FRAMES, V, 3) joints from a random start at a random speed; outside a non-looping clip the
    frames are NaN (a partial window)."""
    speed = rng.uniform(*SPEED)
    span = FRAMES / FPS * speed
    start = rng.uniform(0, clip.duration) if clip.loop else rng.uniform(-0.4 * span, clip.duration - 0.6 * span)
    joints = sample_clip(clip.joints, clip.dt, max(start, 0.0), FPS / speed, FRAMES)
    times = start + np.arange(FRAMES) * speed / FPS
    if not clip.loop:
        joints[(times < 0) | (times > clip.duration)] = np.nan
    return joints


def random_camera(rng: np.random.Generator, held_out: bool) -> Camera:
    lo, hi = HELD_OUT_AZIMUTH
    azimuth = rng.uniform(lo, hi) if held_out else (hi + rng.uniform(0, 360 - (hi - lo))) % 360
    size = (1080, 1920) if rng.random() < 0.5 else (1920, 1080)
    return Camera(azimuth, rng.uniform(-5, 35), rng.uniform(3.0, 9.0), rng.uniform(600, 1800), size)


def render_window(joints3d: np.ndarray, camera: Camera, rng: np.random.Generator, augmented: bool = True) -> np.ndarray:
    """(T, V, 3) metres → (T, V, 3) pixels + confidence as a pose engine would report them."""
    if augmented:
        joints3d = augment.scale_limbs(joints3d, rng)
        if rng.random() < JITTER_PROBABILITY:
            joints3d = augment.jitter_limbs(joints3d, rng)
    target = np.nanmean(joints3d[:, 8], axis=0)
    xy = project(joints3d, camera, target)
    window = np.concatenate([xy, np.ones(xy.shape[:-1] + (1,))], -1)
    window[~np.isfinite(xy).all(-1)] = (np.nan, np.nan, 0.0)
    if not augmented:
        return window
    if rng.random() < 0.5:
        window = augment.mirror(window, camera.size[0])
    window = augment.corrupt(window, rng, torso_length(window))
    return augment.partial(window, rng) if rng.random() < 0.25 else window


def sample_joints(library: MotionLibrary, label: str, rng: np.random.Generator) -> np.ndarray:
    """(FRAMES, V, 3) metres of one class."""
    if label == ActionClass.IDLE:
        from inference.actions.mocap import clip_joints as fk

        return fk(library.humanoid, idle_frames(rng, FRAMES, 1 / FPS))
    clips = library.clips[label]
    return _clip_window(clips[int(rng.integers(len(clips)))], rng)


def make_dataset(library: MotionLibrary, classes: tuple[str, ...], per_class: int, seed: int,
                 held_out: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """X (N, 3, FRAMES, V) normalised windows, y (N,) class indices; ``held_out``: test cameras."""
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for index, label in enumerate(classes):
        for _ in range(per_class):
            window = render_window(sample_joints(library, label, rng), random_camera(rng, held_out), rng)
            xs.append(normalize(window))
            ys.append(index)
    return np.stack(xs), np.array(ys, np.int64)
