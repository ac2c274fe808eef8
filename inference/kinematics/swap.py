"""Left/right swap detection for OpenPose output.

Bottom-up detectors such as OpenPose label each part "left" or "right" from appearance alone, and
in side views they often exchange the two legs (or arms) for a few frames. BlazePose tracks a region
of interest and rarely does. A swap shows as both legs jumping to each other's previous positions.

Rule (per limb group, legs and arms separately): frame t is *swapped relative to frame t-1* when
mirroring its group explains the previous frame much better than keeping it:
``cost(mirrored) < ratio × cost(kept)``, where cost is the summed distance of the group's points to
their positions in the last frame where they were seen. Legs crossing (both sides close together)
make both costs similar and never trigger it. The parity of the cumulative count of such frames says
which frames to mirror; the majority parity over the clip is taken as the true labelling, so a clip
that *starts* swapped is corrected as well. OpenPose's swaps last a few frames; a "swapped" stretch
longer than :data:`MAX_SWAP_S` more likely follows a missed or spurious flip (a limb hidden, the
arm overhead seen end-on), so it is left as detected rather than mirrored.

Shapes: T frames, N named points (:mod:`inference.kinematics.points`).
"""

from __future__ import annotations

import numpy as np

from inference.kinematics.filters import runs
from inference.kinematics.points import point_index
from inference.skeleton import mirror_name

SWAP_GROUPS: dict[str, tuple[str, ...]] = {
    "legs": ("RHip", "RKnee", "RAnkle", "RBigToe", "RSmallToe", "RHeel"),
    "arms": ("RShoulder", "RElbow", "RWrist", "RIndex"),
}
OPENPOSE_SKELETONS = ("coco18", "body25")
MAX_SWAP_S = 0.5


def _last_seen(xy: np.ndarray) -> np.ndarray:
    """(T, M, 2) → for each frame, each point's position in the latest earlier frame it was seen."""
    frames = xy.shape[0]
    seen = np.isfinite(xy[..., 0])  # (T, M)
    idx = np.where(seen, np.arange(frames)[:, None], -1)
    idx = np.maximum.accumulate(idx, axis=0)
    prev = np.full_like(xy, np.nan)
    prev_idx = np.vstack([np.full((1, idx.shape[1]), -1), idx[:-1]])
    ok = prev_idx >= 0
    cols = np.broadcast_to(np.arange(xy.shape[1]), prev_idx.shape)
    prev[ok] = xy[prev_idx[ok], cols[ok]]
    return prev


def _group_swaps(xy: np.ndarray, right: tuple[int, ...], left: tuple[int, ...], ratio: float, max_frames: int) -> np.ndarray:
    """(T,) bool: frames whose labelling of this group is opposite to the clip's majority."""
    both = xy[:, list(right) + list(left)]
    mirrored = xy[:, list(left) + list(right)]
    prev = _last_seen(both)
    kept = np.linalg.norm(both - prev, axis=-1)
    swapped = np.linalg.norm(mirrored - prev, axis=-1)
    usable = np.isfinite(kept) & np.isfinite(swapped)
    cost_kept = np.where(usable, kept, 0).sum(axis=1)
    cost_swapped = np.where(usable, swapped, 0).sum(axis=1)
    flips = (usable.sum(axis=1) >= 2) & (cost_swapped < ratio * cost_kept)
    parity = np.cumsum(flips) % 2 == 1
    present = np.isfinite(both[..., 0]).any(axis=1)
    if present.any() and parity[present].mean() > 0.5:
        parity = ~parity
    for start, stop in runs(parity):
        if stop - start > max_frames:
            parity[start:stop] = False
    return parity


def detect_swaps(xy: np.ndarray, t: np.ndarray, ratio: float = 0.5) -> dict[str, np.ndarray]:
    """Frames where each limb group's left/right labels are exchanged.

    xy: (T, N, 2) named points; t: (T,) seconds. Returns {group: (T,) bool}.
    """
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 1.0
    max_frames = max(1, int(round(MAX_SWAP_S / dt)))
    out = {}
    for group, right_names in SWAP_GROUPS.items():
        right = tuple(point_index(n) for n in right_names)
        left = tuple(point_index(mirror_name(n)) for n in right_names)
        out[group] = _group_swaps(xy, right, left, ratio, max_frames)
    return out


def apply_swaps(values: np.ndarray, swaps: dict[str, np.ndarray]) -> np.ndarray:
    """Exchange left and right points of each group in the flagged frames.

    values: (T, N, ...) any per-point array (positions, confidences). Returns a corrected copy.
    """
    out = np.array(values, copy=True)
    for group, flagged in swaps.items():
        if not flagged.any():
            continue
        right = [point_index(n) for n in SWAP_GROUPS[group]]
        left = [point_index(mirror_name(n)) for n in SWAP_GROUPS[group]]
        rows = np.flatnonzero(flagged)
        out[np.ix_(rows, np.array(right + left))] = values[np.ix_(rows, np.array(left + right))]
    return out

