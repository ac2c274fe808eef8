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

Gaps bounded on both sides by the identity (internal gaps) of at most the stitching's ``max_gap``
are searched. Identities seen longest are filled first, so a later one cannot take a body an
earlier fill found.

Past an identity's last frame (and before its first), up to ``max_gap`` too, but only while the
person cannot have left: every frame the chain reaches must give a skeleton whose box overlaps
another identity's skeleton box in that frame (the person went behind or into someone who is
still tracked: an embrace, a player screened by another) and whose visible keypoints all lie
inside the picture (a person at the edge may step out of it). A person who disappears alone
(behind a tree, a wall, out of the picture) is not followed: nothing tracked explains the loss,
and what the model fits there is a part of them at best (tried without the overlap rule:
phantoms, docs/tracking.md 4b). These ends are searched after the internal gaps.

Arrays: keypoints (T, P, K, 3) x, y pixels and confidence, NaN x, y where absent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from inference.tracking.geometry import box_iou, pose_box, same_body
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


def end_runs(present: np.ndarray, max_frames: int) -> list[tuple[list[int], int]]:
    """(frames, step): the frames after the last and before the first present frame, at most
    ``max_frames`` each, in the order a chain reaches them (step +1 forwards from the last, -1
    backwards from the first); present (T,) bool. No run where the identity is seen at the clip's
    ends or nowhere."""
    frames = np.flatnonzero(present)
    if not len(frames):
        return []
    first, last = int(frames[0]), int(frames[-1])
    after = list(range(last + 1, min(len(present), last + 1 + max_frames)))
    before = list(range(first - 1, max(-1, first - 1 - max_frames), -1))
    return [(run, step) for run, step in ((after, 1), (before, -1)) if run]


def gap_frames(keypoints: np.ndarray, max_frames: int, ends: bool = False) -> set[int]:
    """Every frame inside an internal gap of some identity, and with ``ends`` the frames past
    their ends that :func:`refill` may search (the frames a refill needs decoded)."""
    present = seen(keypoints)
    out = {f for p in range(present.shape[1]) for a, b in internal_gaps(present[:, p], max_frames) for f in range(a, b + 1)}
    if ends:
        out |= {f for p in range(present.shape[1]) for run, _ in end_runs(present[:, p], max_frames) for f in run}
    return out


def _accept(pose: np.ndarray | None, others: Sequence[np.ndarray], limbs: Sequence[tuple[int, int]]) -> bool:
    if pose is None or pose.shape[0] != 33:
        return pose is not None and not any(same_body(pose, o, limbs) for o in others)
    if float(np.nan_to_num(pose[_BODY, 2]).mean()) < MIN_FRAME_VISIBILITY:
        return False
    return not any(same_body(pose, o, limbs) for o in others)


def cannot_have_left(pose: np.ndarray, others: Sequence[np.ndarray], size: tuple[int, int]) -> bool:
    """Whether a skeleton found past its identity's end (module docstring) is of someone who is
    still there: its box overlaps another identity's skeleton box in that frame, and its visible
    keypoints lie inside the (width, height) picture."""
    box = pose_box(pose)
    if box is None or box[0] < 0 or box[1] < 0 or box[2] >= size[0] or box[3] >= size[1]:
        return False
    return any(box_iou(box, b) > 0 for b in (pose_box(o) for o in others) if b is not None)


def gap_spans(keypoints: np.ndarray, max_frames: int, ends: bool = False) -> list[tuple[int, int]]:
    """The frames of :func:`gap_frames` as disjoint runs (first, last), inclusive, in order: a
    run's gaps (and with ``ends`` the ends it holds) can be filled with only its own frames
    decoded (each frame's fit looks only at the other identities in the same frame)."""
    frames = sorted(gap_frames(keypoints, max_frames, ends))
    spans: list[tuple[int, int]] = []
    for f in frames:
        if spans and f == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], f)
        else:
            spans.append((f, f))
    return spans


def refill(keypoints: np.ndarray, find: Find, limbs: Sequence[tuple[int, int]], max_frames: int,
           span: tuple[int, int] | None = None, size: tuple[int, int] | None = None) -> tuple[np.ndarray, int]:
    """keypoints with internal gaps filled where ``find`` re-finds the person, and with ``size``
    (width, height of the picture) their ends followed while they cannot have left (module
    docstring) → (a copy, number of skeleton-frames filled). With ``span`` (first, last), only the
    gaps and ends inside it (a run of :func:`gap_spans`); they are those of ``keypoints`` as given."""
    out = np.array(keypoints, np.float32, copy=True)
    present = seen(out)
    gaps = [internal_gaps(present[:, p], max_frames) for p in range(out.shape[1])]
    ends = [end_runs(present[:, p], max_frames) for p in range(out.shape[1])]
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
    if size is None:
        return out, filled
    for p in sorted(range(out.shape[1]), key=lambda q: -int(present[:, q].sum())):
        for run, step in ends[p]:
            if span is not None and not span[0] <= min(run) <= max(run) <= span[1]:
                continue
            for f in run:
                others = [out[f, q] for q in range(out.shape[1]) if q != p and present[f, q]]
                pose = find(f, out[f - step, p])
                if pose is None or not (_accept(pose, others, limbs) and cannot_have_left(pose, others, size)):
                    break
                out[f, p] = pose
                present[f, p] = True
                filled += 1
    return out, filled
