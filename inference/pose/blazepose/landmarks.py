"""BlazePose landmark stage: region of interest, rotated crop, landmark decoding and projection.

Constants from MediaPipe's graphs in ``mediapipe/modules/pose_landmark/`` (google-ai-edge/mediapipe):

- pose_detection_to_roi.pbtxt / pose_landmarks_to_roi.pbtxt: AlignmentPointsRectsCalculator with
  rotation vector from keypoint 0 (hip centre) to 1 (size/rotation point), target angle 90°;
  the rect's side is twice that vector's length; RectTransformationCalculator scale 1.25,
  square_long. In video mode the same is done with the auxiliary landmarks 33 and 34.
- pose_landmark_by_roi_cpu.pbtxt: ImageToTensorCalculator 256x256, float range [0, 1]
  (border replicated, the calculator's default).
- tensors_to_pose_landmarks_and_segmentation.pbtxt / pose_landmark_by_roi_post_processing.pbtxt:
  39 landmarks x (x, y, z, visibility, presence) in 256-pixel units, sigmoid on visibility and
  presence; pose presence flag threshold 0.5; RefineLandmarksFromHeatmapCalculator kernel 7
  (refine where the window's max sigmoid ≥ 0.5, the calculator's default); landmarks 0–32 are
  the pose, 33–34 auxiliary (for the next ROI); world landmarks (39 x 3, metres, hip-centred)
  rotated by the ROI's rotation; segmentation logits 256x256, sigmoid.

Rotation convention (LandmarkProjectionCalculator): a point (u, v) of the crop, centred and
scaled to the ROI, maps to the image by the rotation [[cos r, -sin r], [sin r, cos r]] (y down).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

INPUT_SIZE = 256
NUM_LANDMARKS = 33
NUM_RAW_LANDMARKS = 39  # 33 pose + 2 auxiliary + 4 unused
AUX_CENTRE, AUX_SCALE = 33, 34
ROI_SCALE = 1.25
PRESENCE_THRESHOLD = 0.5
REFINE_KERNEL = 7
REFINE_MIN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Roi:
    """A square, rotated region of interest in frame pixels: centre, side, rotation (radians)."""

    cx: float
    cy: float
    size: float
    rotation: float

    def crop_to_image(self, crop_size: int = INPUT_SIZE) -> np.ndarray:
        """(2, 3) affine matrix mapping crop pixel coordinates to image pixel coordinates."""
        c, s = np.cos(self.rotation), np.sin(self.rotation)
        k = self.size / crop_size
        return np.array(
            [
                [c * k, -s * k, self.cx - (c - s) * self.size / 2],
                [s * k, c * k, self.cy - (s + c) * self.size / 2],
            ],
            np.float64,
        )

    def bounds(self) -> tuple[float, float, float, float]:
        """Axis-aligned box (xmin, ymin, xmax, ymax) enclosing the rotated square."""
        half = self.size / 2 * (abs(np.cos(self.rotation)) + abs(np.sin(self.rotation)))
        return self.cx - half, self.cy - half, self.cx + half, self.cy + half


def normalize_radians(angle: float) -> float:
    """Angle wrapped to [-pi, pi)."""
    return float(angle - 2 * np.pi * np.floor((angle + np.pi) / (2 * np.pi)))


def roi_from_points(centre: np.ndarray, scale_point: np.ndarray, scale: float = ROI_SCALE) -> Roi:
    """ROI from an alignment pair in pixels (hip centre, size/rotation point).

    The side is 2·|scale_point − centre|·scale; the rotation turns the vector centre→scale_point
    to point straight up (90°).
    """
    dx, dy = float(scale_point[0] - centre[0]), float(scale_point[1] - centre[1])
    rotation = normalize_radians(np.pi / 2 - np.arctan2(-dy, dx))
    side = 2.0 * float(np.hypot(dx, dy)) * scale
    return Roi(float(centre[0]), float(centre[1]), side, rotation)


def crop(image_bgr: np.ndarray, roi: Roi) -> np.ndarray:
    """Rotated crop of the ROI: (1, 256, 256, 3) float32 RGB in [0, 1], border replicated."""
    patch = cv2.warpAffine(
        image_bgr,
        roi.crop_to_image(),
        (INPUT_SIZE, INPUT_SIZE),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    tensor = cv2.cvtColor(patch, cv2.COLOR_BGR2RGB).astype(np.float32)
    tensor *= 1.0 / 255.0
    return tensor[None]


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function, written with tanh so large logits cannot overflow."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x)))


def refine_with_heatmap(xy: np.ndarray, heatmap: np.ndarray) -> np.ndarray:
    """RefineLandmarksFromHeatmapCalculator: xy (L, 2) normalised to the crop, heatmap (h, w, L)
    logits → refined xy (L, 2).

    Each landmark moves to the sigmoid-weighted mean cell of the 7x7 window around its heatmap
    cell (truncated at the borders) when the window's highest confidence reaches 0.5. As in
    MediaPipe, the mean cell index is divided by the map size without a half-cell offset.
    """
    h, w, num = heatmap.shape
    num = min(num, xy.shape[0])
    cols = np.trunc(xy[:num, 0] * w).astype(int)
    rows = np.trunc(xy[:num, 1] * h).astype(int)
    inside = (cols >= 0) & (cols < w) & (rows >= 0) & (rows < h)
    half = (REFINE_KERNEL - 1) // 2
    offsets = np.arange(-half, half + 1)
    win_r = rows[:, None] + offsets[None, :]  # (L, 7)
    win_c = cols[:, None] + offsets[None, :]
    valid = ((win_r >= 0) & (win_r < h))[:, :, None] & ((win_c >= 0) & (win_c < w))[:, None, :]
    channel = np.arange(num)[:, None, None]
    values = sigmoid(heatmap[np.clip(win_r, 0, h - 1)[:, :, None], np.clip(win_c, 0, w - 1)[:, None, :], channel])
    values = np.where(valid, values, 0.0)  # (L, 7, 7)
    total = values.sum(axis=(1, 2))
    refine = inside & (values.max(axis=(1, 2)) >= REFINE_MIN_CONFIDENCE) & (total > 0)
    mean_r = (values * win_r[:, :, None]).sum(axis=(1, 2)) / np.maximum(total, 1e-12)
    mean_c = (values * win_c[:, None, :]).sum(axis=(1, 2)) / np.maximum(total, 1e-12)
    out = xy.copy()
    out[:num, 0] = np.where(refine, mean_c / w, xy[:num, 0])
    out[:num, 1] = np.where(refine, mean_r / h, xy[:num, 1])
    return out


@dataclass(frozen=True)
class LandmarkOutput:
    """Landmarks of one person, projected to the frame.

    landmarks: (33, 5) x, y (frame pixels), z (pixels, same scale as x; smaller is nearer the
        camera, hips ≈ 0), visibility, presence — the last two in [0, 1].
    auxiliary: (2, 2) x, y of the auxiliary hip-centre and size/rotation points (for the next ROI).
    world: (33, 3) metres, origin between the hips, rotated like the image.
    score: pose presence flag in [0, 1].
    roi: the region the landmarks were found in.
    mask: (256, 256) float32 person probability in the ROI crop, or None when not requested;
        ``roi.crop_to_image()`` maps its pixels to the frame.
    """

    landmarks: np.ndarray
    auxiliary: np.ndarray
    world: np.ndarray
    score: float
    roi: Roi
    mask: np.ndarray | None = None

    def next_roi(self) -> Roi:
        return roi_from_points(self.auxiliary[0], self.auxiliary[1])

    def frame_mask(self, width: int, height: int) -> np.ndarray | None:
        """(height, width) float32 person probability in frame pixels (0 outside the ROI)."""
        if self.mask is None:
            return None
        return cv2.warpAffine(
            self.mask, self.roi.crop_to_image(), (width, height), flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT, borderValue=0.0,
        )  # fmt: skip


def decode_landmarks(
    raw: np.ndarray, heatmap: np.ndarray, world: np.ndarray, score: float, roi: Roi
) -> LandmarkOutput:
    """Decode one landmark-model output into frame coordinates.

    raw: (195,) = 39 x (x, y, z, visibility logit, presence logit) in 256-pixel crop units;
    heatmap: (64, 64, 39) logits; world: (117,) = 39 x (x, y, z) metres.
    """
    points = raw.reshape(NUM_RAW_LANDMARKS, 5).astype(np.float64)
    xy = refine_with_heatmap(points[:, :2] / INPUT_SIZE, heatmap)
    image_xy = _project(xy * INPUT_SIZE, roi)
    z = points[:, 2] / INPUT_SIZE * roi.size
    landmarks = np.column_stack(
        [image_xy[:NUM_LANDMARKS], z[:NUM_LANDMARKS], sigmoid(points[:NUM_LANDMARKS, 3:5])]
    )
    c, s = np.cos(roi.rotation), np.sin(roi.rotation)
    w = world.reshape(NUM_RAW_LANDMARKS, 3)[:NUM_LANDMARKS].astype(np.float64)
    world_rot = np.column_stack([c * w[:, 0] - s * w[:, 1], s * w[:, 0] + c * w[:, 1], w[:, 2]])
    return LandmarkOutput(
        landmarks=landmarks.astype(np.float32),
        auxiliary=image_xy[[AUX_CENTRE, AUX_SCALE]],
        world=world_rot.astype(np.float32),
        score=float(score),
        roi=roi,
    )


def _project(crop_xy: np.ndarray, roi: Roi) -> np.ndarray:
    """(N, 2) crop pixel coordinates → (N, 2) frame pixel coordinates."""
    m = roi.crop_to_image()
    return crop_xy @ m[:, :2].T + m[:, 2]


class LandmarkModel:
    """Runs pose_landmark_full.tflite on ROIs, up to ``max_batch`` people in one call.

    Each batch size needs an interpreter of its own (made when first needed, ~90 MB of arena
    each). On the 2-core CPU a batch of two ran 5–10 % faster than two calls in isolation, but
    no faster within an analysis (CPU ms per frame, bench/pipeline.py), so the default is 1.
    """

    def __init__(self, model_path: str, num_threads: int = 2, max_batch: int = 1):
        self._model_path = str(model_path)
        self._num_threads = num_threads
        self.max_batch = max(1, max_batch)
        self._interpreters: dict[int, Any] = {}
        self._interpreter_for(1)  # fail early on a bad model file

    def _interpreter_for(self, batch: int) -> Any:
        if batch not in self._interpreters:
            from ai_edge_litert.interpreter import Interpreter

            interpreter = Interpreter(model_path=self._model_path, num_threads=self._num_threads)
            if batch != 1:
                interpreter.resize_tensor_input(interpreter.get_input_details()[0]["index"], [batch, INPUT_SIZE, INPUT_SIZE, 3])
            interpreter.allocate_tensors()
            self._interpreters[batch] = interpreter
        return self._interpreters[batch]

    def run(self, image_bgr: np.ndarray, roi: Roi, with_mask: bool = False) -> LandmarkOutput | None:
        """Landmarks inside ``roi``, or None when the model says no pose is there."""
        return self.run_many(image_bgr, [roi], with_mask)[0]

    def run_many(
        self, image_bgr: np.ndarray, rois: list[Roi], with_mask: bool = False
    ) -> list[LandmarkOutput | None]:
        """Landmarks inside each ROI (None where no pose is there), in batches of ≤ max_batch."""
        results: list[LandmarkOutput | None] = []
        for start in range(0, len(rois), self.max_batch):
            chunk = rois[start : start + self.max_batch]
            interpreter = self._interpreter_for(len(chunk))
            interpreter.set_tensor(
                interpreter.get_input_details()[0]["index"],
                np.concatenate([crop(image_bgr, roi) for roi in chunk]),
            )
            interpreter.invoke()
            # Identity: landmarks (N, 195); Identity_1: presence flag (N, 1); Identity_2:
            # segmentation logits (N, 256, 256, 1); Identity_3: heatmap (N, 64, 64, 39);
            # Identity_4: world landmarks (N, 117).
            out = {o["name"]: interpreter.get_tensor(o["index"]) for o in interpreter.get_output_details()}
            for i, roi in enumerate(chunk):
                results.append(_decode_one(out, i, roi, with_mask))
        return results


def _decode_one(out: dict[str, np.ndarray], i: int, roi: Roi, with_mask: bool) -> LandmarkOutput | None:
    score = float(out["Identity_1"][i].reshape(-1)[0])
    if score < PRESENCE_THRESHOLD:
        return None
    result = decode_landmarks(out["Identity"][i], out["Identity_3"][i], out["Identity_4"][i], score, roi)
    if not with_mask:
        return result
    mask = sigmoid(out["Identity_2"][i, :, :, 0]).astype(np.float32)
    return LandmarkOutput(result.landmarks, result.auxiliary, result.world, result.score, roi, mask)
