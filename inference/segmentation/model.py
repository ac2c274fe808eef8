"""The trained UNet++ student: weights loaded lazily, once per process; predictions at a pruning level.

Weights are an npz of ``weights_by_name`` arrays plus ``__filters__`` and ``__working_side__``
(:func:`inference.segmentation.train.save_weights`). The default weights are committed beside this
file (weights/unetpp_default.npz; weights/MODEL_CARD.md says how they were trained and how well
they do). Nothing is downloaded.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from inference.segmentation.masks import working_size

DEFAULT_WEIGHTS = Path(__file__).resolve().parent / "weights" / "unetpp_default.npz"
DEFAULT_LEVEL = 2  # bench/segmentation.py: L3 gains 0.01 IoU for 1.5x the time
BATCH = 8


def read_weights(path: str | Path) -> tuple[dict[str, np.ndarray], tuple[int, ...], int]:
    """(arrays by layer name, filters, working_side) from a weights npz."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"segmentation weights {path} are missing")
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files if not k.startswith("__")}
        filters = tuple(int(v) for v in data["__filters__"])
        side = int(data["__working_side__"])
    return arrays, filters, side


class SegmentationModel:
    """UNet++ person probability for whole frames at the working resolution.

    weights: an npz path (default: the committed default weights); or ``arrays`` with ``filters``
    and ``working_side`` given directly (training). level: default pruning level (1–4).
    A Keras model per level is built on first use; all share the same arrays.
    """

    input_channels = 3  # RGB

    def __init__(self, weights: str | Path | None = None, *, arrays: dict[str, np.ndarray] | None = None,
                 filters: tuple[int, ...] | None = None, working_side: int | None = None,
                 level: int = DEFAULT_LEVEL) -> None:
        self._path = Path(weights) if weights is not None else DEFAULT_WEIGHTS
        self._arrays = arrays
        self._filters = filters
        self._working_side = working_side
        self.level = level
        self._models: dict[int, Any] = {}
        self._lock = threading.Lock()

    def _load(self) -> None:
        if self._arrays is None:
            self._arrays, self._filters, self._working_side = read_weights(self._path)

    @property
    def working_side(self) -> int:
        self._load()
        assert self._working_side is not None
        return self._working_side

    def working_size(self, width: int, height: int) -> tuple[int, int]:
        """(w, h) the frames of a (width, height) video are segmented at."""
        return working_size(width, height, self.working_side)

    def network(self, level: int | None = None) -> Any:
        """The Keras model of a pruning level (head ``level`` only, batch norm folded into the
        convolutions), weights loaded."""
        level = level or self.level
        with self._lock:
            if level not in self._models:
                from inference.segmentation.unetpp import (
                    UNetPPConfig,
                    build_unetpp,
                    set_weights_by_name,
                )

                self._load()
                assert self._arrays is not None and self._filters is not None
                model = build_unetpp(UNetPPConfig(filters=self._filters, level=level, deep_supervision=False,
                                                  channels=self.input_channels))
                set_weights_by_name(model, self._arrays)
                self._models[level] = model
            return self._models[level]

    def predict_working(self, images_bgr: np.ndarray, level: int | None = None) -> np.ndarray:
        """(N, h, w, 3) uint8 BGR at a size of multiples of 32 → (N, h, w) float32 probability."""
        from inference.segmentation.data import to_input
        from inference.segmentation.unetpp import check_input_size

        check_input_size(*images_bgr.shape[1:3])
        model = self.network(level)
        out = [np.asarray(model.predict_on_batch(to_input(images_bgr[i : i + BATCH])))
               for i in range(0, len(images_bgr), BATCH)]
        return np.concatenate(out)[..., 0] if out else np.zeros(images_bgr.shape[:3], np.float32)

    def predict(self, frames_bgr: list[np.ndarray], level: int | None = None) -> np.ndarray:
        """Frames of one size (H, W, 3) uint8 BGR → (N, h, w) float32 at the working size."""
        if not frames_bgr:
            return np.zeros((0, 0, 0), np.float32)
        height, width = frames_bgr[0].shape[:2]
        size = self.working_size(width, height)
        images = np.stack([cv2.resize(f, size, interpolation=cv2.INTER_AREA) for f in frames_bgr])
        return self.predict_working(images, level)


