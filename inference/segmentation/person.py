"""Person-centred segmentation: each tracked person's crop, the skeleton as a prior, composed back.

The frame-level UNet++ has to decide, everywhere in a frame of an unknown scene, what a person
looks like; trained on a few indoor clips, it takes posts, logos and wall padding for people and
misses a small player's legs. Here the pose stage has already found the people, so the network's
job is narrower and closer to the landmark model's own: in a square crop around one person,
rotated so that the torso points up and scaled so the person fills it (like BlazePose's ROI), with
that person's skeleton drawn as a fourth input channel, say which pixels are the person. Scale,
position and orientation are normalised, so a 40-px basketball player and a 700-px lab athlete
look alike to the network; the skeleton tells it where the limbs are.

- ROI (:func:`person_roi`): the box of the person's confident keypoints in the torso-up frame
  (rotation from the hip centre to the shoulder centre, when the skeleton has them and they are
  confident; else upright), grown by ``GATE_MARGIN`` of its larger side on every side (the same
  margin as the frame gate, measured in docs/segmentation.md), made square.
- Input (:func:`person_inputs`): (CROP, CROP, 4) float32 — RGB in [0, 1] warped from the frame
  (bilinear, black outside), and the skeleton: the limbs between confident keypoints drawn
  ``LIMB_WIDTH`` of the crop wide with value 1, softened by a Gaussian.
- Output: the network's person probability in the crop; :func:`compose` warps every person's
  crop back to the frame's working resolution and takes the pixel-wise maximum (0 outside every
  crop: only found people can be foreground).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from inference.segmentation.masks import GATE_MARGIN, MIN_KEYPOINT_CONFIDENCE

CROP = 96  # crop side in pixels (a multiple of 32): a person's ROI is resized to this
LIMB_WIDTH = 1 / 24  # skeleton channel: limb line width as a fraction of the crop (4 px at 96)
SKELETON_SOFT = 1.0  # Gaussian sigma (crop pixels) of the skeleton channel's edges
TORSO_NAMES = ("left_shoulder", "right_shoulder", "left_hip", "right_hip")
MIN_KEYPOINTS = 2  # a person with fewer confident keypoints gets no crop (as the gate)


@dataclass(frozen=True)
class Roi:
    """A person's square region: centre (x, y), side, and the rotation matrix ``turn`` (2, 2)
    taking frame offsets to crop offsets (torso up). Coordinates in the pixels it was made in."""

    centre: tuple[float, float]
    side: float
    turn: np.ndarray

    def to_crop(self, crop: int = CROP) -> np.ndarray:
        """(2, 3) affine matrix: frame pixels → crop pixels."""
        k = crop / self.side
        linear = k * self.turn
        offset = np.array([crop / 2, crop / 2]) - linear @ np.array(self.centre)
        return np.column_stack([linear, offset]).astype(np.float64)

    def scaled(self, factor: float) -> Roi:
        """The same region in pixels ``factor`` times as large (frame resized by ``factor``)."""
        return Roi((self.centre[0] * factor, self.centre[1] * factor), self.side * factor, self.turn)


def torso_indices(keypoint_names: Sequence[str]) -> tuple[int, int, int, int] | None:
    """Indices of the shoulders and hips in a skeleton's keypoints, or None if it lacks them."""
    try:
        a, b, c, d = (list(keypoint_names).index(n) for n in TORSO_NAMES)
    except ValueError:
        return None
    return a, b, c, d


def _turn(person: np.ndarray, ok: np.ndarray, torso: tuple[int, int, int, int] | None) -> np.ndarray:
    """Rotation taking the hip-centre → shoulder-centre direction to 'up' (0, -1); identity when
    the torso is not confidently seen."""
    if torso is None or not ok[list(torso)].all():
        return np.eye(2)
    shoulders = (person[torso[0], :2] + person[torso[1], :2]) / 2
    hips = (person[torso[2], :2] + person[torso[3], :2]) / 2
    v = shoulders - hips
    length = float(np.hypot(*v))
    if length < 1e-6:
        return np.eye(2)
    ux, uy = v / length
    return np.array([[-uy, ux], [-ux, -uy]])  # a rotation with turn @ (ux, uy) = (0, -1)


def confident(person: np.ndarray) -> np.ndarray:
    """(K,) bool: keypoints with finite x, y and confidence above MIN_KEYPOINT_CONFIDENCE."""
    return np.isfinite(person[:, :2]).all(1) & (np.nan_to_num(person[:, 2]) > MIN_KEYPOINT_CONFIDENCE)


