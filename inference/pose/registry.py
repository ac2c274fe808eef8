"""The pose backends, one table: name, label, skeleton, model files and a factory.

Every backend implements :class:`PoseBackend` (frames in, every person's keypoints out, in the
backend's own skeleton). Adding a backend is its own folder under ``inference/pose/`` with a
``backend.py`` that provides ``create(options) -> PoseBackend``, plus one line in :data:`BACKENDS`.
Everything else (the pipeline, the CLI's choices, Django's choices, start-up validation of
``POSECOACH_POSE_BACKEND``) derives from this table.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol

import numpy as np


class PoseBackend(Protocol):
    """skeleton: a keypoint set of :mod:`inference.skeleton`; batch_size: frames per call
    (1 for backends that follow people from frame to frame)."""

    skeleton: str
    batch_size: int

    def reset(self) -> None:
        """Forget any state from an earlier video."""

    def estimate(self, frames: list[np.ndarray]) -> list[np.ndarray]:
        """(H, W, 3) uint8 BGR frames → per frame (P, K, 3): x, y in frame pixels and a score;
        NaN x/y where a keypoint was not found."""
        ...


@dataclass(frozen=True)
class BackendOptions:
    """Settings a backend may use. redetect_every / max_people / num_threads: video mode of
    detector-then-landmark backends; batch_size: frames per call for backends that gain from
    batches."""

    redetect_every: int = 10
    max_people: int = 8
    num_threads: int = 2
    batch_size: int = 8


@dataclass(frozen=True)
class BackendSpec:
    """module: provides ``create(options) -> PoseBackend``, imported only when the backend runs
    (so choosing a backend never loads another one's framework)."""

    name: str
    label: str
    skeleton: str
    model_files: tuple[str, ...]
    module: str

    def create(self, options: BackendOptions | None = None) -> PoseBackend:
        factory = importlib.import_module(self.module).create
        backend: PoseBackend = factory(options or BackendOptions())
        return backend


BACKENDS: dict[str, BackendSpec] = {spec.name: spec for spec in (
    BackendSpec("blazepose", "BlazePose — fast, 33 landmarks with heels and toes (default)", "blazepose33",
                ("pose_detection.tflite", "pose_landmark_full.tflite"), "inference.pose.blazepose.backend"),
    BackendSpec("openpose", "OpenPose — one network pass for a whole group", "coco18",
                ("openpose_mobilenet_thin.npz",), "inference.pose.openpose.backend"),
)}  # fmt: skip

DEFAULT_BACKEND = "blazepose"


def backend_names() -> tuple[str, ...]:
    return tuple(BACKENDS)


def backend_spec(name: str) -> BackendSpec:
    """The backend called ``name``; ValueError naming the choices otherwise."""
    try:
        return BACKENDS[name]
    except KeyError:
        raise ValueError(f"unknown pose backend {name!r}; choose one of {', '.join(BACKENDS)}") from None
