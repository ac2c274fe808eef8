"""Motion-capture truth for the event detectors: DeepMimic clips → 3D body and foot points, true foot
contacts, steps and flights from them, and 2D views through pinhole cameras with pose-engine noise.

Used by ``bench/events_mocap.py`` (the unscored evaluation of ``inference.kinematics.events``).

- Clips: :mod:`inference.actions.mocap` (DeepMimic, pybullet_data; y up, metres). Looping clips are
  repeated with each pass moved on by one whole cycle — the root's advance from the first to the
  last frame, times F / (F − 1), since the last frame is one frame short of the cycle — so a
  planted foot slides by at most ~1.5 cm at the seams (the clips' first and last poses differ).
- Feet: the humanoid's foot is a box on the ankle joint (``humanoid.urdf``, link ``*_ankle``:
  centre (0.18, −0.09, 0), size 0.708 × 0.22 × 0.36 urdf units, scaled by 0.25); the heel and the
  toe are the back and front of its sole's centre line.
- True contact: the heel or the toe is below :data:`CONTACT_HEIGHT_M` and slides along the ground
  plane slower than :data:`CONTACT_SPEED_M_S` (a point on the floor does not slide; the forefoot
  dropping after a heel strike moves down, not along), on the clip resampled at
  :data:`TRUTH_RATE_HZ`; gaps shorter than :data:`GLITCH_S` are bridged and contacts shorter than
  :data:`CONTACT_MIN_S` dropped. A foot gliding along the floor is not on it (a boxer's drag step
  moves the foot as a step does).
  A touch-down (the heel strike, or the toe's in a forefoot landing) is the start of a contact, a
  lift-off its end.
- True steps: a touch-down after the foot was off the ground while the other foot stood for
  :data:`TWO_FOOTED_S` or more, :data:`STEP_MIN_DISPLACEMENT_M` or more from where it lifted. True jumps: times with no
  foot on the ground lasting :data:`FLIGHT_MIN_S` or more, both soles rising :data:`FLIGHT_RISE_M`
  or more, whose two lift-offs are within
  :data:`TWO_FOOTED_S` of each other (a running stride's rear foot left a whole swing after the
  other: not a jump), from the second lift-off to the first touch-down.

Shapes: T frames, V points, 3 coordinates (metres) or 2 (pixels).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inference.actions.mocap import (
    URDF_SCALE,
    Camera,
    Humanoid,
    forward_kinematics,
    load_clip,
    load_humanoid,
    project,
)
from inference.kinematics.filters import runs
from inference.skeleton import get_skeleton

# Sole centre line of the foot box, ankle frame, metres (module docstring).
HEEL = np.array([0.18 - 0.354, -0.09 - 0.11, 0.0]) * URDF_SCALE
TOE = np.array([0.18 + 0.354, -0.09 - 0.11, 0.0]) * URDF_SCALE
# Head sphere (centre 0.7 urdf units above the neck joint, radius 0.41): nose in front, ears at the sides.
NOSE = np.array([0.41, 0.7, 0.0]) * URDF_SCALE
EARS = {"right": np.array([0.0, 0.7, 0.41]) * URDF_SCALE, "left": np.array([0.0, 0.7, -0.41]) * URDF_SCALE}
TRUTH_RATE_HZ = 240.0
# Contact thresholds, measured on the clips (walk, run, jump; scratch exploration, 2026-11-30): the
# lowest foot point of a standing foot stays within −6…+5 cm of y = 0 (the retargeted soles sink into
# the floor in the run, and the box's toe edge lifts by up to 5 cm as the heel rises before the
# jump) and moves at ≤ 0.4 m/s; a swinging foot moves along the ground at 2-3.6 m/s where it passes
# 2-3 cm above it (walking swing) and comes to rest within one capture frame of touching it.
CONTACT_HEIGHT_M = 0.08
CONTACT_SPEED_M_S = 0.5
CONTACT_MIN_S = 0.03
# Gaps in a contact up to this long are bridged: the capture's feet glitch sideways by up to 10 cm
# in one frame now and then (walk, left foot at heel strike; one frame is 1/30 s in walk and run).
GLITCH_S = 0.05
STEP_MIN_DISPLACEMENT_M = 0.10
FLIGHT_MIN_S = 0.1
# Both soles rise at least this high in a flight (above the floor's ±2 cm capture noise in stance).
FLIGHT_RISE_M = 0.05
TWO_FOOTED_S = 0.15
SIDES = ("right", "left")
G = 9.81


@dataclass(frozen=True)
class Motion:
    """t: (T,) seconds; points: {blazepose33 keypoint name: (T, 3) metres}; feet: {side: (T, 2, 3)
    heel and toe}; dt: the capture's frame interval, seconds."""

    name: str
    t: np.ndarray
    points: dict[str, np.ndarray]
    feet: dict[str, np.ndarray]
    dt: float


