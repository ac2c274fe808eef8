"""Teacher masks: what the bundled MediaPipe models say is a person, for distillation.

Two teachers, both run with ai-edge-litert (model files from :mod:`inference.models`):

- ``pose_landmark_full.tflite``: its segmentation output (256x256 logits in each person's rotated
  ROI; Identity_2) through :class:`inference.pose.blazepose.BlazePoseEstimator` with
  ``with_mask=True``; each person's mask is warped back to the frame, kept only near that
  person's own skeleton (:func:`skeleton_gate`: within ``GATE_MARGIN`` of the landmarks' box
  height from a limb or the torso, softened over a few pixels — on ../shared/media's lab clips the
  ROI mask of a person at the frame's edge spreads over the black force plate), and the union
  (pixel-wise maximum) is the frame's teacher. Sharp, full-body, every person the pose model
  follows.
- ``selfie_segmentation.tflite`` (MediaPipe Selfie Segmentation, general model, 256x256 RGB in
  [0, 1] → person probability): meant for a person near the camera. On our full-body clips it
  marks floor and furniture and misses limbs (seen on the ../shared/media frames, also on a
  portrait frame where a near person fills the width), so it joins the pose teacher only on
  close-ups, where a person's ROI is at least the frame's long side (``CLOSE_UP_ROI``), and is then
  fused by maximum.

Masks are (H, W) float32 probabilities in [0, 1] at the frame's size.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

SELFIE_SIZE = 256
CLOSE_UP_ROI = 1.0  # ROI side / frame's long side from which the selfie model is trusted
GATE_MARGIN = 0.1  # of the landmarks' box height: how far from the skeleton a person's mask reaches
TORSO = (11, 12, 24, 23)  # BlazePose shoulders and hips, in ring order


def skeleton_gate(landmarks: np.ndarray, width: int, height: int) -> np.ndarray:
    """(H, W) float32 in [0, 1]: 1 within GATE_MARGIN (of the landmarks' box height) of the
    person's limbs or torso, 0 farther, a soft edge between. landmarks: (33, ≥2) frame pixels."""
    from inference.skeleton import get_skeleton

    xy = landmarks[:, :2].astype(np.float64)
    margin = GATE_MARGIN * max(float(np.ptp(xy[:, 1])), float(np.ptp(xy[:, 0])), 1.0)
    gate = np.zeros((height, width), np.uint8)
    points = np.round(xy).astype(np.int32)
    thickness = max(1, int(round(2 * margin)))
    for a, b in get_skeleton("blazepose33").limbs:
        cv2.line(gate, tuple(map(int, points[a])), tuple(map(int, points[b])), 255, thickness)
    cv2.fillPoly(gate, [points[list(TORSO)]], 255)
    soft = max(1.0, margin / 4)
    return cv2.GaussianBlur(gate.astype(np.float32) / 255.0, (0, 0), soft)


def pose_union(people: Iterable[Any], width: int, height: int) -> np.ndarray:
    """(H, W) float32: max over people's ``LandmarkOutput.frame_mask``, each gated by
    :func:`skeleton_gate` (0 where nobody)."""
    mask = np.zeros((height, width), np.float32)
    for person in people:
        person_mask = person.frame_mask(width, height)
        if person_mask is not None:
            np.maximum(mask, person_mask * skeleton_gate(person.landmarks, width, height), out=mask)
    return mask


@dataclass
class SelfieSegmenter:
    """selfie_segmentation.tflite on a whole frame, letterboxed to 256x256 (aspect kept)."""

    model_path: str | None = None
    num_threads: int = 2
    _interpreter: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        from ai_edge_litert.interpreter import Interpreter

        from inference.models import model_path

        path = self.model_path or str(model_path("selfie_segmentation.tflite"))
        self._interpreter = Interpreter(model_path=path, num_threads=self.num_threads)
        self._interpreter.allocate_tensors()

    def __call__(self, image_bgr: np.ndarray) -> np.ndarray:
        """(H, W, 3) uint8 BGR → (H, W) float32 person probability."""
        height, width = image_bgr.shape[:2]
        scale = SELFIE_SIZE / max(height, width)
        h, w = max(1, round(height * scale)), max(1, round(width * scale))
        y0, x0 = (SELFIE_SIZE - h) // 2, (SELFIE_SIZE - w) // 2
        tensor = np.zeros((1, SELFIE_SIZE, SELFIE_SIZE, 3), np.float32)
        rgb = cv2.cvtColor(cv2.resize(image_bgr, (w, h), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2RGB)
        tensor[0, y0 : y0 + h, x0 : x0 + w] = rgb / 255.0
        interpreter = self._interpreter
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], tensor)
        interpreter.invoke()
        out = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])[0, :, :, 0]
        return cv2.resize(out[y0 : y0 + h, x0 : x0 + w], (width, height), interpolation=cv2.INTER_LINEAR)


class Teacher:
    """Teacher masks for the frames of one video (``video_masks``) or single photos (``image_mask``)."""

    def __init__(self, num_threads: int = 2, use_selfie: bool = True) -> None:
        from inference.pose.blazepose import BlazePoseEstimator

        self.pose = BlazePoseEstimator(with_mask=True, num_threads=num_threads)
        self.selfie = SelfieSegmenter(num_threads=num_threads) if use_selfie else None

    def _fuse(self, image_bgr: np.ndarray, people: list[Any]) -> np.ndarray:
        height, width = image_bgr.shape[:2]
        mask = pose_union(people, width, height)
        close_up = any(p.roi.size >= CLOSE_UP_ROI * max(width, height) for p in people)
        if self.selfie is not None and close_up:
            np.maximum(mask, self.selfie(image_bgr), out=mask)
        return mask

    def image_mask(self, image_bgr: np.ndarray) -> np.ndarray:
        """A photo: every detected person (BlazePose static mode) → (H, W) float32."""
        return self._fuse(image_bgr, self.pose.process_image(image_bgr))

    def video_masks(self, frames: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
        """Consecutive frames of one video (BlazePose video mode) → (H, W) float32 each."""
        for mask, _ in self.video_labels(frames):
            yield mask

    def image_label(self, image_bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A photo → (mask (H, W) float32, people (P, 33, 3) x, y frame pixels, visibility)."""
        people = self.pose.process_image(image_bgr)
        return self._fuse(image_bgr, people), people_keypoints(people)

    def video_labels(self, frames: Iterable[np.ndarray]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Consecutive frames of one video (BlazePose video mode) → (mask, people) per frame, as
        :meth:`image_label`. The people are what the person-centred student is cropped around."""
        self.pose.reset()
        for frame in frames:
            people = self.pose.process(frame)
            yield self._fuse(frame, people), people_keypoints(people)


def people_keypoints(people: list[Any]) -> np.ndarray:
    """(P, 33, 3) float32 x, y (frame pixels), visibility of BlazePose's people."""
    if not people:
        return np.zeros((0, 33, 3), np.float32)
    return np.stack([p.landmarks[:, [0, 1, 3]] for p in people]).astype(np.float32)
