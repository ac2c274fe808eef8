"""A compact JSON of keypoints for drawing skeletons over the video in the browser (canvas).

Layout (every number rounded; a page for a 1-minute 60 fps clip of two people at 15 fps is
~200 kB before gzip):

    {
      "skeleton": "blazepose33",
      "keypoints": ["nose", ...],          # K names
      "limbs": [[11, 12], ...],            # index pairs from inference.skeleton
      "size": [width, height],             # the pixel space of x, y (source, display orientation)
      "fps": 15.0,                         # of the frames below, after decimation
      "tracks": [0, 3],                    # track id of each person slot
      "athlete": 0,                        # track id or null
      "t": [0.0, 0.067, ...],              # seconds (presentation time) of each frame below
      "frame_times": [0.0, 0.017, ...],    # seconds of EVERY analysed frame of the source, before
                                           # decimation (the review player steps through these)
      "frames": [                          # per frame, per person slot:
        [[x0, y0, c0, x1, y1, c1, ...], null],   # null: that person is not in the frame
        ...
      ]
    }

x, y are integer pixels, c is the confidence in hundredths (0–100); absent keypoints are 0, 0, 0.
"t" thins out with the poses (a 60 fps clip draws 30 skeletons a second); "frame_times" never does,
so a frame-by-frame player steps through the source's own frames, with their real (possibly
uneven) times. Overlays written before "frame_times" existed lack it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from inference.posedata import PoseSequence
from inference.skeleton import get_skeleton


def decimation_step(timestamps: np.ndarray, max_fps: float) -> int:
    """Keep every n-th frame so the kept frames are at most max_fps apart (n ≥ 1)."""
    if len(timestamps) < 2 or max_fps <= 0:
        return 1
    frame_interval = float(np.median(np.diff(timestamps)))
    if frame_interval <= 0:
        return 1
    return max(1, int(np.floor(1.0 / (max_fps * frame_interval) + 1e-6)))


def compact_keypoints_json(
    poses: PoseSequence,
    *,
    athlete_track_id: int | None = None,
    only_athlete: bool = False,
    max_fps: float = 15.0,
) -> dict[str, Any]:
    """The overlay data of a PoseSequence (see module docstring), decimated to ≤ max_fps.

    only_athlete keeps the athlete's slot only (for the "athlete" toggle of a light page).
    """
    skeleton = get_skeleton(poses.skeleton)
    slots = np.arange(poses.num_people)
    if only_athlete:
        slots = np.flatnonzero(poses.track_ids == athlete_track_id)
    step = decimation_step(poses.timestamps, max_fps)
    kept = np.arange(0, poses.num_frames, step)
    keypoints = poses.keypoints[kept][:, slots]  # (T', P', K, 3)
    present = np.isfinite(keypoints[..., :2]).all(-1) & (np.nan_to_num(keypoints[..., 2]) > 0)
    packed = np.zeros(keypoints.shape, np.int64)
    packed[..., :2] = np.rint(np.nan_to_num(keypoints[..., :2]))
    packed[..., 2] = np.rint(np.clip(np.nan_to_num(keypoints[..., 2]), 0, 1) * 100)
    packed[~present] = 0
    anyone = present.any(-1)  # (T', P')
    frames = [
        [packed[t, p].ravel().tolist() if anyone[t, p] else None for p in range(len(slots))]
        for t in range(len(kept))
    ]
    interval = float(np.median(np.diff(poses.timestamps))) if poses.num_frames > 1 else 0.0
    return {
        "skeleton": skeleton.name,
        "keypoints": list(skeleton.keypoints),
        "limbs": [list(limb) for limb in skeleton.limbs],
        "size": list(poses.size),
        "fps": round(1.0 / (interval * step), 3) if interval > 0 else poses.fps,
        "tracks": [int(poses.track_ids[p]) for p in slots] if len(poses.track_ids) else [],
        "athlete": athlete_track_id,
        "t": [round(float(poses.timestamps[i]), 3) for i in kept],
        "frame_times": [round(float(t), 3) for t in poses.timestamps],
        "frames": frames,
    }