def _stitched(pos: np.ndarray, rot: np.ndarray, passes: int) -> tuple[np.ndarray, np.ndarray]:
    """(F·passes, J, 3) positions and (F·passes, J, 3, 3) rotations of a looping clip repeated
    ``passes`` times, each pass moved on by one whole cycle (module docstring). No turn is added:
    the pelvis yaws ±7° within a walking cycle, so its first and last frames' headings do not
    measure a net turn."""
    frames = pos.shape[0]
    advance = (pos[-1, 0] - pos[0, 0]) * frames / (frames - 1)
    advance[1] = 0.0
    return (np.concatenate([pos + k * advance for k in range(passes)]), np.concatenate([rot] * passes))


def load_motion(folder: Path, name: str, seconds: float, humanoid: Humanoid | None = None) -> Motion:
    """The clip ``name`` (looping clips repeated to cover ``seconds``; others as they are) as body
    and foot points."""
    humanoid = humanoid or load_humanoid(folder / "humanoid.urdf")
    clip = load_clip(folder / f"humanoid3d_{name}.txt")
    pos, rot = forward_kinematics(humanoid, clip.frames)
    if clip.loop:
        pos, rot = _stitched(pos, rot, int(np.ceil(seconds / clip.duration)) + 1)
    at = {j: pos[:, humanoid.index(j)] for j in humanoid.joints}
    turn = {j: rot[:, humanoid.index(j)] for j in humanoid.joints}

    def on(joint: str, offset: np.ndarray) -> np.ndarray:
        return at[joint] + np.einsum("fab,b->fa", turn[joint], offset)

    points = {"nose": on("neck", NOSE)}
    feet = {}
    for side in SIDES:
        points[f"{side}_ear"] = on("neck", EARS[side])
        for part in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle"):
            points[f"{side}_{part}"] = at[f"{side}_{part}"]
        points[f"{side}_index"] = at[f"{side}_wrist"]
        feet[side] = np.stack([on(f"{side}_ankle", HEEL), on(f"{side}_ankle", TOE)], axis=1)
        points[f"{side}_heel"], points[f"{side}_foot_index"] = feet[side][:, 0], feet[side][:, 1]
    t = np.arange(pos.shape[0]) * clip.dt
    keep = t <= seconds + 1e-9
    return Motion(name, t[keep], {k: v[keep] for k, v in points.items()}, {k: v[keep] for k, v in feet.items()}, clip.dt)


