"""Person masks over a video: post-processing, compact storage, the athlete's mask and silhouette.

NumPy and OpenCV only (no TensorFlow). Axes: T frames, P people, K keypoints; (h, w) the working
resolution (:func:`working_size`), (W, H) the source frame in display orientation.

Post-processing of the network's per-frame probabilities (:class:`TemporalSmoother`,
:func:`clean`): a centred three-frame average weighted by time (½ for the frame, ¼ for each
neighbour closer than ``NEIGHBOUR_S``; it removes one-frame flicker and delays the stream by one
frame only), a 0.5 threshold, and removal of specks smaller than ``MIN_COMPONENT`` of the frame.

Each foreground pixel inside a tracked person's box (the box of their keypoints grown by
``BOX_MARGIN``) and within ``REACH`` of their skeleton (limb segments) belongs to the person
whose skeleton is nearest (:func:`assign_people`); the athlete's mask is the pixels assigned to
the athlete. The reach keeps out someone the pose model lost while they overlap the athlete
(an embrace) and stray foreground beside the athlete.

The frame's foreground itself is gated by the people the pose stage found (:func:`person_gate`):
only pixels inside some person's keypoint box grown by ``GATE_MARGIN`` stay foreground, so the
background (a wall, the floor, a goal post) is never a person, and a frame without people has an
empty mask; and of those, only the pixels some person is given (within ``REACH`` of their skeleton)
stay: BlazePose's own person masks lie within REACH of their skeleton for 99.7 % of their pixels
(docs/segmentation.md, "The reach, measured"). The cost: pixels of a person the pose stage did not
find are lost. Every found person's :func:`body_core` is foreground, and the athlete's is in the
athlete's mask, whatever the network says (:func:`people_pixels`).

Another person's head is never the athlete's: the pixels within a head's height of the face
keypoints of anyone else found in the frame (:func:`head_zone`) leave the athlete's mask, except
the athlete's own core. Where two heads touch (an embrace) the face keypoints of both can sit off
their faces, and a face of one lay nearer the other's skeleton (docs/segmentation.md, "Other
people's heads").
"""

from __future__ import annotations

import json
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import cv2
import numpy as np

MULTIPLE = 32
NEIGHBOUR_S = 0.1
MIN_COMPONENT = 0.0005  # of the frame's pixels
BOX_MARGIN = 0.15  # of the keypoints' box height, on every side
# Of the keypoints' box (its larger side): farthest a person's pixel lies from their skeleton.
# Measured (docs/segmentation.md, "The reach, measured"): BlazePose's own person masks over 396
# person-frames of the development clips have 99.7 % of their pixels within 0.15 (mean over
# person-frames; the 99th percentile distance per person-frame: median 0.095, 95th pct 0.164).
REACH = 0.15
# Of the keypoints' box (its larger side), on every side: the frame's foreground is kept only this
# close to a person's box. Measured (docs/segmentation.md): BlazePose's own person mask reaches
# beyond its confident keypoints' box by at most 0.19 of the box (99th percentile 0.157) over 396
# person-frames of the development clips.
GATE_MARGIN = 0.2
MIN_KEYPOINT_CONFIDENCE = 0.3
# Of the athlete's keypoint box (its larger side): the width of the band along each limb between
# confident keypoints that is taken as the athlete's own whatever the network says
# (:func:`body_core`) — about a forearm's breadth near the wrist, the thinnest limb (~5 cm on a
# 1.7 m adult). Measured with bench/segmentation_athlete.py (docs/segmentation.md, "The athlete's
# core"): 0.02, 0.03 and 0.04 were tried; at 0.04 the band spilt beyond the teacher's mask of the
# athlete on the portrait lab clips (lab walk precision of the athlete's mask 0.90 → 0.83).
CORE_WIDTH = 0.03
# Working pixels: the thinnest band drawn. A one-pixel line upsampled (bilinear) to the source
# frame falls below one half a source pixel or so from its centre, and a keypoint rounded to the
# working grid lies up to half a working pixel off it, so a far athlete's limb (one or two
# working pixels across) was blurred at its own keypoints (the basketball clip, 426x240 → 192x96).
MIN_CORE_PX = 2
HEAD_PARTS = ("nose", "eye", "ear", "mouth")  # keypoint names (any skeleton) that outline the head
# Of a person's keypoint box (its larger side, about their stature when upright): the head's
# height, vertex to chin, 0.130 of stature (Drillis & Contini 1966, via Winter 2009, Fig. 4.1).
# Every pixel of a head lies within about this of any face keypoint on it, wherever on the face
# the keypoints were fitted (:func:`head_zone`).
HEAD_HEIGHT = 0.130
# Seconds between the two frames that have the athlete (the gap's last frame before and first
# frame after) across which the frames without them get their keypoints interpolated linearly
# (:class:`TrackedPeople`), so a tracked athlete the pose model misses for a few frames is not
# blurred for those frames (a flicker a coach sees). Measured (docs/segmentation.md, "Short gaps
# and lost people", bench/segmentation_gaps.py): over spans of 0.25 s linear interpolation puts a
# person's keypoints (median over frames of each frame's 90th percentile keypoint) within
# 0.017-0.084 of their box's larger side of where the pose stage found them on the four
# development clips, well inside REACH (0.15); at 0.5 s the basketball clip is at 0.114.
BRIDGE_S = 0.25
# Seconds a person the pose stage lost while away from the frame's border (they cannot have
# walked out of the picture) is held at their last skeleton, so that the athlete's mask does not
# take the pixels nearer to it than to the athlete's skeleton (the athlete's core stays theirs):
# the tracking stage's own bound on how long a person may be unseen and still be there
# (inference.tracking.stitch.StitchConfig.max_gap: "a player hidden behind another for a
# second"). In the embrace at the end of indoor_two_people_1080p.mp4 the pose stage finds one of
# the two men, and his face, within REACH of the athlete's skeleton, went to the athlete.
HOLD_S = 2.0
HOLD_EDGE = 0.05  # of the frame's width / height: a last skeleton this close to the border may have left
# A track whose skeletons lie this close to the athlete's limbs (on-body distance over the
# athlete's box scale, :func:`inference.tracking.geometry.on_body_distance`, median over the
# frames that have both) is the athlete's own body fitted a second time, not someone else, and is
# never held: inference/tracking/geometry.py measured two fits of one person at 0.054 (median) and
# 0.118 (95th percentile), two different people at ≥ 0.071 (5th percentile 0.15). A phantom the
# tracker kept on the held-out sports2d_demo clip (a small fit on the athlete's torso, medians
# 0.06-0.1 per frame) was held for 2 s and took the athlete's legs out of his mask.
REMNANT_DISTANCE = 0.118
REMNANT_SAMPLES = 100  # frames, spread evenly over those with both, the median is taken over (~0.4 ms each)
CONTOUR_SCALE = 10000  # contour coordinates are integers: fraction of the frame × this


