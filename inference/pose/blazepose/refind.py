"""Re-finding a person in a frame from their skeleton in the frame before (issue 17).

In video mode each person's next region comes from the landmark model's two auxiliary points
(:meth:`LandmarkOutput.next_roi`). When those drift — a small, blurred player dribbling, a body
turning over in a flip — the region grows or slides off the person, the landmark model's presence
falls under 0.5 and the person is dropped; the detector, run on the next frame, often proposes the
same person turned by 30–110° or not at all, so the athlete of basketball_pan_240p.mp4 was
untracked at 4.2–5.0 s. :func:`refind` rebuilds the region from the person's skeleton in a
neighbouring frame instead: a square around their visible keypoints (side ``ROI_SCALE`` times the
box's long side, as MediaPipe pads its own regions), turned so that their hip→shoulder direction
points up (an inverted or lying body gets an inverted or lying region), the same square upright,
a ``WIDER`` one turned as the body for a person who moved out of the old box, and the first one
turned a further +90°, -90° and 180° (a body that kept turning: a flip, a cartwheel). They are
tried in that order until one gives a skeleton that continues the person's.

A skeleton found so is kept only when the online tracker would link it to the person: OKS with
the neighbouring skeleton at least the tracker's ``min_similarity``, κ widened for one missed
frame (:class:`inference.tracking.online.TrackerConfig`). An upside-down fit over the same body
shares no keypoint positions with it and fails this. The tracking stage uses it to fill the gaps
of identities offline (:mod:`inference.tracking.refill`); doing it inside the online pass was
tried and not kept (docs/tracking.md).

Poses are (33, 3) x, y frame pixels and visibility, the form the tracking stage sees.
"""

from __future__ import annotations

import numpy as np

from inference.pose.blazepose.landmarks import ROI_SCALE, LandmarkModel, Roi, normalize_radians
from inference.tracking.geometry import box_scale, oks, pose_box
from inference.tracking.online import TrackerConfig

WIDER = 1.5  # the third region's side over the first's: a person who moved up to a quarter of the box
# side each way since the neighbouring frame stays inside it (not fitted: chosen before measuring)
_HIPS, _SHOULDERS = [23, 24], [11, 12]
_TRACKER = TrackerConfig()  # the online pass's own linking rule


def body_rotation(pose: np.ndarray) -> float:
    """ROI rotation (radians, as :func:`roi_from_points`) that turns the hip→shoulder direction up."""
    hip, shoulder = pose[_HIPS, :2].mean(0), pose[_SHOULDERS, :2].mean(0)
    dx, dy = float(shoulder[0] - hip[0]), float(shoulder[1] - hip[1])
    return normalize_radians(np.pi / 2 - np.arctan2(-dy, dx))


def refind_rois(pose: np.ndarray) -> list[Roi]:
    """Regions to look for a person in, from their skeleton in a neighbouring frame: around their
    visible keypoints turned as their body was, upright, 1.5x wider turned as their body was, and
    turned by a further +90°, -90° and 180°."""
    box = pose_box(pose)
    if box is None:
        xy = pose[:, :2]
        box = np.concatenate([np.nanmin(xy, 0), np.nanmax(xy, 0)])
    cx, cy = float(box[0] + box[2]) / 2, float(box[1] + box[3]) / 2
    side = ROI_SCALE * float(max(box[2] - box[0], box[3] - box[1], 1.0))
    turn = body_rotation(pose)
    turned = [Roi(cx, cy, side, normalize_radians(turn + a)) for a in (np.pi / 2, -np.pi / 2, np.pi)]
    return [Roi(cx, cy, side, turn), Roi(cx, cy, side, 0.0), Roi(cx, cy, side * WIDER, turn), *turned]


def continuity(last: np.ndarray, found: np.ndarray, config: TrackerConfig = _TRACKER) -> float:
    """OKS of ``found`` with the neighbouring frame's skeleton ``last`` when the online tracker would
    link them after one missed frame (κ widened as the tracker widens it), else 0."""
    kappa = min(config.kappa + config.kappa_per_miss, config.max_kappa)
    similarity = oks(last, found, box_scale(last), kappa)
    return similarity if similarity >= config.min_similarity else 0.0


def refind(landmarks: LandmarkModel, frame_bgr: np.ndarray, last: np.ndarray) -> np.ndarray | None:
    """The person whose skeleton in a neighbouring frame is ``last`` (33, 3), looked for in
    ``frame_bgr`` (module docstring): the first region's skeleton that continues ``last``, the
    regions tried in the order of :func:`refind_rois`; None when none does."""
    if not np.isfinite(last[_HIPS + _SHOULDERS, :2]).all():
        return None
    for roi in refind_rois(last):
        found = landmarks.run(frame_bgr, roi)
        if found is None:
            continue
        pose = found.landmarks[:, [0, 1, 3]].astype(np.float32)
        if continuity(last, pose) > 0:
            return pose
    return None
