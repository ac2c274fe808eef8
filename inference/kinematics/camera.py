"""Camera motion: how the picture's background moves, so that positions in the ground frame (the
centre of mass path, its travel) are not presented as ground truth where the camera panned, and
foot contacts are read against the background.

The pose stage feeds every decoded frame to :class:`CameraMotion` (no second decode): the frame is
shrunk to :data:`WORK_SIDE` px, turned grey, corners outside every detected person's box are
tracked from the previous frame with pyramidal Lucas–Kanade, and the median of their
displacements is the background's shift (people and what they carry are masked out; a ball or a
passer-by outside the boxes is outvoted by the median). The shift is kept per frame in source
pixels; :func:`camera_moved_spans` turns it into statures per second of the athlete (so a pan
reads the same whatever the resolution or the athlete's distance) and into the spans where it
exceeds :data:`CAMERA_MOVED_STATURES_PER_S`, and :func:`background_track` into where the
background has moved since the first frame, so that foot contacts are read against the ground
rather than the picture (:func:`inference.kinematics.events.contacts_of`). From the same corners a
homography per frame is fitted (RANSAC): a phone that turns or zooms to follow the athlete moves
the picture by a homography, not a translation, and the feet are read against the background's
motion where they stand (:func:`athlete_track`). See docs/kinematics.md, "Camera motion".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from inference.kinematics.filters import runs

WORK_SIDE = 192  # px, the longer side of the grey frame the shift is measured on
MAX_CORNERS = 80  # corners tracked per frame (outside the people)
CORNER_QUALITY = 0.01  # cv2.goodFeaturesToTrack qualityLevel: relative to the strongest corner
CORNER_SPACING = 6  # px at WORK_SIDE between corners
LK_WINDOW = 9  # px at WORK_SIDE, Lucas–Kanade's window (3 pyramid levels follow shifts of ~30 px a frame)
MIN_CORNERS = 8  # fewer tracked corners than this: no measure for the frame (NaN)
# A corner is kept only where Lucas–Kanade, run back from where it went, returns within this many
# px at WORK_SIDE (the forward-backward check): on motion-blurred grass many corners slide
# (football_sprint_slowmo.mp4, docs/kinematics.md "Camera motion").
LK_BACK_PX = 0.5
BOX_MARGIN = 0.15  # a person's keypoint box grown by this share of its height on every side
# The homography per frame (:func:`background_homography`): RANSAC's reprojection bound at WORK_SIDE
# (the corners' distance from the fitted homography on the handheld basketball clip: 0.12 px median
# per frame, 0.36 at the 99th percentile), and the inliers it needs, twice its 8 unknowns; fewer: no
# homography for the frame (its translation stands in, :func:`athlete_track`).
HOMOGRAPHY_RANSAC_PX = 1.0
HOMOGRAPHY_MIN_INLIERS = 16
# ...and at least this share of the followed corners: a fit that only part of the background
# agrees with within HOMOGRAPHY_RANSAC_PX is no model of the camera's motion, the median shift
# stands. basketball_pan_240p (handheld, zooms, turns): 0.95-0.99 of the corners are inliers
# (p10, median over 295 frames; 0.93-0.97 before LK_BACK_PX); football_sprint_slowmo (a broadcast
# replay, motion-blurred grass): 0.52-0.61 (0.41-0.56 before), and its homography read at the feet
# was further off a grass template than the median shift (docs/kinematics.md, "Camera motion").
HOMOGRAPHY_MIN_INLIER_SHARE = 0.8
# ...and inliers spread over at least this share of the picture's width and of its height: a
# homography fitted on one cluster of corners is ill-conditioned away from it (football_sprint_
# slowmo frame 29: corners only in the top-right quarter, the athlete and the other player masked,
# the shift read at the feet 104 px off; the median shift 1 px).
HOMOGRAPHY_MIN_SPREAD = 0.5
# No homography either where the translation already explains the corners: their median distance
# from the median shift at most this (px at WORK_SIDE). Measured per frame (docs/kinematics.md,
# "Camera motion"): on the three tripod dev clips it is Lucas-Kanade's own scatter, 0.002 px median,
# 0.012 at the 99th percentile, and a homography fitted to it only adds noise, which grows towards
# the frame's edges where feet often stand (a drift of 11 px at the lab two people clip's feet over
# its 100 frames); on the handheld basketball clip it is 0.07 px at the 1st percentile, 0.16 median.
# Below it a turn's perspective or a zoom moves the feet by under 0.05 px a frame at WORK_SIDE.
HOMOGRAPHY_MIN_RESIDUAL_PX = 0.05
# What one frame's homography can do to the picture: scale it by at most this factor either way (a
# phone's zoom takes ~0.3 s to double; 1.25 in 1/30 s is far beyond it) and tilt it by at most
# MAX_PERSPECTIVE (the projective terms times WORK_SIDE: a yaw of that many radians a frame with a
# focal length of WORK_SIDE, 6 rad/s at 30 fps). A fit beyond either (corners bunched on a line or
# on one moving object) is no camera motion: the translation stands in.
MAX_FRAME_SCALE = 1.25
MAX_PERSPECTIVE = 0.2
# Smoothing of the per-frame speed before the threshold: a pan lasts seconds, a single frame's
# outlier (a flash, a blur) does not make one.
SMOOTH_S = 0.5
# A span shorter than this is not reported (the smoothing window: shorter spans are one outlier).
MIN_SPAN_S = 0.5
# "The camera moved": the background's smoothed speed over the athlete's stature in pixels.
# Measured (docs/kinematics.md, "Camera motion") on the four tripod clips (lab walk, lab two people,
# indoor, the held-out Sports2D demo — static by looking at their frames): the smoothed speed peaks
# at 0.008 statures/s, a single frame at 0.032. The threshold is 12× the smoothed peak and 3× the
# single-frame one; it is also the error that matters to a coach: 0.1 statures/s is 17.5 cm/s for a
# 1.75 m athlete, a tenth of a walk's speed. The handheld basketball clip's median frame: 0.35.
CAMERA_MOVED_STATURES_PER_S = 0.1


def _grey_small(frame: np.ndarray) -> tuple[np.ndarray, float]:
    """The frame as a grey image with its longer side WORK_SIDE px (never enlarged), and the
    factor from its pixels to the frame's."""
    height, width = frame.shape[:2]
    factor = max(1.0, max(height, width) / WORK_SIDE)
    size = (max(1, round(width / factor)), max(1, round(height / factor)))
    small = frame
    if factor >= 2.0:  # nearest pixels at twice the size, then 2 × 2 averages: 0.3 ms at 1080p, not 1.5 ms of INTER_AREA
        small = cv2.resize(frame, (2 * size[0], 2 * size[1]), interpolation=cv2.INTER_NEAREST)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    if grey.shape[1] != size[0]:
        grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(grey), width / grey.shape[1]


