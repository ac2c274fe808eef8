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


def create(options: BackendOptions) -> BlazePoseBackend:
    return BlazePoseBackend(options)
