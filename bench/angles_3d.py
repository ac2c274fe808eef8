"""The product's joint angles (inference/kinematics/angles.py) on 3D points: the truth side of
bench/angles_multiview.py. Shapes: T frames, K keypoints, N named points."""

from __future__ import annotations

import numpy as np

from bench.multiview import angle_between


def anatomical_sides(points: np.ndarray, names: tuple[str, ...], up: np.ndarray) -> np.ndarray:
    """(T, K, 3) with left and right exchanged in the frames where the body's left (hips and
    shoulders, left minus right) points to the right of its face (nose ahead of the ears' midpoint)."""
    from inference.skeleton import get_skeleton

    at = {n: points[:, names.index(n)] for n in ("nose", "left_ear", "right_ear", "left_hip", "right_hip",
                                                    "left_shoulder", "right_shoulder")}  # fmt: skip
    forward = at["nose"] - 0.5 * (at["left_ear"] + at["right_ear"])
    left = at["left_hip"] - at["right_hip"] + at["left_shoulder"] - at["right_shoulder"]
    swapped = (np.cross(up, forward) * left).sum(axis=1) < 0
    out = points.copy()
    out[swapped] = points[swapped][:, list(get_skeleton("blazepose33").mirror)]
    return out


SIDES = ("views", "face")


def set_sides(points: np.ndarray, names: tuple[str, ...], up: np.ndarray, votes: np.ndarray, sides: str
              ) -> tuple[np.ndarray, np.ndarray]:
    """(T, K, 3) 3D points triangulated with the judged view's labels, their left/right set per
    frame; and (T,) bool, the frames where that choice is in doubt.

    Two cues, independent: the face (:func:`anatomical_sides`) and the other views' own labels
    (``votes`` (T,), :func:`bench.multiview.mirror_votes`: > 0 where most matched views had to be
    mirrored, so the judged view's labels are the odd ones out). ``sides="views"``: the views'
    majority is kept; ties are in doubt (a mirror shared by half the views would pass unseen).
    ``sides="face"``: the face is kept; frames where the views' majority differs from it are in
    doubt (a tie with no flip is no doubt)."""
    from inference.skeleton import get_skeleton

    mirror = list(get_skeleton("blazepose33").mirror)
    faced = anatomical_sides(points, names, up)
    if sides == "views":
        return np.where((votes > 0)[:, None, None], points[:, mirror], points), votes == 0
    if sides == "face":
        face_flip = ~np.isclose(faced, points, equal_nan=True).all(axis=(1, 2))
        return faced, (votes > 0) != face_flip
    raise ValueError(f"sides: {sides!r}, not one of {SIDES}")


def _sagittal(u: np.ndarray, v: np.ndarray, lateral: np.ndarray) -> np.ndarray:
    """(T,) signed angle from u to v in the plane normal to ``lateral`` (the body's left),
    positive when v is forward of u for u pointing down."""
    l = lateral / np.linalg.norm(lateral, axis=1, keepdims=True)  # noqa: E741
    up = u - (u * l).sum(axis=1, keepdims=True) * l
    vp = v - (v * l).sum(axis=1, keepdims=True) * l
    return np.degrees(np.arctan2((np.cross(vp, up) * l).sum(axis=1), (up * vp).sum(axis=1)))


def angles_3d(named: np.ndarray) -> dict[str, np.ndarray]:
    """True angles (T,) degrees from 3D named points (T, N, 3), as inference/kinematics/angles.py
    defines them: knee and elbow flexion 180° − the included angle; the elevations the unsigned
    angle of arm or thigh from the trunk line; hip and shoulder flexion the same angle in the
    sagittal plane (normal to the pelvis or shoulder line), + forward; ankle dorsiflexion 90° −
    the shank-foot angle in the sagittal plane."""
    from inference.kinematics.points import point_index

    def p(name: str) -> np.ndarray:
        return named[:, point_index(name)]

    trunk_down = p("Hip") - p("Neck")
    out: dict[str, np.ndarray] = {}
    for side, s in (("right", "R"), ("left", "L")):
        pelvis, thorax = p("LHip") - p("RHip"), p("LShoulder") - p("RShoulder")
        thigh, arm = p(f"{s}Knee") - p(f"{s}Hip"), p(f"{s}Elbow") - p(f"{s}Shoulder")
        out[f"{side}_knee"] = 180.0 - angle_between(p(f"{s}Hip") - p(f"{s}Knee"), p(f"{s}Ankle") - p(f"{s}Knee"))
        out[f"{side}_elbow"] = 180.0 - angle_between(p(f"{s}Shoulder") - p(f"{s}Elbow"), p(f"{s}Wrist") - p(f"{s}Elbow"))
        out[f"{side}_hip_elevation"] = angle_between(trunk_down, thigh)
        out[f"{side}_shoulder_elevation"] = angle_between(trunk_down, arm)
        out[f"{side}_hip"] = _sagittal(trunk_down, thigh, pelvis)
        out[f"{side}_shoulder"] = _sagittal(trunk_down, arm, thorax)
        shank_up, foot = p(f"{s}Knee") - p(f"{s}Ankle"), p(f"{s}BigToe") - p(f"{s}Heel")
        out[f"{side}_ankle"] = 90.0 - np.abs(_sagittal(foot, shank_up, pelvis))
    return out
