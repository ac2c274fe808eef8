"""Named body points for kinematics, resolved once per keypoint set.

Angles, the centre of mass and events are defined on *named* points, never on array indices, so the
same definitions work for BlazePose-33 and for OpenPose COCO-18/BODY_25 output. The names are
OpenPose BODY_25's (what Sports2D and Pose2Sim use) plus three that BODY_25 lacks:

- ``Hip``: Sports2D's name for the pelvis centre, i.e. BODY_25's ``MidHip``;
- ``Head``: the midpoint of the ears (a proxy for Sports2D's head point, which HALPE-26 has and our
  keypoint sets do not);
- ``LIndex`` / ``RIndex``: BlazePose's index-finger points (absent for OpenPose).

Every BODY_25 name is resolved through :func:`inference.skeleton.mapping`, the project's one
definition of how keypoint sets relate.

Shapes: T frames, K source keypoints, N named points (:data:`POINT_NAMES`).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from inference.skeleton import BODY25_NAMES, get_skeleton, mapping

# Points that are not BODY_25 keypoints: for each source set, the source keypoints (midpoint).
_EXTRA_POINTS: dict[str, dict[str, tuple[str, ...]]] = {
    "Hip": {"body25": ("MidHip",), "coco18": ("LHip", "RHip"), "blazepose33": ("left_hip", "right_hip")},
    "Head": {"body25": ("LEar", "REar"), "coco18": ("LEar", "REar"), "blazepose33": ("left_ear", "right_ear")},
    "LIndex": {"blazepose33": ("left_index",)},
    "RIndex": {"blazepose33": ("right_index",)},
}  # fmt: skip

POINT_NAMES: tuple[str, ...] = BODY25_NAMES + tuple(_EXTRA_POINTS)


@cache
def point_sources(skeleton: str) -> tuple[tuple[int, ...], ...]:
    """For each of :data:`POINT_NAMES`, the indices of ``skeleton``'s keypoints it is made of
    (one: copied; two: midpoint; none: always absent)."""
    src = get_skeleton(skeleton)
    body25 = mapping(skeleton, "body25")
    extra = tuple(
        tuple(src.index(n) for n in table.get(skeleton, ())) for table in _EXTRA_POINTS.values()
    )
    return body25 + extra


def point_index(name: str) -> int:
    """Index of a named point along the N axis."""
    try:
        return POINT_NAMES.index(name)
    except ValueError:
        raise KeyError(f"{name!r} is not a named point; known: {', '.join(POINT_NAMES)}") from None


def named_points(keypoints: np.ndarray, skeleton: str) -> tuple[np.ndarray, np.ndarray]:
    """Gather the named points of one person.

    keypoints: (T, K, 3) x, y pixels and confidence of ``skeleton``, NaN x/y where absent.
    Returns xy (T, N, 2) float64 (NaN where any source is absent) and confidence (T, N) float64,
    the lowest confidence of the sources (0 where absent).
    """
    keypoints = np.asarray(keypoints, np.float64)
    if keypoints.ndim != 3 or keypoints.shape[-1] != 3:
        raise ValueError(f"expected keypoints (T, K, 3), got {keypoints.shape}")
    sources = point_sources(skeleton)
    frames = keypoints.shape[0]
    xy = np.full((frames, len(sources), 2), np.nan)
    conf = np.zeros((frames, len(sources)))
    for n, idx in enumerate(sources):
        if not idx:
            continue
        picked = keypoints[:, list(idx)]
        xy[:, n] = picked[..., :2].mean(axis=1)
        conf[:, n] = np.nan_to_num(picked[..., 2]).min(axis=1)
    conf[~np.isfinite(xy).all(axis=-1)] = 0.0
    return xy, conf
