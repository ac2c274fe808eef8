"""BlazePose person detector: SSD anchors, box/keypoint decoding, weighted NMS (pure NumPy).

Constants are those of MediaPipe's graph ``mediapipe/modules/pose_detection/pose_detection_cpu.pbtxt``
(google-ai-edge/mediapipe, shipped as the compiled graph in mediapipe 0.10.21):

- ImageToTensorCalculator: 224x224, keep_aspect_ratio (letterbox), float range [-1, 1],
  BORDER_ZERO.
- SsdAnchorsCalculator: num_layers 5, strides 8/16/32/32/32, min_scale 0.1484375, max_scale 0.75,
  anchor offset 0.5, aspect_ratios [1.0], fixed_anchor_size → 2254 anchors.
- TensorsToDetectionsCalculator: 2254 boxes x 12 coords (box cx, cy, w, h + 4 keypoints x, y),
  sigmoid score clipped at ±100, reverse_output_order (x before y), x/y/w/h scale 224,
  min_score_thresh 0.5 (legacy solutions.pose's min_detection_confidence default).
- NonMaxSuppressionCalculator: WEIGHTED, IoU, min_suppression_threshold 0.3.

The four keypoints of a detection (same graph, comments): 0 mid-hip centre, 1 a point whose
distance from 0 encodes full-body size and whose direction encodes rotation, 2 mid-shoulder
centre, 3 the same for the upper body. Detections' boxes are face boxes.

The detector is the SSD of the BlazePose paper (Bazarevsky et al., 2020, arXiv:2006.10204, §3.1).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

INPUT_SIZE = 224
NUM_ANCHORS = 2254
NUM_KEYPOINTS = 4
MIN_SCORE = 0.5
NMS_IOU = 0.3
SCORE_CLIP = 100.0
_STRIDES = (8, 16, 32, 32, 32)
_ANCHORS_PER_LAYER = 2  # one aspect ratio (1.0) + the interpolated scale; fixed size, so identical


@dataclass(frozen=True)
class Detection:
    """One detected person, in normalised image coordinates ([0, 1] of width and height).

    box: (4,) xmin, ymin, xmax, ymax of the face box.
    keypoints: (4, 2) x, y of the four alignment keypoints (see module docstring).
    score: detector confidence in [0, 1].
    """

    box: np.ndarray
    keypoints: np.ndarray
    score: float


def ssd_anchors(input_size: int = INPUT_SIZE, strides: tuple[int, ...] = _STRIDES) -> np.ndarray:
    """Anchor centres (A, 2) x, y in [0, 1], in the order the model outputs its boxes.

    Mirrors SsdAnchorsCalculator with fixed_anchor_size: consecutive layers with the same stride
    share one feature map; each contributes 2 anchors per cell (aspect ratio 1 and the
    interpolated scale), cells in row-major order. Widths and heights are all 1 and omitted.
    """
    centres = []
    layer = 0
    while layer < len(strides):
        stride = strides[layer]
        same = 0
        while layer + same < len(strides) and strides[layer + same] == stride:
            same += 1
        cells = int(np.ceil(input_size / stride))
        grid = (np.arange(cells, dtype=np.float32) + 0.5) / cells
        yy, xx = np.meshgrid(grid, grid, indexing="ij")
        per_cell = _ANCHORS_PER_LAYER * same
        xy = np.stack([xx.ravel(), yy.ravel()], axis=1)
        centres.append(np.repeat(xy, per_cell, axis=0))
        layer += same
    return np.concatenate(centres).astype(np.float32)


def letterbox(
    image_bgr: np.ndarray, size: int = INPUT_SIZE
) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """Fit the image into size x size keeping aspect ratio, centred, zero border.

    Returns (tensor (1, size, size, 3) float32 RGB in [-1, 1], padding (left, top, right, bottom)
    as fractions of the output size).
    """
    height, width = image_bgr.shape[:2]
    scale = size / max(width, height)
    new_w = max(1, round(width * scale))
    new_h = max(1, round(height * scale))
    resized = cv2.resize(image_bgr, (new_w, new_h), interpolation=cv2.INTER_AREA)
    # BORDER_ZERO pads with black pixels, which normalise to -1.
    canvas = np.zeros((size, size, 3), np.uint8)
    left = (size - new_w) // 2
    top = (size - new_h) // 2
    canvas[top : top + new_h, left : left + new_w] = resized
    tensor = cv2.cvtColor(canvas, cv2.COLOR_BGR2RGB).astype(np.float32)
    tensor *= 2.0 / 255.0
    tensor -= 1.0
    pad = (left / size, top / size, (size - new_w - left) / size, (size - new_h - top) / size)
    return tensor[None], pad


def decode_boxes(
    raw_boxes: np.ndarray, raw_scores: np.ndarray, anchors: np.ndarray, min_score: float = MIN_SCORE
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decode the detector's raw output (letterboxed-input coordinates, [0, 1]).

    raw_boxes: (A, 12), raw_scores: (A,) logits, anchors: (A, 2).
    Returns boxes (N, 4) xmin, ymin, xmax, ymax; keypoints (N, 4, 2); scores (N,) for the
    N anchors whose sigmoid score is at least min_score.
    """
    scores = 1.0 / (1.0 + np.exp(-np.clip(raw_scores.astype(np.float64), -SCORE_CLIP, SCORE_CLIP)))
    keep = np.flatnonzero(scores >= min_score)
    raw = raw_boxes[keep] / INPUT_SIZE
    anchor = anchors[keep]
    cx = raw[:, 0] + anchor[:, 0]
    cy = raw[:, 1] + anchor[:, 1]
    half_w = raw[:, 2] / 2
    half_h = raw[:, 3] / 2
    boxes = np.stack([cx - half_w, cy - half_h, cx + half_w, cy + half_h], axis=1)
    keypoints = raw[:, 4 : 4 + 2 * NUM_KEYPOINTS].reshape(-1, NUM_KEYPOINTS, 2) + anchor[:, None, :]
    return boxes, keypoints, scores[keep]


def iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Intersection over union of one box (4,) with boxes (N, 4), both xmin, ymin, xmax, ymax."""
    ix = np.clip(np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]), 0, None)
    iy = np.clip(np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]), 0, None)
    inter = ix * iy
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    union = area + areas - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


def weighted_nms(
    boxes: np.ndarray, keypoints: np.ndarray, scores: np.ndarray, threshold: float = NMS_IOU
) -> list[Detection]:
    """MediaPipe's WEIGHTED non-maximum suppression.

    Take the best remaining box; every remaining box whose IoU with it exceeds ``threshold``
    (itself included) is merged into it: box and keypoints become the score-weighted mean of the
    group, the score stays the best one. Repeat on what is left. Output is sorted by score.
    """
    order = np.argsort(-scores, kind="stable")
    detections = []
    while order.size:
        best = order[0]
        merge = iou(boxes[best], boxes[order]) > threshold
        merge[0] = True  # the best box always belongs to its own group, even if degenerate
        group = order[merge]
        weights = scores[group][:, None]
        merged_box = (boxes[group] * weights).sum(0) / weights.sum()
        merged_kp = (keypoints[group] * weights[:, :, None]).sum(0) / weights.sum()
        detections.append(Detection(merged_box, merged_kp, float(scores[best])))
        order = order[~merge]
    return detections


def remove_letterbox(detection: Detection, pad: tuple[float, float, float, float]) -> Detection:
    """Map a detection from letterboxed-input coordinates to the original image's [0, 1]."""
    left, top, right, bottom = pad
    sx = 1.0 - left - right
    sy = 1.0 - top - bottom
    box = (detection.box - np.array([left, top, left, top])) / np.array([sx, sy, sx, sy])
    keypoints = (detection.keypoints - np.array([left, top])) / np.array([sx, sy])
    return Detection(box.astype(np.float32), keypoints.astype(np.float32), detection.score)


class PoseDetector:
    """Runs pose_detection.tflite on whole frames; returns every person found."""

    def __init__(self, model_path: str, num_threads: int = 2, min_score: float = MIN_SCORE):
        from ai_edge_litert.interpreter import Interpreter

        self._interpreter = Interpreter(model_path=str(model_path), num_threads=num_threads)
        self._interpreter.allocate_tensors()
        self._input = self._interpreter.get_input_details()[0]["index"]
        outputs = {o["name"]: o for o in self._interpreter.get_output_details()}
        # Identity: (1, 2254, 12) boxes; Identity_1: (1, 2254, 1) score logits.
        self._boxes = outputs["Identity"]["index"]
        self._scores = outputs["Identity_1"]["index"]
        self._anchors = ssd_anchors()
        self.min_score = min_score

    def detect(self, image_bgr: np.ndarray) -> list[Detection]:
        """image_bgr: (H, W, 3) uint8 → detections in the image's normalised coordinates."""
        tensor, pad = letterbox(image_bgr)
        self._interpreter.set_tensor(self._input, tensor)
        self._interpreter.invoke()
        raw_boxes = self._interpreter.get_tensor(self._boxes)[0]
        raw_scores = self._interpreter.get_tensor(self._scores)[0, :, 0]
        boxes, keypoints, scores = decode_boxes(raw_boxes, raw_scores, self._anchors, self.min_score)
        return [remove_letterbox(d, pad) for d in weighted_nms(boxes, keypoints, scores)]
