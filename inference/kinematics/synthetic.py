"""A side-view stick figure posed by joint angles: known answers for tests, demos and benchmarks.

``side_view_body25(...)`` builds BODY_25 keypoints of a person seen from their right side, facing
+x (or -x), from per-frame joint angles in the same conventions as :mod:`.angles` (so
``right_knee`` computed from the result equals the ``knee`` given here). Segment lengths are in
pixels, roughly those of a 180 cm person 1000 px tall (Winter 2009, Fig. 4.1 proportions).

Shapes: T frames; every angle argument is a scalar or (T,) degrees.
"""

from __future__ import annotations

import numpy as np

from inference.posedata import PoseSequence
from inference.skeleton import BODY25_NAMES, get_skeleton, mapping

LENGTHS = {"trunk": 290.0, "head": 110.0, "thigh": 245.0, "shank": 246.0, "arm": 186.0,
           "forearm": 146.0, "heel": 50.0, "toe": 150.0}  # fmt: skip


def _unit(angle_deg: np.ndarray) -> np.ndarray:
    a = np.radians(angle_deg)
    return np.stack([np.cos(a), np.sin(a)], axis=-1)


def _leg(hip: np.ndarray, down: np.ndarray, hip_flex: np.ndarray, knee: np.ndarray, ankle: np.ndarray) -> dict[str, np.ndarray]:
    thigh = down + hip_flex
    shank = thigh - knee
    foot = shank + 90.0 + ankle
    k = hip + LENGTHS["thigh"] * _unit(thigh)
    a = k + LENGTHS["shank"] * _unit(shank)
    return {"Hip": hip, "Knee": k, "Ankle": a,
            "Heel": a - LENGTHS["heel"] * _unit(foot), "BigToe": a + LENGTHS["toe"] * _unit(foot)}  # fmt: skip


def side_view_body25(
    frames: int,
    *,
    hip_xy: np.ndarray | tuple[float, float] = (0.0, 0.0),
    trunk_lean: np.ndarray | float = 0.0,
    hip: tuple[np.ndarray | float, np.ndarray | float] = (0.0, 0.0),
    knee: tuple[np.ndarray | float, np.ndarray | float] = (0.0, 0.0),
    ankle: tuple[np.ndarray | float, np.ndarray | float] = (0.0, 0.0),
    shoulder: tuple[np.ndarray | float, np.ndarray | float] = (0.0, 0.0),
    elbow: tuple[np.ndarray | float, np.ndarray | float] = (0.0, 0.0),
    facing: float = 1.0,
    origin: tuple[float, float] = (960.0, 700.0),
) -> np.ndarray:
    """(T, 25, 3) BODY_25 keypoints in image pixels (y down), confidence 1.

    hip_xy: the pelvis centre (T, 2) or (2,) in a y-up frame relative to ``origin``.
    trunk_lean: forward lean from vertical. hip/knee/ankle/shoulder/elbow: (right, left) flexion
    (ankle: dorsiflexion). facing: +1 faces image right, -1 image left.
    """
    def arr(v: np.ndarray | float) -> np.ndarray:
        return np.broadcast_to(np.asarray(v, np.float64), (frames,)).copy()

    centre = np.broadcast_to(np.asarray(hip_xy, np.float64), (frames, 2)).copy()
    up = 90.0 - arr(trunk_lean)
    down = up - 180.0
    neck = centre + LENGTHS["trunk"] * _unit(up)
    pts = {"MidHip": centre, "Neck": neck, "Nose": neck + LENGTHS["head"] * _unit(up) + [25.0, 0.0]}
    pts["REar"] = pts["LEar"] = neck + LENGTHS["head"] * _unit(up)
    pts["REye"] = pts["LEye"] = pts["Nose"] + [-5.0, 8.0]
    for i, side in enumerate("RL"):
        leg = _leg(centre, down, arr(hip[i]), arr(knee[i]), arr(ankle[i]))
        pts.update({f"{side}{name}": xy for name, xy in leg.items()})
        pts[f"{side}SmallToe"] = leg["BigToe"]
        arm = down + arr(shoulder[i])
        elbow_xy = neck + LENGTHS["arm"] * _unit(arm)
        pts[f"{side}Shoulder"] = neck
        pts[f"{side}Elbow"] = elbow_xy
        pts[f"{side}Wrist"] = elbow_xy + LENGTHS["forearm"] * _unit(arm + arr(elbow[i]))
    out = np.ones((frames, len(BODY25_NAMES), 3))
    for k, name in enumerate(BODY25_NAMES):
        out[:, k, 0] = origin[0] + facing * pts[name][:, 0]
        out[:, k, 1] = origin[1] - pts[name][:, 1]
    return out


def on_ground(keypoints: np.ndarray, ground_y: float = 1000.0, lift_px: np.ndarray | float = 0.0) -> np.ndarray:
    """Shift each frame of BODY_25 keypoints (T, 25, 3) vertically so that its lowest foot point
    (ankles, heels, toes) is ``lift_px`` (T,) above image row ``ground_y``: a figure posed by angles
    then stands, squats or flies like a person on a floor."""
    feet = [BODY25_NAMES.index(n) for n in ("RAnkle", "LAnkle", "RHeel", "LHeel", "RBigToe", "LBigToe")]
    lowest = np.nanmax(keypoints[:, feet, 1], axis=1)
    out = keypoints.copy()
    out[..., 1] += (ground_y - np.broadcast_to(lift_px, lowest.shape) - lowest)[:, None]
    return out


def body25_to(keypoints: np.ndarray, skeleton: str) -> np.ndarray:
    """Re-express BODY_25 keypoints (T, 25, 3) in another set, copying every keypoint that the
    set's mapping to BODY_25 takes from a single source; the rest are NaN, confidence 0."""
    target = get_skeleton(skeleton)
    out = np.full(keypoints.shape[:1] + (target.num_keypoints, 3), np.nan)
    out[..., 2] = 0.0
    if skeleton == "body25":
        return keypoints.copy()
    for b, sources in enumerate(mapping(skeleton, "body25")):
        if len(sources) == 1:
            out[:, sources[0]] = keypoints[:, b]
    return out


def sequence(keypoints: np.ndarray, timestamps: np.ndarray, skeleton: str = "body25") -> PoseSequence:
    """A one-person PoseSequence of keypoints (T, K, 3) at timestamps (T,)."""
    t = np.asarray(timestamps, np.float64)
    fps = 1.0 / float(np.median(np.diff(t))) if t.size > 1 else 30.0
    return PoseSequence(keypoints=keypoints[:, None].astype(np.float32), skeleton=skeleton,
                        timestamps=t, fps=fps, size=(1920, 1080), track_ids=np.zeros(1, np.int64))  # fmt: skip
