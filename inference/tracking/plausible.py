"""Identities that are not people: skeletons the landmark model assembled from background, motion
blur or a region that drifted off its person. Judged over a whole identity (after stitching), not
per frame: a real person has poor frames too, a phantom is poor throughout.

- Visibility: the median, over the identity's frames, of the mean visibility of its body
  keypoints (BlazePose-33 11-32: shoulders to feet) under ``MIN_VISIBILITY`` 0.5 — the threshold
  below which MediaPipe itself does not draw a landmark (solutions' drawing_utils
  ``_VISIBILITY_THRESHOLD``). Measured on the four development clips after stitching: people
  0.49-0.96 (0.49: the blurred man at the end of basketball_pan_240p.mp4), the phantom lying
  across the court at 3.8-4.5 s of that clip 0.37.
- Body proportions: the median ratio of leg length (hip centre to ankle centre) to torso length
  (hip centre to shoulder centre) in the image above ``MAX_LEGS_OVER_TORSO`` 2.5. Upright, hip to
  ankle is 0.491 of body height and shoulder to hip 0.288 (Winter, "Biomechanics and Motor
  Control of Human Movement", 4th ed., 2009, table 4.1: 0.530 − 0.039 and 0.818 − 0.530), a
  ratio of 1.7; a torso leaning towards the camera by 45° still gives ≤ 2.4. Measured: people
  1.03-1.33, a fit with its torso folded onto the hips beside the player in white 3.4.

Per frame, a skeleton whose body keypoints' mean visibility is under ``MIN_FRAME_VISIBILITY`` 0.3
is left out of its identity (:func:`seen_frames`): the landmark model no longer sees a body
there — a region hanging at the frame's edge after its person left, a blurred pan (0.16-0.25 in
the last second of basketball_pan_240p.mp4). Measured on the raw landmark results of the four
development clips, skeletons on true people have 0.31 at the lowest, 0.39 at the 1st percentile.
This is done after tracking, not in the estimator: dropping such frames there loses the person,
and the re-detections split them into more tracklets (tried: the basketball athlete fell apart).
A tracklet left with fewer than the stitching's ``MIN_LINK_FRAMES`` (3) seen frames goes whole:
on basketball_pan_240p.mp4 the athlete's track kept one- and two-frame fits on the blurred
bleachers at 9.66-9.91 s, after she left the picture, which the report drew as her skeleton
(phantom skeleton-frames 8 → 5, her coverage unchanged).

Nothing here looks at the skeleton's orientation: a person upside down (a flip, a handstand) is
a person.

Arrays: poses (N, K, 3) of one identity, K = 33 (BlazePose) — other skeletons are not judged.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from inference.tracking.online import Tracklet
from inference.tracking.stitch import MIN_LINK_FRAMES

MIN_VISIBILITY = 0.5
MIN_FRAME_VISIBILITY = 0.3
MAX_LEGS_OVER_TORSO = 2.5
_BODY = slice(11, 33)
_SHOULDERS, _HIPS, _ANKLES = [11, 12], [23, 24], [27, 28]


def body_visibility(poses: np.ndarray) -> float:
    """Median over frames of the mean visibility of the body keypoints; poses (N, 33, 3)."""
    return float(np.median(np.nan_to_num(poses[:, _BODY, 2]).mean(1)))


def legs_over_torso(poses: np.ndarray) -> float:
    """Median over frames of |hips → ankles| / |hips → shoulders| (NaN where undefined)."""
    hips = poses[:, _HIPS, :2].mean(1)
    torso = np.hypot(*(poses[:, _SHOULDERS, :2].mean(1) - hips).T)
    legs = np.hypot(*(poses[:, _ANKLES, :2].mean(1) - hips).T)
    ratio = legs / np.where(torso > 0, torso, np.nan)
    ratio = ratio[np.isfinite(ratio)]
    return float(np.median(ratio)) if len(ratio) else float("nan")


def is_person(identity: Sequence[Tracklet]) -> bool:
    """Whether an identity (its tracklets) looks like a person; see the module docstring."""
    poses = np.concatenate([tr.poses for tr in identity])
    if poses.shape[1] != 33:
        return True
    if body_visibility(poses) < MIN_VISIBILITY:
        return False
    return not legs_over_torso(poses) > MAX_LEGS_OVER_TORSO


def seen_frames(identity: Sequence[Tracklet]) -> list[Tracklet]:
    """The identity without its frames under MIN_FRAME_VISIBILITY; a tracklet left with fewer than
    the stitching's MIN_LINK_FRAMES seen frames goes whole (what is left of it is a one- or
    two-frame fit, which the stitching treats as noise too)."""
    kept = []
    for tr in identity:
        seen = np.nan_to_num(tr.poses[:, _BODY, 2]).mean(1) >= MIN_FRAME_VISIBILITY
        if tr.poses.shape[1] != 33 or seen.all():
            kept.append(tr)
        elif seen.sum() >= MIN_LINK_FRAMES:
            kept.append(Tracklet(tr.track_id, tr.frames[seen], tr.times[seen], tr.poses[seen], tr.colours[seen]))
    return kept
