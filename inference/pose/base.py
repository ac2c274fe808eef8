"""The interface pose backends implement, and (re-exported) the one output they all produce.

Shapes use named axes: T frames, P people, K keypoints.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

# The data type moved below the backends (inference.posedata); re-exported for the callers that
# still import it from here until they switch.
from inference.posedata import PoseSequence

__all__ = ["FramePoseEstimator", "PoseSequence"]


class FramePoseEstimator(Protocol):
    """A backend: frames in, every person's keypoints out (no identities across frames)."""

    skeleton: str

    def estimate(self, frames: list[np.ndarray]) -> list[np.ndarray]:
        """frames: list of (H, W, 3) uint8 BGR images → per frame an array (P, K, 3)."""
        ...