def people_mask(shape: tuple[int, int], people: np.ndarray, factor: float) -> np.ndarray:
    """uint8 mask of ``shape`` (rows, cols), 255 outside every person's keypoint box (grown by
    BOX_MARGIN of its height), 0 inside. ``people`` (P, K, ≥2) in the frame's pixels, NaN where
    absent; ``factor``: frame pixels per mask pixel."""
    mask = np.full(shape, 255, np.uint8)
    for person in np.asarray(people, np.float64).reshape(-1, *np.shape(people)[-2:]):
        xy = person[:, :2][np.isfinite(person[:, :2]).all(axis=1)] / factor
        if len(xy) == 0:
            continue
        (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
        pad = BOX_MARGIN * max(y1 - y0, x1 - x0, 1.0)
        r0, r1 = int(max(0, np.floor(y0 - pad))), int(min(shape[0], np.ceil(y1 + pad) + 1))
        c0, c1 = int(max(0, np.floor(x0 - pad))), int(min(shape[1], np.ceil(x1 + pad) + 1))
        mask[r0:r1, c0:c1] = 0
    return mask


def followed_corners(previous: np.ndarray, current: np.ndarray,
                     mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """((M, 2), (M, 2)): the corners of ``previous`` (grey, where ``mask`` is non-zero) and where
    Lucas-Kanade followed them in ``current``, the images' pixels, keeping those it follows back
    to within LK_BACK_PX of where they started; None when fewer than MIN_CORNERS."""
    corners = cv2.goodFeaturesToTrack(previous, MAX_CORNERS, CORNER_QUALITY, CORNER_SPACING, mask=mask)
    if corners is None or len(corners) < MIN_CORNERS:
        return None
    moved, status, _err = cv2.calcOpticalFlowPyrLK(previous, current, corners, None,  # type: ignore[call-overload]
                                                   winSize=(LK_WINDOW, LK_WINDOW), maxLevel=2)
    back, status_back, _err = cv2.calcOpticalFlowPyrLK(current, previous, moved, None,  # type: ignore[call-overload]
                                                       winSize=(LK_WINDOW, LK_WINDOW), maxLevel=2)
    returned = np.linalg.norm(back.reshape(-1, 2) - corners.reshape(-1, 2), axis=1) < LK_BACK_PX
    ok = (status.ravel() == 1) & (status_back.ravel() == 1) & returned
    if ok.sum() < MIN_CORNERS:
        return None
    return corners.reshape(-1, 2)[ok], moved.reshape(-1, 2)[ok]


def background_homography(before: np.ndarray, after: np.ndarray, size: tuple[int, int] | None = None) -> np.ndarray | None:
    """3 × 3 homography taking the corners ``before`` (M, 2, px at WORK_SIDE) to ``after`` (RANSAC
    within HOMOGRAPHY_RANSAC_PX, then refitted on the inliers); None with fewer than
    HOMOGRAPHY_MIN_INLIERS inliers or under HOMOGRAPHY_MIN_INLIER_SHARE of the corners, a
    degenerate fit, one no camera makes in a frame (MAX_FRAME_SCALE, MAX_PERSPECTIVE), or, given
    the picture's ``size`` (width, height, px at WORK_SIDE), inliers spread over less than
    HOMOGRAPHY_MIN_SPREAD of it either way."""
    if len(before) < HOMOGRAPHY_MIN_INLIERS:
        return None
    matrix, inliers = cv2.findHomography(before.astype(np.float32), after.astype(np.float32), cv2.RANSAC,
                                         HOMOGRAPHY_RANSAC_PX)
    if matrix is None or inliers is None or not np.isfinite(matrix).all():
        return None
    if int(inliers.sum()) < max(HOMOGRAPHY_MIN_INLIERS, HOMOGRAPHY_MIN_INLIER_SHARE * len(before)):
        return None
    if size is not None:
        kept = before[inliers.ravel() == 1]
        if ((kept.max(axis=0) - kept.min(axis=0)) < HOMOGRAPHY_MIN_SPREAD * np.asarray(size, np.float64)).any():
            return None
    if not matrix[2, 2] or not np.isfinite(1 / matrix[2, 2]):
        return None
    h = np.asarray(matrix, np.float64) / matrix[2, 2]
    scale = abs(float(np.linalg.det(h[:2, :2]))) ** 0.5
    perspective = float(np.abs(h[2, :2]).sum()) * WORK_SIDE
    if not (1 / MAX_FRAME_SCALE <= scale <= MAX_FRAME_SCALE) or perspective > MAX_PERSPECTIVE:
        return None  # no camera moves the picture like that in one frame (MAX_FRAME_SCALE)
    return h


def background_shift(previous: np.ndarray, current: np.ndarray, mask: np.ndarray | None = None) -> tuple[float, float]:
    """(dx, dy) the median displacement, in the images' pixels, of the corners of ``previous``
    (grey, where ``mask`` is non-zero) tracked into ``current``; NaN when too few corners."""
    pairs = followed_corners(previous, current, mask)
    if pairs is None:
        return float("nan"), float("nan")
    shift = np.median(pairs[1] - pairs[0], axis=0)
    return float(shift[0]), float(shift[1])


@dataclass
class CameraMotion:
    """Accumulates the background's shift frame by frame: ``update(frame, people, t)`` with the
    frame (BGR or grey), the people's keypoints in that frame's pixels and its time; ``scale``
    converts frame pixels to source pixels. ``seconds`` is the CPU time spent. ``h``: per frame the
    homography (3 × 3, source pixels) taking the previous frame's background to this one's, or None
    where unmeasured, where the translation explains the corners (HOMOGRAPHY_MIN_RESIDUAL_PX: a
    static camera) or with too few inliers (HOMOGRAPHY_MIN_INLIERS): the translation stands there."""

    scale: float = 1.0
    t: list[float] = field(default_factory=list)
    dx: list[float] = field(default_factory=list)
    dy: list[float] = field(default_factory=list)
    h: list[np.ndarray | None] = field(default_factory=list)
    seconds: float = 0.0
    _previous: np.ndarray | None = None
    _mask: np.ndarray | None = None

    def update(self, frame: np.ndarray, people: np.ndarray, t: float) -> None:
        import time

        start = time.perf_counter()
        grey, factor = _grey_small(frame)
        dx = dy = float("nan")
        homography = None
        if self._previous is not None and self._previous.shape == grey.shape:
            pairs = followed_corners(self._previous, grey, self._mask)
            if pairs is not None:
                moved = pairs[1] - pairs[0]
                shift = np.median(moved, axis=0)
                dx, dy = float(shift[0]), float(shift[1])
                if np.median(np.linalg.norm(moved - shift, axis=1)) > HOMOGRAPHY_MIN_RESIDUAL_PX:
                    homography = background_homography(*pairs, size=(grey.shape[1], grey.shape[0]))
        self._previous = grey
        self._mask = people_mask(grey.shape, people, factor) if np.size(people) else None
        self.t.append(float(t))
        self.dx.append(dx * factor * self.scale)
        self.dy.append(dy * factor * self.scale)
        if homography is not None:  # in source pixels: S H S^-1, S = diag(k, k, 1)
            k = factor * self.scale
            homography = homography * np.array([[1, 1, k], [1, 1, k], [1 / k, 1 / k, 1]])
        self.h.append(homography)
        self.seconds += time.perf_counter() - start

    def to_json(self) -> dict[str, Any]:
        """{"dx": [...], "dy": [...], "h": [...]}: the shift from the previous frame in source
        pixels, one per frame (0.1 px; null where unmeasured, the first frame included), and the
        homography from the previous frame (:func:`homographies`: its first 8 entries, row by row,
        the last being 1, 6 significant digits; null where there is none, see the class)."""
        def rounded(values: list[float]) -> list[float | None]:
            return [round(v, 1) if np.isfinite(v) else None for v in values]

        h = [None if m is None else [float(f"{v:.6g}") for v in m.ravel()[:8]] for m in self.h]
        return {"dx": rounded(self.dx), "dy": rounded(self.dy), "h": h}


def shift_speed(camera: dict[str, Any], t: np.ndarray) -> np.ndarray:
    """(T,) the background's speed in source pixels per second from a :meth:`CameraMotion.to_json`
    whose frames are ``t``'s (NaN where unmeasured)."""
    dx = np.array([np.nan if v is None else v for v in camera.get("dx", [])], np.float64)
    dy = np.array([np.nan if v is None else v for v in camera.get("dy", [])], np.float64)
    speed = np.full(t.shape, np.nan)
    if dx.size != t.size or t.size < 2:
        return speed
    dt = np.diff(t)
    speed[1:] = np.hypot(dx[1:], dy[1:]) / np.where(dt > 0, dt, np.nan)
    return speed


def _running_median(values: np.ndarray, t: np.ndarray, window_s: float) -> np.ndarray:
    out = np.full(values.shape, np.nan)
    half = window_s / 2
    lo = np.searchsorted(t, t - half, side="left")
    hi = np.searchsorted(t, t + half, side="right")
    for i in range(values.size):
        part = values[lo[i]:hi[i]]
        part = part[np.isfinite(part)]
        if part.size:
            out[i] = np.median(part)
    return out


def camera_speed(camera: dict[str, Any], t: np.ndarray, stature_px: np.ndarray | float) -> np.ndarray:
    """(T,) the background's speed in the athlete's statures per second, smoothed by a SMOOTH_S
    running median; NaN where unmeasured. ``stature_px``: the athlete's stature in source pixels
    (per frame, or one value); where it is unknown the clip's median stature stands in."""
    stature = np.broadcast_to(np.asarray(stature_px, np.float64), t.shape).copy()
    known = np.isfinite(stature) & (stature > 0)
    if not known.any():
        return np.full(t.shape, np.nan)
    stature[~known] = np.median(stature[known])
    return _running_median(shift_speed(camera, t) / stature, t, SMOOTH_S)


def camera_moved_spans(camera: dict[str, Any], t: np.ndarray, stature_px: np.ndarray | float,
                       threshold: float = CAMERA_MOVED_STATURES_PER_S) -> list[tuple[float, float]]:
    """[(start, end)] seconds where the smoothed background speed exceeds ``threshold`` statures
    per second for at least MIN_SPAN_S; spans closer than MIN_SPAN_S are joined."""
    speed = camera_speed(camera, t, stature_px)
    moving = np.nan_to_num(speed, nan=0.0) > threshold
    spans: list[tuple[float, float]] = []
    i = 0
    while i < moving.size:
        if not moving[i]:
            i += 1
            continue
        j = i
        while j + 1 < moving.size and moving[j + 1]:
            j += 1
        start, end = float(t[max(i - 1, 0)]), float(t[j])
        if spans and start - spans[-1][1] < MIN_SPAN_S:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        i = j + 1
    return [(round(a, 3), round(b, 3)) for a, b in spans if b - a >= MIN_SPAN_S]


def camera_summary(camera: dict[str, Any], kin: Any) -> dict[str, Any]:
    """What the kinematics section keeps of the camera's motion for the athlete of ``kin`` (a
    :class:`~inference.kinematics.core.Kinematics`): {"moved": [[start, end], ...] seconds,
    "threshold" and "peak" / "median" smoothed background speed in statures per second}."""
    from inference.kinematics.scale import stature_series

    t = np.asarray(kin.timestamps, np.float64)
    stature = stature_series(kin.points, t)
    speed = camera_speed(camera, t, stature)
    finite = speed[np.isfinite(speed)]
    return {"moved": [list(span) for span in camera_moved_spans(camera, t, stature)],
            "threshold": CAMERA_MOVED_STATURES_PER_S,
            "peak": round(float(finite.max()), 3) if finite.size else None,
            "median": round(float(np.median(finite)), 3) if finite.size else None}


# Unmeasured frames (fewer than MIN_CORNERS corners) inside a run this short take the background's
# rate from the measured frames around them: a pan lasts seconds and MIN_SPAN_S is the shortest
# motion reported, so its rate over a shorter gap is that of its ends. Over a longer gap the rate is
# unknown and the offset is held: those frames keep the picture's own motion (as before the camera
# was measured) rather than a guessed one that could move a planted foot.
FILL_GAP_S = MIN_SPAN_S


def homographies(camera: dict[str, Any] | None, frames: int) -> np.ndarray | None:
    """(T, 3, 3) the stored per-frame homographies of a :meth:`CameraMotion.to_json` (source pixels,
    the previous frame's background to this frame's), NaN where unmeasured; None when the camera
    holds none (stored before they were measured) or a measure of another frame count."""
    stored = None if camera is None else camera.get("h")
    if stored is None or len(stored) != frames:
        return None
    out = np.full((frames, 3, 3), np.nan)
    for i, entries in enumerate(stored):
        if entries is not None:
            out[i] = np.append(np.asarray(entries, np.float64), 1.0).reshape(3, 3)
    return out


def _shifts(camera: dict[str, Any], frames: int, at: np.ndarray | None) -> np.ndarray | None:
    """(T, 2) the background's shift from the previous frame, source pixels, NaN where unmeasured:
    the stored translation, or where ``at`` (T, 2) and a stored homography are known, where that
    homography takes the point ``at`` of the previous frame (the background's motion there)."""
    shift = np.array([[np.nan if v is None else v for v in camera.get(key, [])] for key in ("dx", "dy")], np.float64).T
    if shift.shape != (frames, 2):
        return None
    h = homographies(camera, frames) if at is not None else None
    if h is None or at is None:
        return shift
    before = np.asarray(at, np.float64)[:-1]
    mapped = np.einsum("tij,tj->ti", h[1:], np.concatenate([before, np.ones((frames - 1, 1))], axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        local = mapped[:, :2] / mapped[:, 2:] - before
    use = np.isfinite(local).all(axis=1)
    shift[1:][use] = local[use]
    return shift


def background_track(camera: dict[str, Any] | None, t: np.ndarray, at: np.ndarray | None = None) -> np.ndarray | None:
    """(T, 2) where the background has moved in the picture since the first frame, source pixels
    (x right, y down): the running sum of :meth:`CameraMotion.to_json`'s per-frame shifts, whose
    frames are ``t``'s. A camera panning right moves the background left: x falls. A point fixed
    to the ground is at ``picture - track`` in background-stabilised coordinates. With ``at``
    (T, 2), a place per frame in the picture (the athlete's feet: :func:`athlete_track`), each
    frame's shift is the background's motion at that place by the frame's homography (a turn moves
    the picture's sides more than its centre, a zoom moves it away from the centre), where one was
    measured; elsewhere, and without ``at`` or stored homographies, the median translation.
    Unmeasured frames: :data:`FILL_GAP_S`. None when unknown (no measure, a measure of other
    frames, or no frame measured)."""
    if camera is None or t.size < 2:
        return None
    shift = _shifts(camera, t.size, at)
    if shift is None:
        return None
    dt = np.diff(t)
    rate = np.full(shift.shape, np.nan)
    rate[1:] = shift[1:] / np.where(dt > 0, dt, np.nan)[:, None]  # px/s; frame 0 has no previous frame
    measured = np.isfinite(rate).all(axis=1)
    measured[0] = True  # the reference: the track starts at 0
    rate[0] = 0.0
    if not measured[1:].any():
        return None
    first = int(np.argmax(measured[1:])) + 1  # the first measured shift
    for start, stop in runs(~measured):
        if start > first and stop < t.size and t[stop] - t[start - 1] <= FILL_GAP_S:
            for axis in range(2):
                rate[start:stop, axis] = np.interp(t[start:stop], t[[start - 1, stop]], rate[[start - 1, stop], axis])
        else:
            rate[start:stop] = 0.0
    step = np.zeros_like(rate)
    step[1:] = rate[1:] * dt[:, None]
    return np.cumsum(step, axis=0)


def feet_place(points: np.ndarray) -> np.ndarray | None:
    """(T, 2) the mean of the feet's points (:func:`.ground.foot_points`, both sides) in ``points``
    (T, N, 2), held from the nearest frame where they are unknown; None when never seen."""
    from inference.kinematics.ground import foot_points

    feet = [xy for side in ("left", "right") for _, xy in foot_points(points, side)]
    if not feet:
        return None
    stacked = np.stack(feet)  # (F, T, 2)
    seen = np.isfinite(stacked).all(axis=2)
    count = seen.sum(axis=0)
    if not count.any():
        return None
    place = np.where(seen[..., None], stacked, 0.0).sum(axis=0) / np.maximum(count, 1)[:, None]
    known = np.flatnonzero(count > 0)
    nearest = known[np.clip(np.searchsorted(known, np.arange(count.size)), 0, known.size - 1)]
    earlier = known[np.clip(np.searchsorted(known, np.arange(count.size)) - 1, 0, known.size - 1)]
    nearest = np.where(np.abs(earlier - np.arange(count.size)) < np.abs(nearest - np.arange(count.size)), earlier, nearest)
    return place[nearest]


def athlete_track(camera: dict[str, Any] | None, kin: Any) -> np.ndarray | None:
    """The background's track (:func:`background_track`) for the athlete of ``kin`` (a
    :class:`~inference.kinematics.core.Kinematics`): each frame's shift taken where the athlete's
    feet are (:func:`feet_place` of the points foot contacts are read from, before the track), so a
    planted foot stays still under a turning or zooming camera; the median translation for frames
    without a homography and for results stored before homographies were measured."""
    return background_track(camera, np.asarray(kin.timestamps, np.float64), feet_place(kin.points_unsmoothed))