def person_roi(person: np.ndarray, torso: tuple[int, int, int, int] | None,
               margin: float = GATE_MARGIN) -> Roi | None:
    """person (K, 3) x, y, confidence → its square ROI (see the module docstring), or None with
    fewer than MIN_KEYPOINTS confident keypoints."""
    ok = confident(person)
    if ok.sum() < MIN_KEYPOINTS:
        return None
    turn = _turn(person, ok, torso)
    turned = person[ok, :2].astype(np.float64) @ turn.T
    low, high = turned.min(0), turned.max(0)
    larger = max(float(high[0] - low[0]), float(high[1] - low[1]), 1.0)
    centre = turn.T @ ((low + high) / 2)  # back to frame coordinates (turn is orthogonal)
    return Roi((float(centre[0]), float(centre[1])), larger * (1 + 2 * margin), turn)


def skeleton_channel(person: np.ndarray, to_crop: np.ndarray, limbs: Sequence[tuple[int, int]],
                     crop: int = CROP) -> np.ndarray:
    """(crop, crop) float32 in [0, 1]: the person's limbs (between confident keypoints) drawn in
    the crop; keypoints alone when no limb has both ends."""
    ok = confident(person)
    canvas = np.zeros((crop, crop), np.float32)
    xy = np.nan_to_num(person[:, :2]).astype(np.float64) @ to_crop[:, :2].T + to_crop[:, 2]
    pts = np.round(xy * 4).astype(np.int64)  # 2 fractional bits (cv2 shift)
    width = max(1, int(round(LIMB_WIDTH * crop)))
    drawn = False
    for a, b in limbs:
        if ok[a] and ok[b]:
            cv2.line(canvas, (int(pts[a, 0]), int(pts[a, 1])), (int(pts[b, 0]), int(pts[b, 1])), 1.0, width,
                     cv2.LINE_AA, shift=2)
            drawn = True
    if not drawn:
        for k in np.flatnonzero(ok):
            cv2.circle(canvas, (int(pts[k, 0]), int(pts[k, 1])), width * 4, 1.0, -1, cv2.LINE_AA, shift=2)
    return cv2.GaussianBlur(canvas, (0, 0), SKELETON_SOFT)


def crop_image(image_bgr: np.ndarray, to_crop: np.ndarray, crop: int = CROP) -> np.ndarray:
    """(crop, crop, 3) uint8: the frame warped into the crop (bilinear; black outside the frame)."""
    return cv2.warpAffine(image_bgr, to_crop, (crop, crop), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))


def to_person_input(crops_bgr: np.ndarray, skeletons: np.ndarray) -> np.ndarray:
    """(N, S, S, 3) uint8 BGR and (N, S, S) float32 → (N, S, S, 4) float32 network input."""
    rgb = crops_bgr[..., ::-1].astype(np.float32) * (1.0 / 255.0)
    return np.concatenate([rgb, skeletons[..., None].astype(np.float32)], axis=-1)


def person_inputs(image_bgr: np.ndarray, people: np.ndarray, limbs: Sequence[tuple[int, int]],
                  torso: tuple[int, int, int, int] | None, crop: int = CROP
                  ) -> tuple[np.ndarray, list[np.ndarray]]:
    """One frame's people (P, K, 3) in the image's pixels → (network input (n, crop, crop, 4),
    the n (2, 3) image → crop matrices), n the people with an ROI."""
    inputs, matrices = [], []
    for person in people:
        roi = person_roi(person, torso)
        if roi is None:
            continue
        m = roi.to_crop(crop)
        inputs.append(to_person_input(crop_image(image_bgr, m, crop)[None],
                                      skeleton_channel(person, m, limbs, crop)[None])[0])
        matrices.append(m)
    if not inputs:
        return np.zeros((0, crop, crop, 4), np.float32), []
    return np.stack(inputs), matrices


def compose(probs: Sequence[np.ndarray], matrices: Sequence[np.ndarray], size: tuple[int, int],
            scale: float = 1.0) -> np.ndarray:
    """Crops' probabilities back in a (w, h) = size frame: each warped by the inverse of its
    matrix (made in pixels ``1/scale`` times the frame's: pass scale = size / image size), max over
    people; 0 outside every crop."""
    w, h = size
    out = np.zeros((h, w), np.float32)
    to_frame = np.diag([scale, scale, 1.0])
    for prob, m in zip(probs, matrices, strict=True):
        full = np.vstack([m, [0, 0, 1]]) @ np.linalg.inv(to_frame)  # frame (size) pixels → crop
        back = cv2.warpAffine(prob.astype(np.float32), full[:2], (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=0.0)
        np.maximum(out, back, out=out)
    return out
