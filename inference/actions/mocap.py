"""DeepMimic motion-capture clips → 3D joints of the action skeleton → 2D views from random cameras.

A clip (Peng et al., 2018, "DeepMimic", ACM TOG 37(4); files from pybullet's package data) is a list
of frames ``[duration, root xyz (3), root quaternion (4), chest (4), neck (4), right hip (4), right
knee angle (1), right ankle (4), right shoulder (4), right elbow angle (1), left hip (4), left knee
(1), left ankle (4), left shoulder (4), left elbow (1)]``, quaternions w, x, y, z, y up, metres, the
character facing +x with its right side towards +z. The joint offsets are read from
``humanoid.urdf`` and scaled by 0.25, the scale pybullet's DeepMimic environment loads it with.
Forward kinematics composes each joint's rotation with its parent's: x_child = x_parent +
R_parent · offset, R_child = R_parent · R_joint.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inference.actions.classes import ActionClass
from inference.actions.joints import ACTION_JOINTS, NUM_JOINTS

URDF_SCALE = 0.25
# Joint → (index of its first value in a frame, kind); kinds: "quat" (4 values), "angle" (1, about z).
_LAYOUT: tuple[tuple[str, int, str], ...] = (
    ("chest", 8, "quat"), ("neck", 12, "quat"),
    ("right_hip", 16, "quat"), ("right_knee", 20, "angle"), ("right_ankle", 21, "quat"),
    ("right_shoulder", 25, "quat"), ("right_elbow", 29, "angle"),
    ("left_hip", 30, "quat"), ("left_knee", 34, "angle"), ("left_ankle", 35, "quat"),
    ("left_shoulder", 39, "quat"), ("left_elbow", 43, "angle"),
)  # fmt: skip
# The clips and the action class each one shows.
CLIP_CLASSES: dict[str, ActionClass] = {
    "walk": ActionClass.WALK, "run": ActionClass.RUN, "jump": ActionClass.JUMP, "kick": ActionClass.KICK,
    "spinkick": ActionClass.KICK, "punch": ActionClass.PUNCH, "spin": ActionClass.SPIN,
    "cartwheel": ActionClass.CARTWHEEL, "backflip": ActionClass.BACKFLIP, "dance_a": ActionClass.DANCE,
    "dance_b": ActionClass.DANCE, "crawl": ActionClass.CRAWL, "roll": ActionClass.ROLL,
    "getup_facedown": ActionClass.GETUP, "getup_faceup": ActionClass.GETUP,
}  # fmt: skip


@dataclass(frozen=True)
class Humanoid:
    """Joint tree: per joint its parent and offset (metres) from the parent, in parent order."""

    joints: tuple[str, ...]
    parents: tuple[int, ...]  # -1 for the root
    offsets: np.ndarray  # (J, 3)

    def index(self, name: str) -> int:
        return self.joints.index(name)


def load_humanoid(urdf: Path) -> Humanoid:
    """The joint tree of DeepMimic's humanoid.urdf (pybullet_data), offsets scaled to metres."""
    text = urdf.read_bytes().replace(b"\x00", b"").decode()
    root = ET.fromstring(text)
    joints, parents, offsets = ["root"], [-1], [np.zeros(3)]
    for element in root.iter("joint"):
        name = element.get("name", "")
        parent_el, origin_el = element.find("parent"), element.find("origin")
        if name == "root" or parent_el is None or origin_el is None:
            continue
        joints.append(name)
        parents.append(joints.index(parent_el.get("link", "")))
        offsets.append(np.array([float(v) for v in origin_el.get("xyz", "0 0 0").split()]) * URDF_SCALE)
    return Humanoid(tuple(joints), tuple(parents), np.array(offsets))


@dataclass(frozen=True)
class MotionClip:
    """frames: (F, 44) as in the file; dt: seconds per frame; loop: the file's "wrap" flag."""

    name: str
    frames: np.ndarray
    dt: float
    loop: bool

    @property
    def duration(self) -> float:
        return self.dt * len(self.frames)


def load_clip(path: Path) -> MotionClip:
    data = json.loads(path.read_text())
    frames = np.asarray(data["Frames"], np.float64)
    name = re.sub(r"^humanoid3d_", "", path.stem)
    return MotionClip(name, frames, float(frames[0, 0]), data.get("Loop") == "wrap")


def quat_to_matrix(q: np.ndarray) -> np.ndarray:
    """(..., 4) unit quaternions w, x, y, z → (..., 3, 3) rotation matrices."""
    q = q / np.linalg.norm(q, axis=-1, keepdims=True)
    w, x, y, z = np.moveaxis(q, -1, 0)
    return np.stack([
        np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)], -1),
        np.stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)], -1),
        np.stack([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], -1),
    ], -2)  # fmt: skip


def _z_rotation(angle: np.ndarray) -> np.ndarray:
    c, s, o, i = np.cos(angle), np.sin(angle), np.zeros_like(angle), np.ones_like(angle)
    return np.stack([np.stack([c, -s, o], -1), np.stack([s, c, o], -1), np.stack([o, o, i], -1)], -2)