class PersonSegmentationModel(SegmentationModel):
    """The person-centred UNet++ (:mod:`inference.segmentation.person`): each person's crop with
    their skeleton → probability in the crop, composed back into the frame's working resolution.
    Weights: an npz as :class:`SegmentationModel`'s plus ``__channels__`` (4) and ``__crop__``."""

    person_centred = True
    input_channels = 4  # RGB and the person's skeleton

    def __init__(self, weights: str | Path, *, level: int = DEFAULT_LEVEL) -> None:
        super().__init__(weights, level=level)
        self.crop = read_crop(weights)

    def predict_crops(self, inputs: np.ndarray, level: int | None = None) -> np.ndarray:
        """(N, crop, crop, 4) float32 network inputs → (N, crop, crop) probability."""
        if not len(inputs):
            return np.zeros((0, self.crop, self.crop), np.float32)
        model = self.network(level)
        out = [np.asarray(model.predict_on_batch(inputs[i : i + BATCH])) for i in range(0, len(inputs), BATCH)]
        return np.concatenate(out)[..., 0]

    def predict_people(self, frames_bgr: list[np.ndarray], people: list[np.ndarray], limbs: Any,
                       torso: tuple[int, int, int, int] | None, size: tuple[int, int],
                       level: int | None = None) -> np.ndarray:
        """Frames (H, W, 3) uint8 BGR and their people (P, K, 3) in those frames' pixels →
        (N, h, w) float32 at the working size ``size`` (w, h): every person's crop predicted and
        composed back (0 outside every person's crop)."""
        from inference.segmentation.person import compose, person_inputs

        crops, owners, matrices = [], [], []
        for i, (frame, found) in enumerate(zip(frames_bgr, people, strict=True)):
            x, ms = person_inputs(frame, found, limbs, torso, self.crop)
            crops.append(x)
            owners += [i] * len(ms)
            matrices += ms
        probs = self.predict_crops(np.concatenate(crops) if crops else np.zeros((0, self.crop, self.crop, 4)), level)
        out = np.zeros((len(frames_bgr), size[1], size[0]), np.float32)
        for i, frame in enumerate(frames_bgr):
            rows = [k for k, owner in enumerate(owners) if owner == i]
            if rows:
                out[i] = compose([probs[k] for k in rows], [matrices[k] for k in rows], size,
                                 scale=size[0] / frame.shape[1])
        return out


def read_crop(path: str | Path) -> int:
    """The crop side of person-centred weights; ValueError for frame-level weights."""
    with np.load(Path(path), allow_pickle=False) as data:
        if "__crop__" not in data.files:
            raise ValueError(f"{path} holds frame-level weights, not person-centred ones")
        return int(data["__crop__"])


def load_model(weights: str | Path | None = None, *, level: int = DEFAULT_LEVEL) -> SegmentationModel:
    """The right model for a weights file: person-centred when it has ``__crop__``, else frame-level."""
    path = Path(weights) if weights is not None else DEFAULT_WEIGHTS
    if not path.is_file():
        raise FileNotFoundError(f"segmentation weights {path} are missing")
    with np.load(path, allow_pickle=False) as data:
        person = "__crop__" in data.files
    return PersonSegmentationModel(path, level=level) if person else SegmentationModel(path, level=level)


_default: SegmentationModel | None = None
_default_lock = threading.Lock()


def default_model() -> SegmentationModel:
    """The process-wide model of the committed default weights (loaded on first prediction)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = load_model(DEFAULT_WEIGHTS)
        return _default
