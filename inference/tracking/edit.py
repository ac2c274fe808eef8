"""A coach's repairs of the people found (issue 17, item 5, the engine's part): join two tracks
into one person, split a track at a time, drop a track that is not a person. Pure functions on a
:class:`~inference.posedata.PoseSequence`; the athlete's stages then run again on the result
(:func:`inference.pipeline.analyze_poses` or ``reanalyze`` with the edited pose section).

Arrays: keypoints (T, P, K, 3), NaN x/y where a person is absent; track_ids (P,).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from inference.posedata import PoseSequence


def _slot(poses: PoseSequence, track_id: int) -> int:
    found = np.flatnonzero(poses.track_ids == track_id)
    if not len(found):
        raise ValueError(f"no person with track id {track_id}")
    return int(found[0])


def _present(keypoints: np.ndarray) -> np.ndarray:
    """(T,) whether the slot (T, K, 3) has a skeleton in each frame."""
    return np.isfinite(keypoints[..., 0]).any(-1)


def track_frames(poses: PoseSequence, track_id: int) -> np.ndarray:
    """Indices of the frames in which track ``track_id`` has a skeleton. ValueError for an unknown id."""
    return np.flatnonzero(_present(poses.keypoints[:, _slot(poses, track_id)]))


def shared_frames(poses: PoseSequence, a: int, b: int) -> np.ndarray:
    """Indices of the frames in which tracks ``a`` and ``b`` both have a skeleton: two bodies at
    once, unless a region slid off its person for a few frames. ValueError for unknown ids."""
    first, second = _slot(poses, a), _slot(poses, b)
    return np.flatnonzero(_present(poses.keypoints[:, first]) & _present(poses.keypoints[:, second]))


def join_tracks(poses: PoseSequence, keep: int, other: int) -> PoseSequence:
    """Track ``other`` becomes part of track ``keep``: its skeletons fill keep's slot where keep
    has none (where both have one, keep's stays); other's slot goes. ValueError for unknown ids
    or a track joined with itself."""
    if keep == other:
        raise ValueError("a track cannot be joined with itself")
    a, b = _slot(poses, keep), _slot(poses, other)
    keypoints = poses.keypoints.copy()
    fill = _present(keypoints[:, b]) & ~_present(keypoints[:, a])
    keypoints[fill, a] = keypoints[fill, b]
    rest = [p for p in range(poses.num_people) if p != b]
    return replace(poses, keypoints=keypoints[:, rest], track_ids=poses.track_ids[rest].copy())


def split_track(poses: PoseSequence, track_id: int, at: float) -> tuple[PoseSequence, int]:
    """Track ``track_id``'s skeletons from time ``at`` (seconds) on become a new track; returns
    the poses and the new track's id (one above the largest). ValueError when the track has no
    skeleton before or none from ``at``."""
    p = _slot(poses, track_id)
    later = np.asarray(poses.timestamps) >= at
    present = _present(poses.keypoints[:, p])
    if not (present & ~later).any() or not (present & later).any():
        raise ValueError(f"track {track_id} has no skeleton on one side of {at:.3f} s")
    new_id = int(poses.track_ids.max()) + 1
    moved = np.full_like(poses.keypoints[:, p : p + 1], np.nan)
    moved[..., 2] = 0.0
    moved[later, 0] = poses.keypoints[later, p]
    keypoints = np.concatenate([poses.keypoints, moved], axis=1)
    keypoints[later, p] = np.nan
    keypoints[later, p, :, 2] = 0.0
    return replace(poses, keypoints=keypoints, track_ids=np.append(poses.track_ids, new_id).astype(np.int64)), new_id


def drop_track(poses: PoseSequence, track_id: int) -> PoseSequence:
    """Track ``track_id`` is not a person: its slot goes."""
    p = _slot(poses, track_id)
    rest = [q for q in range(poses.num_people) if q != p]
    return replace(poses, keypoints=poses.keypoints[:, rest], track_ids=poses.track_ids[rest].copy())
