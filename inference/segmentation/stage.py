"""The segmentation stage: a video and its tracked poses → :class:`MaskSequence`.

Frames are decoded again from the source (:func:`inference.video.iter_frames`, small: twice the
working size), so the masks' times are the source's presentation times, the same as the poses'.
Memory stays flat: one batch of frames and three probability maps are held at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from inference.posedata import PoseSequence
from inference.segmentation.masks import (
    MaskSequence,
    TemporalSmoother,
    assign_people,
    clean,
    person_boxes,
    person_gate,
)
from inference.segmentation.person import torso_indices

BATCH = 8


def _smoothed(predict: Callable[[list[tuple[np.ndarray, float]]], np.ndarray],
              frames: Iterator[tuple[np.ndarray, float]]) -> Iterator[tuple[np.ndarray, float]]:
    """(prob (h, w), t) per frame, smoothed over time, in order. predict: a batch of (frame, t)
    → (N, h, w) probabilities."""
    from inference.video import batches

    smoother = TemporalSmoother()
    for batch in batches(frames, BATCH):
        probs = predict(batch)
        for prob, (_, t) in zip(probs, batch, strict=True):
            out = smoother.push(prob, t)
            if out is not None:
                yield out
    last = smoother.flush()
    if last is not None:
        yield last


def segment_video(source: str | Path, poses: PoseSequence, athlete_index: int | None, *,
                  level: int | None = None, progress: Callable[[float], None] | None = None,
                  model: object | None = None) -> MaskSequence:
    """Masks of every frame of ``source``: every person, and the athlete (pose slot
    ``athlete_index`` of ``poses``, None: no athlete) through the tracks. The foreground is kept
    only near the people ``poses`` has at the mask's time (:func:`~inference.segmentation.masks.person_gate`);
    a frame without people is empty. A person-centred model
    (:class:`~inference.segmentation.model.PersonSegmentationModel`) segments each person's crop
    around their keypoints at the frame's time and composes the crops back.

    level: UNet++ pruning level (default: the model's, 2); model: a
    :class:`~inference.segmentation.model.SegmentationModel` (default: the committed weights,
    loaded once per process). progress(fraction) every batch.
    """
    from inference.segmentation.model import default_model
    from inference.skeleton import get_skeleton
    from inference.video import iter_frames, probe

    seg = model or default_model()
    level = level or seg.level  # type: ignore[attr-defined]
    info = probe(source)
    width, height = poses.size if poses.size[0] else (info.width, info.height)
    w, h = seg.working_size(width, height)  # type: ignore[attr-defined]
    scale = (w / width, h / height)
    limbs = get_skeleton(poses.skeleton).limbs
    expected = max(info.frame_count, 1)
    frames = iter_frames(source, max_side=2 * seg.working_side)  # type: ignore[attr-defined]

    def people_at(t: float) -> np.ndarray:
        j = int(np.argmin(np.abs(poses.timestamps - t))) if poses.num_frames else -1
        return poses.keypoints[j] if j >= 0 else np.zeros((0, 1, 3), np.float32)

    def predict(batch: list[tuple[np.ndarray, float]]) -> np.ndarray:
        images = [f for f, _ in batch]
        if not getattr(seg, "person_centred", False):
            return seg.predict(images, level)  # type: ignore[attr-defined,no-any-return]
        factor = np.array([images[0].shape[1] / width, images[0].shape[0] / height, 1.0], np.float32)
        people = [people_at(t) * factor for _, t in batch]
        return seg.predict_people(images, people, limbs, torso, (w, h), level)  # type: ignore[attr-defined,no-any-return]

    torso = torso_indices(get_skeleton(poses.skeleton).keypoints)
    foreground, athlete, times, boxes = [], [], [], []
    for prob, t in _smoothed(predict, frames):
        people = people_at(t)
        mask = clean(prob) & person_gate(people, scale, (w, h))
        frame_boxes = person_boxes(people, scale, (w, h))
        owners = assign_people(mask, people, frame_boxes, limbs, scale)
        foreground.append(mask)
        athlete.append(owners == athlete_index if athlete_index is not None else np.zeros_like(mask))
        times.append(t)
        boxes.append(frame_boxes)
        if progress is not None and len(times) % BATCH == 0:
            progress(min(len(times) / expected, 0.99))
    if progress is not None:
        progress(1.0)
    empty = np.zeros((0, h, w), bool)
    return MaskSequence(
        foreground=np.stack(foreground) if foreground else empty,
        athlete=np.stack(athlete) if athlete else empty,
        times=np.array(times, np.float64),
        boxes=np.stack(boxes).astype(np.float32) if boxes else np.zeros((0, poses.num_people, 4), np.float32),
        track_ids=poses.track_ids.astype(np.int64),
        athlete_index=athlete_index,
        source_size=(int(width), int(height)),
        level=int(level),
    )
