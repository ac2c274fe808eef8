"""BlazePose backend: MediaPipe's pose_detection + pose_landmark_full models run with ai-edge-litert.

See docs/blazepose.md for the pipeline, the constants and their sources.
"""

from inference.pose.blazepose.estimator import BlazePoseEstimator, keypoints
from inference.pose.blazepose.landmarks import LandmarkOutput, Roi

__all__ = ["BlazePoseEstimator", "LandmarkOutput", "Roi", "keypoints"]