def resample(x: np.ndarray, t: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Linear resampling along the first axis of x (T, ...) from times t to ``at``."""
    flat = x.reshape(x.shape[0], -1)
    return np.stack([np.interp(at, t, flat[:, i]) for i in range(flat.shape[1])], axis=1).reshape((at.size,) + x.shape[1:])


@dataclass(frozen=True)
class Truth:
    """contact: {side: (N,) bool} at times t (N,) (TRUTH_RATE_HZ); steps: ((touch-down s, side), ...);
    jumps: ((take-off s, landing s), ...); flights: every time without a foot on the ground
    (take-off, landing), jumps among them."""

    t: np.ndarray
    contact: dict[str, np.ndarray]
    steps: tuple[tuple[float, str], ...]
    jumps: tuple[tuple[float, float], ...]
    flights: tuple[tuple[float, float], ...]


def _contact(feet: np.ndarray, t: np.ndarray) -> np.ndarray:
    """(N,) bool: the heel or the toe (N, 2, 3) low and not sliding (module docstring)."""
    height = feet[..., 1]  # (N, 2)
    sliding = np.linalg.norm(np.gradient(feet[..., [0, 2]], t, axis=0), axis=-1)  # ground-plane speed
    on = ((height < CONTACT_HEIGHT_M) & (sliding < CONTACT_SPEED_M_S)).any(axis=1)
    for first, stop in runs(~on):  # short gaps inside a contact: noise of the capture
        if first > 0 and stop < on.size and t[stop] - t[first] < GLITCH_S:
            on[first:stop] = True
    for first, stop in runs(on):
        if t[stop - 1] - t[first] < CONTACT_MIN_S:
            on[first:stop] = False
    return on


def motion_truth(motion: Motion) -> Truth:
    t = np.arange(motion.t[0], motion.t[-1], 1.0 / TRUTH_RATE_HZ)
    feet = {side: resample(motion.feet[side], motion.t, t) for side in SIDES}
    contact = {side: _contact(feet[side], t) for side in SIDES}
    steps = []
    for side in SIDES:
        other = contact["left" if side == "right" else "right"]
        for first, stop in runs(~contact[side]):
            if first == 0 or stop == t.size or other[first:stop].sum() / TRUTH_RATE_HZ < TWO_FOOTED_S:
                continue  # the other foot never stood alone: a jump's take-off or landing
            ground_plane = (feet[side][stop] - feet[side][first - 1])[:, [0, 2]]  # heel and toe, x and z
            moved = float(np.linalg.norm(ground_plane, axis=1).mean())
            if moved >= STEP_MIN_DISPLACEMENT_M:
                steps.append((float(t[stop]), side))
    flights, jumps = [], []
    airborne = ~(contact["right"] | contact["left"])
    for first, stop in runs(airborne):
        if first == 0 or stop == t.size or t[stop] - t[first] < FLIGHT_MIN_S:
            continue
        if min(feet[side][first:stop, :, 1].min(axis=1).max() for side in SIDES) < FLIGHT_RISE_M:
            continue  # a foot glided along the floor: no flight
        flights.append((float(t[first]), float(t[stop])))
        # when each foot left: the end of its last contact before the flight
        left_at = [np.flatnonzero(contact[s][:first]) for s in SIDES]
        if all(f.size for f in left_at) and abs(float(t[left_at[0][-1]] - t[left_at[1][-1]])) <= TWO_FOOTED_S:
            jumps.append((float(t[first]), float(t[stop])))
    return Truth(t, contact, tuple(sorted(steps)), tuple(jumps), tuple(flights))


def implausible_flights(motion: Motion, truth: Truth) -> list[tuple[float, float]]:
    """The truth's flights during which the hips rise less than half of what a body in the air that
    long must rise, g T² / 8 (Bosco et al., 1983): feet hovering above y = 0 while the body is
    supported (the capture's floor is not where the feet stand, or hands carry the body)."""
    hips = (motion.points["right_hip"][:, 1] + motion.points["left_hip"][:, 1]) / 2
    out = []
    for a, b in truth.flights:
        start, middle, end = np.interp([a, (a + b) / 2, b], motion.t, hips)
        if middle - (start + end) / 2 < 0.5 * G * (b - a) ** 2 / 8:
            out.append((a, b))
    return out


def render(motion: Motion, camera: Camera, fps: float, rng: np.random.Generator, noise: float,
           spikes: float = 0.003) -> tuple[np.ndarray, np.ndarray]:
    """BlazePose-33 keypoints (T, 33, 3) — pixels and a confidence — of the motion seen by a static
    ``camera`` aimed at the middle of its path, sampled at ``fps``, and their timestamps (T,).
    ``noise``: the standard deviation of every point's jitter in statures (the athlete's height in
    the picture); ``spikes``: the share of points thrown 0.05-0.15 statures off (a wrong fit)."""
    names = get_skeleton("blazepose33").keypoints
    t = np.arange(motion.t[0], motion.t[-1], 1.0 / fps)
    target = np.concatenate([p for p in motion.points.values()]).mean(axis=0)
    keypoints = np.full((t.size, len(names), 3), np.nan)
    keypoints[..., 2] = 0.0
    for name, xyz in motion.points.items():
        keypoints[:, names.index(name), :2] = project(resample(xyz, motion.t, t), camera, target)
        keypoints[:, names.index(name), 2] = 0.9
    head = keypoints[:, names.index("nose"), :2]
    ankles = keypoints[:, [names.index("right_ankle"), names.index("left_ankle")], :2].mean(axis=1)
    stature = float(np.median(np.linalg.norm(head - ankles, axis=1))) * 1.1
    seen = np.isfinite(keypoints[..., 0])
    keypoints[..., :2] += rng.normal(0.0, noise * stature, keypoints[..., :2].shape)
    wild = seen & (rng.random(seen.shape) < spikes)
    direction = rng.normal(size=(int(wild.sum()), 2))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    keypoints[wild, :2] += direction * rng.uniform(0.05, 0.15, (int(wild.sum()), 1)) * stature
    width, height = camera.size
    outside = (keypoints[..., 0] < 0) | (keypoints[..., 0] >= width) | (keypoints[..., 1] < 0) | (keypoints[..., 1] >= height)
    keypoints[outside] = (np.nan, np.nan, 0.0)
    return keypoints, t