def working_size(width: int, height: int, long_side: int) -> tuple[int, int]:
    """(w, h) of the working resolution for a (width, height) frame: the long side ``long_side``,
    the short side scaled alike, both rounded to the nearest multiple of 32 (at least 32). The
    aspect ratio may change slightly (1920x1080 → 192x96); the network is convolutional and is
    trained on frames resized the same way."""
    scale = long_side / max(width, height)
    w = max(MULTIPLE, int(round(width * scale / MULTIPLE)) * MULTIPLE)
    h = max(MULTIPLE, int(round(height * scale / MULTIPLE)) * MULTIPLE)
    return w, h


class TemporalSmoother:
    """Centred 3-tap smoothing of a stream of (h, w) probabilities: push (prob, t), get back the
    previous frame smoothed (or None for the first); ``flush()`` returns the last one."""

    def __init__(self) -> None:
        self._frames: list[tuple[np.ndarray, float]] = []

    def _smoothed(self, k: int) -> tuple[np.ndarray, float]:
        prob, t = self._frames[k]
        total, weight = 0.5 * prob, 0.5
        for j in (k - 1, k + 1):
            if 0 <= j < len(self._frames) and abs(self._frames[j][1] - t) <= NEIGHBOUR_S:
                total = total + 0.25 * self._frames[j][0]
                weight += 0.25
        return total / weight, t

    def push(self, prob: np.ndarray, t: float) -> tuple[np.ndarray, float] | None:
        self._frames.append((prob.astype(np.float32), float(t)))
        if len(self._frames) > 3:
            self._frames.pop(0)
        return self._smoothed(len(self._frames) - 2) if len(self._frames) >= 2 else None

    def flush(self) -> tuple[np.ndarray, float] | None:
        return self._smoothed(len(self._frames) - 1) if self._frames else None


