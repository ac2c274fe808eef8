"""Gaps inside an identity filled offline by looking for the person again (issue 17, item 4).

After stitching, an identity still misses the frames where the online pass lost them: the landmark
model's own region slid off the person (a small, blurred player dribbling), or the detector saw
them turned. The analysis is offline, so each gap is searched from both ends: from the person's
skeleton in the frame before the gap, forwards, and from the frame after it, backwards, one frame
at a time, a ``find(frame index, skeleton) -> skeleton | None`` call per frame (BlazePose:
:func:`inference.pose.blazepose.refind.refind`, which keeps only a skeleton the online tracker
would link to the neighbouring one). A chain stops at the first frame where nothing continues it,
or where what it found is not a body the model sees (body visibility under plausible.py's
``MIN_FRAME_VISIBILITY``), or is the body of another identity in that frame (``same_body``: the
person hidden behind someone is not replaced by the one in front). Nothing is invented: every
filled frame is a landmark-model fit on that frame; frames no chain reaches stay gaps.

Only gaps bounded on both sides by the identity (internal gaps) of at most the stitching's
``max_gap`` are searched: before the first and after the last frame, a person may have left the
picture. Identities seen longest are filled first, so a later one cannot take a body an earlier
fill found.

Arrays: keypoints (T, P, K, 3) x, y pixels and confidence, NaN x, y where absent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from inference.tracking.geometry import same_body
from inference.tracking.plausible import MIN_FRAME_VISIBILITY

_BODY = slice(11, 33)

Find = Callable[[int, np.ndarray], "np.ndarray | None"]


def seen(keypoints: np.ndarray) -> np.ndarray:
    """(T, P) bool: frames where each identity has a skeleton."""
    return np.isfinite(keypoints[..., 0]).any(-1)


def internal_gaps(present: np.ndarray, max_frames: int) -> list[tuple[int, int]]:
    """Runs of absent frames (first, last), inclusive, with present frames on both sides and at
    most ``max_frames`` long; present (T,) bool."""
    frames = np.flatnonzero(present)
    return [(int(a) + 1, int(b) - 1) for a, b in zip(frames[:-1], frames[1:], strict=True) if 1 < b - a <= max_frames + 1]


def gap_frames(keypoints: np.ndarray, max_frames: int) -> set[int]:
    """Every frame inside an internal gap of some identity (the frames a refill needs decoded)."""
    present = seen(keypoints)
    return {f for p in range(present.shape[1]) for a, b in internal_gaps(present[:, p], max_frames) for f in range(a, b + 1)}


def _accept(pose: np.ndarray | None, others: Sequence[np.ndarray], limbs: Sequence[tuple[int, int]]) -> bool:
    if pose is None or pose.shape[0] != 33:
        return pose is not None and not any(same_body(pose, o, limbs) for o in others)
    if float(np.nan_to_num(pose[_BODY, 2]).mean()) < MIN_FRAME_VISIBILITY:
        return False
    return not any(same_body(pose, o, limbs) for o in others)


def gap_spans(keypoints: np.ndarray, max_frames: int) -> list[tuple[int, int]]:
    """The frames of :func:`gap_frames` as disjoint runs (first, last), inclusive, in order: a
    run's gaps can be filled with only its own frames decoded (each frame's fit looks only at the
    other identities in the same frame)."""
    frames = sorted(gap_frames(keypoints, max_frames))
    spans: list[tuple[int, int]] = []
    for f in frames:
        if spans and f == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], f)
        else:
            spans.append((f, f))
    return spans


def refill(keypoints: np.ndarray, find: Find, limbs: Sequence[tuple[int, int]], max_frames: int,
           span: tuple[int, int] | None = None) -> tuple[np.ndarray, int]:
    """keypoints with internal gaps filled where ``find`` re-finds the person (module docstring) →
    (a copy, number of skeleton-frames filled). With ``span`` (first, last), only the gaps inside
    it (a run of :func:`gap_spans`); the gaps are those of ``keypoints`` as given."""
    out = np.array(keypoints, np.float32, copy=True)
    present = seen(out)
    gaps = [internal_gaps(present[:, p], max_frames) for p in range(out.shape[1])]
    filled = 0
    for p in sorted(range(out.shape[1]), key=lambda q: -int(present[:, q].sum())):
        for first, last in gaps[p]:
            if span is not None and not span[0] <= first <= last <= span[1]:
                continue
            todo = list(range(first, last + 1))
            for order in (todo, todo[::-1]):
                step = 1 if order is todo else -1
                for f in order:
                    if present[f, p]:
                        break  # met the other chain
                    others = [out[f, q] for q in range(out.shape[1]) if q != p and present[f, q]]
                    pose = find(f, out[f - step, p])
                    if not _accept(pose, others, limbs):
                        break
                    out[f, p] = pose
                    present[f, p] = True
                    filled += 1
    return out, filled
