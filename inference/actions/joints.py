"""The joints the action models see: the 15 body joints of OpenPose's BODY_25 that every pose backend
and every training source has (no eyes, ears or feet), and the graph between them.

Names, their order and their limbs come from :data:`inference.skeleton.BODY25`; nothing is typed
twice. Poses of any backend reach this set through :func:`inference.skeleton.convert`.
"""

from __future__ import annotations

import numpy as np

from inference.skeleton import BODY25, convert

ACTION_JOINTS: tuple[str, ...] = BODY25.keypoints[:15]  # Nose … LAnkle, MidHip included
_BODY25_INDEX: tuple[int, ...] = tuple(BODY25.index(n) for n in ACTION_JOINTS)
NUM_JOINTS = len(ACTION_JOINTS)
ACTION_EDGES: tuple[tuple[int, int], ...] = tuple(
    (ACTION_JOINTS.index(BODY25.keypoints[a]), ACTION_JOINTS.index(BODY25.keypoints[b]))
    for a, b in BODY25.limbs
    if BODY25.keypoints[a] in ACTION_JOINTS and BODY25.keypoints[b] in ACTION_JOINTS
)
MIRROR: tuple[int, ...] = tuple(ACTION_JOINTS.index(BODY25.keypoints[BODY25.mirror[k]]) for k in _BODY25_INDEX)
CENTER = ACTION_JOINTS.index("MidHip")
NECK = ACTION_JOINTS.index("Neck")


def joint(name: str) -> int:
    return ACTION_JOINTS.index(name)


def to_action_joints(keypoints: np.ndarray, skeleton: str) -> np.ndarray:
    """(..., K, 3) keypoints of ``skeleton`` → (..., 15, 3) in :data:`ACTION_JOINTS` order."""
    body25 = keypoints if skeleton == "body25" else convert(keypoints, skeleton, "body25")
    return np.asarray(body25, np.float32)[..., list(_BODY25_INDEX), :]