def clean(prob: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """(h, w) probability → bool mask without connected components smaller than MIN_COMPONENT."""
    mask = (prob >= threshold).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < max(1.0, MIN_COMPONENT * mask.size)
    small[0] = True  # background label
    return ~small[labels]


def person_boxes(people: np.ndarray, scale: tuple[float, float], size: tuple[int, int],
                 margin_fraction: float = BOX_MARGIN) -> np.ndarray:
    """people (P, K, 3) source pixels → (P, 4) float32 xmin, ymin, xmax, ymax in working pixels,
    grown by ``margin_fraction`` of the box (its larger side) and clipped to the frame; NaN where a
    person is absent (fewer than two keypoints above MIN_KEYPOINT_CONFIDENCE)."""
    boxes = np.full((len(people), 4), np.nan, np.float32)
    for p, person in enumerate(people):
        ok = np.isfinite(person[:, :2]).all(1) & (np.nan_to_num(person[:, 2]) > MIN_KEYPOINT_CONFIDENCE)
        if ok.sum() < 2:
            continue
        xy = person[ok, :2] * np.array(scale)
        low, high = xy.min(0), xy.max(0)
        margin = margin_fraction * max(high[1] - low[1], high[0] - low[0], 1.0)
        boxes[p] = [max(0, low[0] - margin), max(0, low[1] - margin),
                    min(size[0], high[0] + margin), min(size[1], high[1] + margin)]  # fmt: skip
    return boxes


def person_gate(people: np.ndarray, scale: tuple[float, float], size: tuple[int, int]) -> np.ndarray:
    """(h, w) bool: where a person can be — inside the keypoint box of one of ``people`` (P, K, 3,
    source pixels) grown by GATE_MARGIN; all False when nobody was found. size (w, h)."""
    w, h = size
    gate = np.zeros((h, w), bool)
    for box in person_boxes(people, scale, size, GATE_MARGIN):
        if np.isfinite(box).all():
            x0, y0 = max(0, int(np.floor(box[0]))), max(0, int(np.floor(box[1])))
            gate[y0:int(np.ceil(box[3])), x0:int(np.ceil(box[2]))] = True
    return gate


def body_core(person: np.ndarray, names: Sequence[str], limbs: Sequence[tuple[int, int]],
              scale: tuple[float, float], size: tuple[int, int], width: float = CORE_WIDTH) -> np.ndarray:
    """(h, w) bool: the pixels a person's confident keypoints say are theirs — each limb between two
    confident keypoints drawn ``width`` (of the keypoints' box, its larger side) wide, the torso
    (shoulders and hips) filled, and the hull of the head's keypoints (HEAD_PARTS) filled and joined
    to the shoulders' centre. All False when fewer than two keypoints are confident.

    person (K, 3) source pixels; names (K,) the skeleton's keypoint names; scale source → working;
    size (w, h)."""
    w, h = size
    core = np.zeros((h, w), np.uint8)
    xy = np.nan_to_num(person[:, :2]) * np.array(scale)
    ok = np.isfinite(person[:, :2]).all(1) & (np.nan_to_num(person[:, 2]) > MIN_KEYPOINT_CONFIDENCE)
    if ok.sum() < 2:
        return core.astype(bool)
    side = max(float(np.ptp(xy[ok, 1])), float(np.ptp(xy[ok, 0])), 1.0)
    thickness = max(MIN_CORE_PX, int(round(width * side)))
    points = np.round(xy).astype(np.int32)
    for a, b in limbs:
        if ok[a] and ok[b]:
            cv2.line(core, (int(points[a, 0]), int(points[a, 1])), (int(points[b, 0]), int(points[b, 1])), 1, thickness)
    lower = [n.lower() for n in names]
    torso = [lower.index(n) for n in ("left_shoulder", "right_shoulder", "right_hip", "left_hip") if n in lower]
    if len(torso) == 4 and ok[torso].all():
        cv2.fillPoly(core, [points[torso]], 1)
    head = [k for k, n in enumerate(lower) if ok[k] and any(part in n for part in HEAD_PARTS)]
    if len(head) >= 3:
        cv2.fillConvexPoly(core, cv2.convexHull(points[head]), 1)
    shoulders = [k for k in torso[:2] if ok[k]] if len(torso) == 4 else []
    if head and len(shoulders) == 2:
        neck = points[shoulders].mean(0).round().astype(int)
        top = points[head].mean(0).round().astype(int)
        cv2.line(core, (int(top[0]), int(top[1])), (int(neck[0]), int(neck[1])), 1, thickness)
    return core.astype(bool)


def head_zone(person: np.ndarray, names: Sequence[str], scale: tuple[float, float], size: tuple[int, int],
              height: float = HEAD_HEIGHT) -> np.ndarray:
    """(h, w) bool: the pixels within ``height`` (of the person's keypoint box, its larger side) of
    their confident head keypoints (HEAD_PARTS): where their head can be, however the face
    keypoints sit on it (squeezed to one side of a face turned away, as in an embrace). All False
    without a confident head keypoint or with fewer than two confident keypoints.

    person (K, 3) source pixels; names (K,) keypoint names; scale source → working; size (w, h)."""
    w, h = size
    xy = np.nan_to_num(person[:, :2]) * np.array(scale)
    ok = np.isfinite(person[:, :2]).all(1) & (np.nan_to_num(person[:, 2]) > MIN_KEYPOINT_CONFIDENCE)
    head = [k for k, n in enumerate(names) if ok[k] and any(part in n.lower() for part in HEAD_PARTS)]
    if not head or ok.sum() < 2:
        return np.zeros((h, w), bool)
    canvas = np.full((h, w), 255, np.uint8)
    for x, y in np.round(xy[head]).astype(int):
        cv2.circle(canvas, (int(x), int(y)), 0, 0, -1)
    side = max(float(np.ptp(xy[ok, 1])), float(np.ptp(xy[ok, 0])), 1.0)
    return cv2.distanceTransform(canvas, cv2.DIST_L2, cv2.DIST_MASK_PRECISE) <= height * side


def skeleton_distance(people_xy: np.ndarray, ok: np.ndarray, limbs: Sequence[tuple[int, int]],
                      size: tuple[int, int]) -> np.ndarray:
    """(h, w) float32 distance in working pixels from each pixel to the person's skeleton (limb
    segments between keypoints marked ``ok``, or the keypoints alone): the limbs are drawn one
    pixel wide and OpenCV's exact Euclidean distance transform does the rest.
    people_xy (K, 2) working pixels; ok (K,) bool; size (w, h)."""
    w, h = size
    canvas = np.full((h, w), 255, np.uint8)
    xy = np.round(np.nan_to_num(people_xy)).astype(np.int32)
    drawn = False
    for a, b in limbs:
        if ok[a] and ok[b]:
            cv2.line(canvas, (int(xy[a, 0]), int(xy[a, 1])), (int(xy[b, 0]), int(xy[b, 1])), 0, 1)
            drawn = True
    if not drawn:
        for k in np.flatnonzero(ok):
            cv2.circle(canvas, (int(xy[k, 0]), int(xy[k, 1])), 0, 0, -1)
    return cv2.distanceTransform(canvas, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)


def assign_people(mask: np.ndarray, people: np.ndarray, boxes: np.ndarray, limbs: Sequence[tuple[int, int]],
                  scale: tuple[float, float]) -> np.ndarray:
    """(h, w) int16 owner of each foreground pixel: the person slot whose skeleton is nearest
    among those whose box holds the pixel and whose skeleton is within REACH of it; -1 for
    background and unclaimed foreground.

    mask (h, w) bool; people (P, K, 3) source pixels; boxes (P, 4) working pixels (NaN absent).
    """
    h, w = mask.shape
    owners = np.full(mask.shape, -1, np.int16)
    best = np.full(mask.shape, np.inf, np.float32)
    for p, box in enumerate(boxes):
        if not np.isfinite(box).all() or not mask.any():
            continue
        xy = people[p, :, :2] * np.array(scale)
        ok = np.isfinite(xy).all(1) & (np.nan_to_num(people[p, :, 2]) > MIN_KEYPOINT_CONFIDENCE)
        if not ok.any():
            continue
        x0, y0 = max(0, int(np.floor(box[0]))), max(0, int(np.floor(box[1])))
        x1, y1 = min(w, int(np.ceil(box[2]))), min(h, int(np.ceil(box[3])))
        distance = np.full(mask.shape, np.inf, np.float32)
        distance[y0:y1, x0:x1] = skeleton_distance(xy, ok, limbs, (w, h))[y0:y1, x0:x1]
        reach = REACH * max(float(np.ptp(xy[ok, 1])), float(np.ptp(xy[ok, 0])), 1.0)
        closer = mask & (distance <= reach) & (distance < best)
        best[closer] = distance[closer]
        owners[closer] = p
    return owners


def people_pixels(mask: np.ndarray, people: np.ndarray, names: Sequence[str], limbs: Sequence[tuple[int, int]],
                  scale: tuple[float, float], athlete_index: int | None, cores: bool = True,
                  held: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One frame's (foreground, athlete, boxes) from the network's thresholded mask (h, w) bool and
    the people found at its time (P, K, 3 source pixels): the foreground is the mask gated by the
    people (:func:`person_gate`) where some person is given the pixel (:func:`assign_people`:
    inside their box, within REACH of their skeleton), and, with ``cores``, every person's
    :func:`body_core`; the athlete's pixels are those given to slot ``athlete_index`` and the
    athlete's core. boxes (P, 4) as :func:`person_boxes`. The foreground does not depend on who
    the athlete is, so re-choosing the athlete (:func:`with_athlete
    <inference.segmentation.athlete.with_athlete>`, which uses this too) leaves it as it was.

    held (H, K, 3) source pixels: people the pose stage lost who are still there
    (:meth:`TrackedPeople.at`); the athlete's pixels nearer to one of their skeletons than to the
    athlete's (inside their box, within REACH) are not the athlete's. They stay foreground, and
    the athlete's core stays the athlete's. Of everyone else found in the frame, the
    :func:`head_zone` is not the athlete's either (but for the athlete's core); a held skeleton
    is where the person was, not where their head is now, and keeps only what it is nearest."""
    h, w = mask.shape
    mask = mask & person_gate(people, scale, (w, h))
    boxes = person_boxes(people, scale, (w, h))
    owners = assign_people(mask, people, boxes, limbs, scale)
    foreground = owners >= 0
    athlete = owners == athlete_index if athlete_index is not None else np.zeros_like(foreground)
    if held is not None and len(held) and athlete.any():
        everyone = np.concatenate([people, held.astype(people.dtype)])
        claimed = assign_people(athlete, everyone, np.concatenate([boxes, person_boxes(held, scale, (w, h))]),
                                limbs, scale)
        athlete = claimed == athlete_index
    if athlete_index is not None and athlete.any():  # other people's heads are never the athlete's
        for p, person in enumerate(people):
            if p != athlete_index:
                athlete &= ~head_zone(person, names, scale, (w, h))
    if cores:
        for p, person in enumerate(people):
            core = body_core(person, names, limbs, scale, (w, h))
            foreground |= core
            if p == athlete_index:
                athlete |= core
    return foreground, athlete, boxes


class TrackedPeople:
    """The people masks are made from, frame by frame: the pose stage's keypoints (T, P, K, 3,
    source pixels) at ``timestamps`` (T,) over a (width, height) frame, with

    - the athlete's short gaps bridged: absent (fewer than two keypoints above
      MIN_KEYPOINT_CONFIDENCE) in frames between two frames that have them at most BRIDGE_S
      apart, the athlete gets there the keypoints confident on both sides, linearly interpolated
      in time (confidence the smaller of the two), so their mask, core and box carry through;
    - everyone else held while lost: a person other than the athlete, absent for at most HOLD_S
      since the last frame that had them, whose last skeleton lay farther than HOLD_EDGE from
      the frame's border and is not the athlete's own body found twice (the track as a whole:
      REMNANT_DISTANCE; that frame: :func:`inference.tracking.geometry.same_body` against the
      athlete in the frame asked for), is held at that last skeleton (``at``'s second array),
      which only keeps their pixels out of the athlete's mask (:func:`people_pixels`). A short
      gap of theirs is held, not bridged:
      the foreground and the other people's boxes stay what the pose stage found (a phantom
      fit on the athlete's body, which the tracker sometimes keeps as a short broken track, would
      otherwise be drawn through its gaps and take more of the athlete's pixels).

    Holds (T, P) indices only; a frame's people are made when asked for (:meth:`at`). Making it
    measures each other track against the athlete in at most REMNANT_SAMPLES of the frames that
    have both (one on-body distance each, ~0.4 ms on the 2-core VM)."""

    def __init__(self, keypoints: np.ndarray, timestamps: np.ndarray, size: tuple[int, int],
                 limbs: Sequence[tuple[int, int]], athlete_index: int | None) -> None:
        self.keypoints, self.timestamps = keypoints, np.asarray(timestamps, np.float64)
        self.size, self.limbs, self.athlete_index = size, limbs, athlete_index
        confident = np.isfinite(keypoints[..., :2]).all(-1) & (np.nan_to_num(keypoints[..., 2]) > MIN_KEYPOINT_CONFIDENCE)
        present = confident.sum(-1) >= 2  # (T, P), as person_boxes finds a person
        T = len(present)
        index = np.arange(T)[:, None]
        self.present = present
        self.previous = np.maximum.accumulate(np.where(present, index, -1), axis=0)  # last frame ≤ j with them
        after = np.where(present, index, T)[::-1]
        self.following = np.minimum.accumulate(after, axis=0)[::-1]  # first frame ≥ j with them (T: none)
        self.remnant = self._remnants()

    def _remnants(self) -> np.ndarray:
        """(P,) bool: tracks that are the athlete's own body fitted twice (REMNANT_DISTANCE)."""
        from inference.tracking.geometry import on_body_distance

        remnant = np.zeros(self.present.shape[1], bool)
        if self.athlete_index is None:
            return remnant
        mine = self.keypoints[:, self.athlete_index]
        for q in range(len(remnant)):
            both = np.flatnonzero(self.present[:, q] & self.present[:, self.athlete_index])
            if q == self.athlete_index or not len(both):
                continue
            if len(both) > REMNANT_SAMPLES:
                both = both[np.linspace(0, len(both) - 1, REMNANT_SAMPLES).round().astype(int)]
            distances = [on_body_distance(self.keypoints[j, q], mine[j], self.limbs, MIN_KEYPOINT_CONFIDENCE)
                         for j in both]
            remnant[q] = float(np.median(distances)) <= REMNANT_DISTANCE
        return remnant

    def at(self, j: int) -> tuple[np.ndarray, np.ndarray]:
        """(people (P, K, 3), held (H, K, 3)) of frame j, source pixels."""
        from inference.tracking.geometry import same_body

        people = self.keypoints[j].copy()
        held = []
        ts, width, height = self.timestamps, self.size[0], self.size[1]
        lost = []
        for q in np.flatnonzero(~self.present[j]):
            a, b = int(self.previous[j, q]), int(self.following[j, q])
            if q != self.athlete_index or a < 0 or b >= len(ts) or ts[b] - ts[a] > BRIDGE_S + 1e-6:
                lost.append((q, a))
                continue
            first, last = self.keypoints[a, q], self.keypoints[b, q]
            both = (np.isfinite(first[:, :2]).all(1) & np.isfinite(last[:, :2]).all(1)
                    & (np.nan_to_num(np.minimum(first[:, 2], last[:, 2])) > MIN_KEYPOINT_CONFIDENCE))
            weight = (ts[j] - ts[a]) / max(ts[b] - ts[a], 1e-9)
            people[q] = np.nan
            people[q, both, :2] = (1 - weight) * first[both, :2] + weight * last[both, :2]
            people[q, both, 2] = np.minimum(first[both, 2], last[both, 2])
        for q, a in lost:
            if (self.athlete_index is None or q == self.athlete_index or self.remnant[q] or a < 0
                    or ts[j] - ts[a] > HOLD_S + 1e-6):
                continue
            last = self.keypoints[a, q]
            ok = np.isfinite(last[:, :2]).all(1) & (np.nan_to_num(last[:, 2]) > MIN_KEYPOINT_CONFIDENCE)
            (x0, y0), (x1, y1) = last[ok, :2].min(0), last[ok, :2].max(0)
            inside = (x0 > HOLD_EDGE * width and x1 < (1 - HOLD_EDGE) * width
                      and y0 > HOLD_EDGE * height and y1 < (1 - HOLD_EDGE) * height)  # fmt: skip
            if inside and not same_body(last, people[self.athlete_index], self.limbs, MIN_KEYPOINT_CONFIDENCE):
                held.append(last)
        shape = (0, *self.keypoints.shape[2:])
        return people, (np.stack(held) if held else np.zeros(shape, self.keypoints.dtype))


class PackedMasks:
    """(T, h, w) bool masks held compactly, one frame at a time: each frame's rows packed 1 bit per
    pixel (``np.packbits`` along the row, as masks.npz stores them) and the packed bytes compressed
    with zlib (level 1). A frame of a real clip is 2,304 bytes packed at 192x96 and about 130–530
    bytes compressed (the four development clips, docs/speed.md "Memory"), against 18,432 as a bool
    array, so a 10-minute 60 fps video's masks take tens of MB, not GB. ``masks[i]`` unpacks frame
    i (a new (h, w) bool array, ~10 µs); nothing holds the whole sequence unpacked unless
    :meth:`unpacked` is called. Frames are appended as they are made (:meth:`append`)."""

    def __init__(self, height: int, width: int) -> None:
        self.height, self.width = int(height), int(width)
        self._frames: list[bytes] = []
        self._empty: bytes | None = None  # an all-False frame, compressed once and shared

    @property
    def row_bytes(self) -> int:
        """Bytes of one packed row: ceil(w / 8)."""
        return -(-self.width // 8)

    @property
    def shape(self) -> tuple[int, int, int]:
        return len(self._frames), self.height, self.width

    @property
    def nbytes(self) -> int:
        """Bytes of the compressed frames (what the sequence holds, Python's object headers aside)."""
        return sum(len(frame) for frame in self._frames)

    def __len__(self) -> int:
        return len(self._frames)

    def __getitem__(self, key: Any) -> np.ndarray:
        """``[i]``: frame i, (h, w) bool; ``[i, rows, cols]``: a part of it; any other key (a
        slice of frames…) indexes :meth:`unpacked`, which unpacks every frame first."""
        if isinstance(key, tuple) and key and isinstance(key[0], (int, np.integer)):
            return self[key[0]][key[1:]]
        if isinstance(key, (int, np.integer)):
            return np.unpackbits(self.bits(int(key)), axis=-1, count=self.width).view(bool)
        return self.unpacked()[key]

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        out = self.unpacked()
        return out if dtype is None else out.astype(dtype)

    def __iter__(self) -> Iterator[np.ndarray]:
        return (self[i] for i in range(len(self)))

    def bits(self, i: int) -> np.ndarray:
        """(h, ceil(w / 8)) uint8: frame i's rows packed (np.packbits along the row)."""
        packed = np.frombuffer(zlib.decompress(self._frames[i]), np.uint8)
        return packed.reshape(self.height, self.row_bytes)

    def append(self, mask: np.ndarray) -> None:
        """Add one (h, w) bool frame."""
        if mask.shape != (self.height, self.width):
            raise ValueError(f"a mask of shape {mask.shape}; this sequence holds {(self.height, self.width)}")
        self.append_bits(np.packbits(mask.astype(bool, copy=False), axis=-1))

    def append_bits(self, bits: np.ndarray) -> None:
        """Add one frame given packed: (h, ceil(w / 8)) uint8, as :meth:`bits` returns."""
        bits = np.ascontiguousarray(bits, np.uint8)
        if bits.shape != (self.height, self.row_bytes):
            raise ValueError(f"packed bits of shape {bits.shape}; this sequence holds {(self.height, self.row_bytes)}")
        if not bits.any():
            if self._empty is None:
                self._empty = zlib.compress(bits.tobytes(), 1)
            self._frames.append(self._empty)
        else:
            self._frames.append(zlib.compress(bits.tobytes(), 1))

    def append_empty(self, count: int = 1) -> None:
        """Add ``count`` all-False frames."""
        for _ in range(count):
            self.append_bits(np.zeros((self.height, self.row_bytes), np.uint8))

    def unpacked(self) -> np.ndarray:
        """(T, h, w) bool, every frame: T·h·w bytes (for tests and short clips; per frame: ``[i]``)."""
        out = np.zeros(self.shape, bool)
        for i in range(len(self)):
            out[i] = self[i]
        return out

    @classmethod
    def of(cls, masks: np.ndarray | PackedMasks) -> PackedMasks:
        """``masks`` as a PackedMasks: (T, h, w) bool (any array of that shape: nonzero is True)
        packed frame by frame; a PackedMasks as it is."""
        if isinstance(masks, PackedMasks):
            return masks
        masks = np.asarray(masks)
        if masks.ndim != 3:
            raise ValueError(f"masks of shape {masks.shape}; (T, h, w) expected")
        out = cls(masks.shape[1], masks.shape[2])
        for mask in masks:
            out.append(mask)
        return out


class MaskSequence:
    """Masks of a video at the working resolution.

    foreground: (T, h, w) every person; athlete: (T, h, w) the athlete's pixels (all False without
    an athlete) — each given as a bool array or a :class:`PackedMasks` and held as a PackedMasks
    (compressed bits: a 10-minute 60 fps video's masks fit in tens of MB). ``foreground_mask(i)``
    and ``athlete_mask(i)`` give one frame as a (h, w) bool array; ``foreground[i]`` does too, and
    ``foreground.unpacked()`` the whole (T, h, w) bool array (T·h·w bytes: tests and short clips).
    times: (T,) float64 seconds (presentation times of the source); boxes: (T, P, 4) float32 each
    tracked person's box in working pixels (NaN absent); track_ids: (P,) int64; athlete_index: the
    athlete's slot in P or None; source_size: (W, H); level: the UNet++ pruning level that made them.
    Not changed after it is made: :meth:`replace` gives a changed copy.
    """

    def __init__(self, foreground: np.ndarray | PackedMasks, athlete: np.ndarray | PackedMasks, times: np.ndarray,
                 boxes: np.ndarray, track_ids: np.ndarray, athlete_index: int | None, source_size: tuple[int, int],
                 level: int) -> None:  # fmt: skip
        self.foreground, self.athlete = PackedMasks.of(foreground), PackedMasks.of(athlete)
        if self.foreground.shape != self.athlete.shape:
            raise ValueError(f"foreground {self.foreground.shape} and athlete {self.athlete.shape} masks differ in shape")
        self.times, self.boxes, self.track_ids = times, boxes, track_ids
        self.athlete_index, self.source_size, self.level = athlete_index, source_size, level

    def replace(self, **changes: Any) -> MaskSequence:
        """A copy with the fields named in ``changes`` (the constructor's arguments) replaced."""
        fields = {name: getattr(self, name) for name in ("foreground", "athlete", "times", "boxes", "track_ids",
                                                         "athlete_index", "source_size", "level")}  # fmt: skip
        unknown = set(changes) - set(fields)
        if unknown:
            raise TypeError(f"MaskSequence has no field {sorted(unknown)}")
        return MaskSequence(**{**fields, **changes})

    @property
    def num_frames(self) -> int:
        return len(self.foreground)

    @property
    def size(self) -> tuple[int, int]:
        """(w, h) working resolution."""
        return self.foreground.width, self.foreground.height

    def frame_at(self, t: float) -> int:
        """Index of the mask nearest in time to t seconds."""
        return int(np.argmin(np.abs(self.times - t))) if len(self.times) else -1

    def foreground_mask(self, i: int) -> np.ndarray:
        """(h, w) bool: every person's pixels in frame i."""
        return self.foreground[i]

    def athlete_mask(self, i: int) -> np.ndarray:
        """(h, w) bool: the athlete's pixels in frame i."""
        return self.athlete[i]

    def person_mask(self, i: int, p: int) -> np.ndarray:
        """(h, w) bool: foreground inside person slot p's box in frame i (boxes may overlap)."""
        box = self.boxes[i, p]
        out = np.zeros((self.foreground.height, self.foreground.width), bool)
        if np.isfinite(box).all():
            x0, y0, x1, y1 = (int(np.floor(box[0])), int(np.floor(box[1])), int(np.ceil(box[2])), int(np.ceil(box[3])))
            out[y0:y1, x0:x1] = self.foreground[i][y0:y1, x0:x1]
        return out

    def save(self, path: str | Path | IO[bytes]) -> None:
        """masks.npz: the masks as packed bits (1 bit per working pixel, np.packbits along the
        row), compressed — as ``np.savez_compressed`` would write the (T, h, ceil(w / 8)) arrays,
        but written frame by frame, so saving holds no whole-video array."""
        if isinstance(path, (str, Path)) and not str(path).endswith(".npz"):  # as np.savez_compressed names it
            path = f"{path}.npz"
        shape = self.foreground.shape
        arrays: dict[str, np.ndarray] = {
            "shape": np.array(shape, np.int64),
            "times": self.times.astype(np.float64),
            "boxes": self.boxes.astype(np.float32),
            "track_ids": self.track_ids.astype(np.int64),
            "athlete_index": np.array(-1 if self.athlete_index is None else self.athlete_index, np.int64),
            "source_size": np.array(self.source_size, np.int64),
            "level": np.array(self.level, np.int64),
        }
        packed_shape = (shape[0], shape[1], self.foreground.row_bytes)
        with zipfile.ZipFile(path, mode="w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            for name, masks in (("foreground", self.foreground), ("athlete", self.athlete)):
                with archive.open(f"{name}.npy", "w", force_zip64=True) as out:
                    header = {"descr": np.lib.format.dtype_to_descr(np.dtype(np.uint8)), "fortran_order": False,
                              "shape": packed_shape}  # fmt: skip
                    np.lib.format.write_array_header_1_0(out, header)
                    for i in range(len(masks)):
                        out.write(masks.bits(i).tobytes())
            for name, value in arrays.items():
                with archive.open(f"{name}.npy", "w", force_zip64=True) as out:
                    np.lib.format.write_array(out, value, allow_pickle=False)

    @classmethod
    def load(cls, path: str | Path | IO[bytes]) -> MaskSequence:
        """The masks :meth:`save` wrote (or ``np.savez_compressed`` did before), read frame by
        frame: no whole-video array is made."""
        with zipfile.ZipFile(path) as archive:

            def array(name: str) -> np.ndarray:
                with archive.open(f"{name}.npy") as member:
                    return np.lib.format.read_array(member, allow_pickle=False)

            T, h, w = (int(v) for v in array("shape"))
            athlete, size = int(array("athlete_index")), array("source_size")
            foreground, mine = (_read_packed(archive, name, T, h, w) for name in ("foreground", "athlete"))
            return cls(foreground, mine, array("times"), array("boxes"), array("track_ids"),
                       None if athlete < 0 else athlete, (int(size[0]), int(size[1])), int(array("level")))

    def silhouette(self, metres_per_pixel: float | None = None) -> dict[str, np.ndarray]:
        """The athlete's silhouette per frame, (T,) arrays: ``times``; ``area`` (fraction of the
        frame), ``width`` / ``height`` (fractions of the frame's width / height, 2nd–98th
        percentile of the pixels' columns / rows, so a stray pixel does not count); ``area_px``,
        ``width_px``, ``height_px`` in source pixels; with ``metres_per_pixel`` also ``area_m2``,
        ``width_m``, ``height_m``. NaN where the athlete has no pixels."""
        w, h = self.size
        W, H = self.source_size
        out = {k: np.full(self.num_frames, np.nan) for k in ("area", "width", "height")}
        for i in range(self.num_frames):
            ys, xs = np.nonzero(self.athlete[i])
            if len(xs):
                out["area"][i] = len(xs) / (h * w)
                out["width"][i] = (np.percentile(xs, 98) - np.percentile(xs, 2) + 1) / w
                out["height"][i] = (np.percentile(ys, 98) - np.percentile(ys, 2) + 1) / h
        out.update(area_px=out["area"] * W * H, width_px=out["width"] * W, height_px=out["height"] * H)
        if metres_per_pixel:
            out.update(area_m2=out["area_px"] * metres_per_pixel**2, width_m=out["width_px"] * metres_per_pixel,
                       height_m=out["height_px"] * metres_per_pixel)
        return {"times": self.times.copy(), **out}

    def contours_json(self, max_fps: float = 15) -> dict:
        """The athlete's outline for a canvas overlay: frames at most ``max_fps`` per second;
        ``polygons[i]`` is a list of closed rings [x0, y0, x1, y1, …], integers = fraction of
        the frame's width / height × ``scale`` (draw with x·W/scale, y·H/scale)."""
        times: list[float] = []
        polygons: list[list[list[int]]] = []
        last = -np.inf
        for i, t in enumerate(self.times):
            if t - last < 1.0 / max_fps - 1e-6:
                continue
            last = float(t)
            times.append(round(float(t), 3))
            polygons.append(outline(self.athlete[i]))
        return {"version": 1, "size": list(self.source_size), "scale": CONTOUR_SCALE,
                "times": times, "polygons": polygons}

    def contours_text(self, max_fps: float = 15) -> str:
        return json.dumps(self.contours_json(max_fps), separators=(",", ":"))


def _read_packed(archive: zipfile.ZipFile, name: str, frames: int, height: int, width: int) -> PackedMasks:
    """masks.npz's ``name`` (a (T, h, ceil(w / 8)) uint8 .npy member) read one frame at a time."""
    out = PackedMasks(height, width)
    with archive.open(f"{name}.npy") as member:
        version = np.lib.format.read_magic(member)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read_header(member)
        if tuple(shape) != (frames, height, out.row_bytes) or fortran or dtype != np.uint8:
            raise ValueError(f"masks.npz: {name} is {dtype} {shape}; uint8 {(frames, height, out.row_bytes)} expected")
        frame_bytes = height * out.row_bytes
        for _ in range(frames):
            data = member.read(frame_bytes)
            if len(data) != frame_bytes:
                raise ValueError(f"masks.npz: {name} ends early")
            out.append_bits(np.frombuffer(data, np.uint8).reshape(height, out.row_bytes))
    return out


def upsample(mask: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """(h, w) bool → (H, W) float32 in [0, 1], bilinear: a soft edge one working pixel wide.
    ``>= 0.5`` gives a smooth binary mask at the new size."""
    return cv2.resize(mask.astype(np.float32), size, interpolation=cv2.INTER_LINEAR)


def outline(mask: np.ndarray, min_area: float = 4.0) -> list[list[int]]:
    """(h, w) bool → outer rings of its regions (≥ min_area working pixels), as flat integer lists
    scaled to CONTOUR_SCALE; traced on a 2x upsampled mask and simplified to ~½ working pixel."""
    h, w = mask.shape
    fine = (upsample(mask, (2 * w, 2 * h)) >= 0.5).astype(np.uint8)
    contours, _ = cv2.findContours(fine, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    rings = []
    for contour in contours:
        if cv2.contourArea(contour) < 4 * min_area:
            continue
        ring = cv2.approxPolyDP(contour, 1.0, True)[:, 0, :].astype(np.float64) + 0.5
        ring /= np.array([2 * w, 2 * h])
        rings.append([int(v) for v in np.round(ring * CONTOUR_SCALE).astype(int).ravel()])
    return rings
