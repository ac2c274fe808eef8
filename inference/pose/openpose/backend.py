"""The OpenPose backend as the pipeline runs it: frame by frame, no state, batched."""

from __future__ import annotations

import numpy as np

from inference.pose.registry import BackendOptions


class OpenPoseBackend:
    def __init__(self, options: BackendOptions) -> None:
        from inference.pose.openpose.estimator import OpenPoseEstimator

        self._estimator = OpenPoseEstimator(batch_size=options.batch_size)
        self.skeleton = self._estimator.skeleton
        self.batch_size = options.batch_size

    def reset(self) -> None:
        pass  # no state between frames

    def estimate(self, frames: list[np.ndarray]) -> list[np.ndarray]:
        return list(self._estimator.estimate(frames))


def create(options: BackendOptions) -> OpenPoseBackend:
    return OpenPoseBackend(options)
