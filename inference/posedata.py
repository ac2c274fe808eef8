"""The pose data type: every person's keypoints over a video, with timestamps.

It lives below the backends (:mod:`inference.pose`) so that the layers that read poses —
tracking, kinematics, actions, segmentation, exports — import the data type and never a backend
package (which would pull in model runtimes). Shapes use named axes: T frames, P people, K keypoints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class PoseSequence:
    """Poses of every person over a video.

    keypoints: (T, P, K, 3) float32 — x, y in source-frame pixels (display orientation, i.e. after
        rotation metadata is applied) and a confidence in [0, 1]; NaN x/y where a person or a
        keypoint is absent in a frame. Person slot p is the same tracked identity in every frame
        when ``track_ids`` is given.
    skeleton: name of a keypoint set defined in :mod:`inference.skeleton` ("blazepose33",
        "coco18", "body25").
    timestamps: (T,) float64 seconds, from presentation timestamps.
    fps: nominal frames per second of the source (for display; time comes from ``timestamps``).
    track_ids: (P,) int64 identity of each person slot.
    size: (width, height) of the frames the coordinates refer to.
    """

    keypoints: np.ndarray
    skeleton: str
    timestamps: np.ndarray
    fps: float
    size: tuple[int, int]
    track_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def num_frames(self) -> int:
        return int(self.keypoints.shape[0])

    @property
    def num_people(self) -> int:
        return int(self.keypoints.shape[1])

    def save(self, path: str | Path) -> None:
        """Write ``poses.npz``: arrays keypoints, skeleton, fps, timestamps, track_ids, size."""
        np.savez_compressed(
            path,
            keypoints=self.keypoints.astype(np.float32),
            skeleton=np.array(self.skeleton),
            fps=np.array(self.fps, np.float64),
            timestamps=self.timestamps.astype(np.float64),
            track_ids=self.track_ids.astype(np.int64),
            size=np.array(self.size, np.int64),
        )

    @classmethod
    def load(cls, path: str | Path) -> PoseSequence:
        with np.load(path, allow_pickle=False) as data:
            keypoints = data["keypoints"]
            track_ids = (
                data["track_ids"] if "track_ids" in data else np.arange(keypoints.shape[1])
            )
            size = tuple(int(v) for v in data["size"]) if "size" in data else (0, 0)
            return cls(
                keypoints=keypoints,
                skeleton=str(data["skeleton"]),
                timestamps=data["timestamps"],
                fps=float(data["fps"]),
                size=(size[0], size[1]),
                track_ids=track_ids,
            )