def forward_kinematics(humanoid: Humanoid, frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """frames (F, 44) → joint positions (F, J, 3) metres and world rotations (F, J, 3, 3)."""
    n, count = len(frames), len(humanoid.joints)
    local = np.tile(np.eye(3), (n, count, 1, 1))
    local[:, 0] = quat_to_matrix(frames[:, 4:8])
    for name, start, kind in _LAYOUT:
        j = humanoid.index(name)
        local[:, j] = quat_to_matrix(frames[:, start : start + 4]) if kind == "quat" else _z_rotation(frames[:, start])
    pos, rot = np.zeros((n, count, 3)), np.zeros((n, count, 3, 3))
    for j, parent in enumerate(humanoid.parents):
        if parent < 0:
            pos[:, j], rot[:, j] = frames[:, 1:4], local[:, j]
            continue
        pos[:, j] = pos[:, parent] + np.einsum("fab,b->fa", rot[:, parent], humanoid.offsets[j])
        rot[:, j] = rot[:, parent] @ local[:, j]
    return pos, rot


def clip_joints(humanoid: Humanoid, frames: np.ndarray) -> np.ndarray:
    """frames (F, 44) → (F, 15, 3) positions of :data:`ACTION_JOINTS` in metres (y up)."""
    pos, rot = forward_kinematics(humanoid, frames)
    at = {name: pos[:, humanoid.index(name)] for name in humanoid.joints}
    # The nose: front of the head sphere (centre 0.7, radius 0.41 urdf units above the neck joint).
    nose = at["neck"] + np.einsum("fab,b->fa", rot[:, humanoid.index("neck")], np.array([0.41, 0.7, 0.0]) * URDF_SCALE)
    made = {
        "Nose": nose, "Neck": (at["right_shoulder"] + at["left_shoulder"]) / 2,
        "MidHip": (at["right_hip"] + at["left_hip"]) / 2,
        **{f"{s[0].upper()}{part.capitalize()}": at[f"{s}_{joint}"] for s in ("right", "left")
           for part, joint in (("shoulder", "shoulder"), ("elbow", "elbow"), ("wrist", "wrist"),
                               ("hip", "hip"), ("knee", "knee"), ("ankle", "ankle"))},
    }  # fmt: skip
    return np.stack([made[name] for name in ACTION_JOINTS], axis=1)


def looped_frames(clip: MotionClip, count: int) -> np.ndarray:
    """At least ``count`` frames: a looping clip repeats with its root carried forward, others hold
    their last frame. (count', 44)."""
    frames = clip.frames
    if not clip.loop:
        if len(frames) >= count:
            return frames
        return np.concatenate([frames, np.repeat(frames[-1:], count - len(frames), 0)])
    shift = frames[-1, 1:4] - frames[0, 1:4]
    shift[1] = 0.0
    reps = int(np.ceil(count / len(frames)))
    out = np.tile(frames, (reps, 1))
    for r in range(1, reps):
        out[r * len(frames) : (r + 1) * len(frames), 1:4] += r * shift
    return out


def sample_clip(joints: np.ndarray, dt: float, start_s: float, fps: float, count: int) -> np.ndarray:
    """Linear resampling of clip joints (F, V, 3) at ``fps`` from ``start_s``: (count, V, 3)."""
    t = start_s + np.arange(count) / fps
    src = np.clip(t / dt, 0, len(joints) - 1)
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, len(joints) - 1)
    w = (src - lo)[:, None, None]
    return joints[lo] * (1 - w) + joints[hi] * w


@dataclass(frozen=True)
class Camera:
    """A pinhole camera looking at ``target`` from azimuth/elevation (degrees) at ``distance`` m."""

    azimuth: float
    elevation: float
    distance: float
    focal: float  # pixels
    size: tuple[int, int]  # width, height


def project(points: np.ndarray, camera: Camera, target: np.ndarray) -> np.ndarray:
    """(..., 3) world points (y up) → (..., 2) pixels (x right, y down) seen by ``camera``."""
    az, el = np.radians(camera.azimuth), np.radians(camera.elevation)
    back = np.array([np.cos(el) * np.cos(az), np.sin(el), np.cos(el) * np.sin(az)])
    eye = target + camera.distance * back
    forward = -back
    right = np.cross(forward, [0.0, 1.0, 0.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    rel = points - eye
    depth = np.maximum(rel @ forward, 0.1)
    u = camera.focal * (rel @ right) / depth + camera.size[0] / 2
    v = -camera.focal * (rel @ up) / depth + camera.size[1] / 2
    return np.stack([u, v], axis=-1)


def check_joint_count(joints: np.ndarray) -> None:
    if joints.shape[-2:] != (NUM_JOINTS, 3):
        raise ValueError(f"expected (..., {NUM_JOINTS}, 3) joints, got {joints.shape}")
