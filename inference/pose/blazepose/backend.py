"""The BlazePose backend as the pipeline runs it (video mode: each frame's regions come from the
previous frame, so frames go one at a time)."""

from __future__ import annotations

import numpy as np

from inference.pose.registry import BackendOptions


class BlazePoseBackend:
    batch_size: int = 1

    def __init__(self, options: BackendOptions) -> None:
        from inference.pose.blazepose.estimator import BlazePoseEstimator

        self._estimator = BlazePoseEstimator(
            redetect_every=options.redetect_every,
            max_people=options.max_people,
            num_threads=options.num_threads,
        )
        self.skeleton = self._estimator.skeleton

    def reset(self) -> None:
        self._estimator.reset()

    def estimate(self, frames: list[np.ndarray]) -> list[np.ndarray]:
        return self._estimator.estimate(frames)

    def refind(self, frame: np.ndarray, last: np.ndarray) -> np.ndarray | None:
        """A person in ``frame`` from their (33, 3) skeleton in a neighbouring frame, or None
        (inference/pose/blazepose/refind.py; the tracking stage's gap filling)."""
        from inference.pose.blazepose.refind import refind

        return refind(self._estimator.landmarks, frame, last)


def create(options: BackendOptions) -> BlazePoseBackend:
    return BlazePoseBackend(options)
