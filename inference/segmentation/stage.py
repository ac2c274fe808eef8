"""The segmentation stage: a video and its tracked poses → :class:`MaskSequence`.

Frames are decoded again from the source (:func:`inference.video.iter_decoded`; the key frames
alone converted to BGR, small: twice the working size), so the masks' times are the source's
presentation times, the same as the poses'. Memory stays flat: one batch of key frames, the
frames after the last of them and three probability maps are held at a time, and each frame's
masks are kept as compressed bits (:class:`~inference.segmentation.masks.PackedMasks`, a few
hundred bytes a frame) as they are made.

The network runs on *key frames* only, at most KEY_RATE per second of the video (the first frame,
then each frame at least 1 / KEY_RATE s after the previous key frame, and the last frame): every
frame of a video up to 30 frames/s, every second one at 60 frames/s. A frame in between gets the
probabilities of its two key frames blended by nearness in time; the gate and the people's pixels
are then worked out at its own time from its own poses, as for a key frame. docs/speed.md has the
measured cost: IoU against masks made on every frame, per clip and rate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from inference.posedata import PoseSequence
from inference.segmentation.masks import (
    MaskSequence,
    PackedMasks,
    TemporalSmoother,
    TrackedPeople,
    clean,
    people_pixels,
)
from inference.segmentation.person import torso_indices

BATCH = 8
# Network runs per second of video (docs/speed.md, "Segmentation at a lower rate"): at 30 the
# 60 fps clips' masks agree with every-frame masks at IoU 0.988–0.990 (foreground, pooled over
# the clip) for 30 % less segmentation CPU; at 20 (every third 60 fps frame) 0.965–0.975, and the
# 30 fps basketball clip interpolated every second frame drops to 0.927, so slower is not used.
KEY_RATE = 30.0
KEY_SLACK = 0.25  # of a key interval: a frame this close to the next key time is a key frame (timestamp jitter)

Predict = Callable[[list[tuple[Any, float]]], np.ndarray]


def _smoothed(predict: Predict, frames: Iterator[tuple[Any, float]],
              key_rate: float | None = None) -> Iterator[tuple[np.ndarray, float]]:
    """(prob (h, w), t) per frame, smoothed over time, in order. predict: a batch of (frame, t)
    → (N, h, w) probabilities, run on key frames only (:func:`keyed`; None: every frame)."""
    smoother = TemporalSmoother()
    for prob, t in keyed(predict, frames, key_rate):
        out = smoother.push(prob, t)
        if out is not None:
            yield out
    last = smoother.flush()
    if last is not None:
        yield last


def keyed(predict: Predict, frames: Iterator[tuple[Any, float]],
          key_rate: float | None = KEY_RATE) -> Iterator[tuple[np.ndarray, float]]:
    """(prob, t) of every frame, in order: ``predict``'s on key frames (at most ``key_rate`` per
    second of t, the first and the last frame; None: every frame), :func:`between` its two key
    frames' for a frame in between. Holds at most BATCH key frames and the frames after the last
    of them."""
    interval = (1.0 - KEY_SLACK) / key_rate if key_rate else 0.0
    keys: list[tuple[Any, float]] = []  # key frames waiting for the network
    order: list[tuple[float, bool]] = []  # (t, is key) of the frames not given out yet
    tail: tuple[Any, float] | None = None  # the latest frame, when it is not a key frame
    last: tuple[np.ndarray, float] | None = None  # the latest key frame's (prob, t)
    key_t = -np.inf

    def run() -> Iterator[tuple[np.ndarray, float]]:
        nonlocal last
        probs: Iterator[np.ndarray] = iter(predict(keys) if keys else ())
        keys.clear()
        pending: list[float] = []
        for t, is_key in order:
            if not is_key:
                pending.append(t)
                continue
            prob = next(probs)
            for u in pending:
                yield (prob if last is None else between(last, (prob, t), u)), u
            pending.clear()
            last = (prob, t)
            yield prob, t
        order[:] = [(u, False) for u in pending]  # they wait for the next key frame

    for frame, t in frames:
        if t >= key_t + interval or t < key_t:  # a time going back (a damaged file) starts again
            key_t, tail = t, None
            keys.append((frame, t))
            order.append((t, True))
            if len(keys) == BATCH:
                yield from run()
        else:
            tail = (frame, t)
            order.append((t, False))
    if tail is not None:  # the last frame is a key frame: the end is interpolated, not extrapolated
        keys.append(tail)
        order[-1] = (tail[1], True)
    yield from run()


def between(a: tuple[np.ndarray, float], b: tuple[np.ndarray, float], t: float) -> np.ndarray:
    """The probability at time t between key frames a and b, each (prob, time): their blend,
    weighted by nearness in time. (Warping each to t by its people's motion, a similarity
    transform or a shift from their keypoints, was tried and agreed less with every-frame masks:
    docs/speed.md.)"""
    (pa, ta), (pb, tb) = a, b
    w = 0.5 if tb <= ta else min(max((t - ta) / (tb - ta), 0.0), 1.0)
    return ((1.0 - w) * pa + w * pb).astype(np.float32)


def segment_video(source: str | Path, poses: PoseSequence, athlete_index: int | None, *,
                  level: int | None = None, progress: Callable[[float], None] | None = None,
                  model: object | None = None, key_rate: float | None = KEY_RATE,
                  athlete_core: bool = True) -> MaskSequence:
    """Masks of every frame of ``source``: every person, and the athlete (pose slot
    ``athlete_index`` of ``poses``, None: no athlete) through the tracks, short gaps in the athlete's
    track bridged and other people lost where they cannot have left held
    (:class:`~inference.segmentation.masks.TrackedPeople`). The foreground is kept
    only near the people ``poses`` has at the mask's time (:func:`~inference.segmentation.masks.person_gate`)
    and, of that, only the pixels some person is given (:func:`~inference.segmentation.masks.assign_people`:
    inside their box and within REACH of their skeleton); a frame without people is empty. A person-centred model
    (:class:`~inference.segmentation.model.PersonSegmentationModel`) segments each person's crop
    around their keypoints at the frame's time and composes the crops back.

    key_rate: network runs per second of video at most, the frames between interpolated (module
    docstring; None: every frame).
    athlete_core: the athlete's mask always holds the band along the athlete's confident limbs,
    torso and head (:func:`~inference.segmentation.masks.body_core`), whatever the network says
    there, so the privacy video never blurs the athlete's body where the pose stage sees it; every
    found person's band is foreground (so the foreground does not depend on who the athlete is).
    False: the network's pixels alone, for comparison.
    level: UNet++ pruning level (default: the model's, 2); model: a
    :class:`~inference.segmentation.model.SegmentationModel` (default: the committed weights,
    loaded once per process). progress(fraction) every batch.
    """
    from inference.segmentation.model import default_model
    from inference.skeleton import get_skeleton
    from inference.video import frame_to_bgr, iter_decoded, probe

    seg = model or default_model()
    level = level or seg.level  # type: ignore[attr-defined]
    info = probe(source)
    width, height = poses.size if poses.size[0] else (info.width, info.height)
    w, h = seg.working_size(width, height)  # type: ignore[attr-defined]
    scale = (w / width, h / height)
    limbs = get_skeleton(poses.skeleton).limbs
    names = get_skeleton(poses.skeleton).keypoints
    expected = max(info.frame_count, 1)
    side = 2 * seg.working_side  # type: ignore[attr-defined]
    frames = iter_decoded(source)  # converted to BGR only for the key frames

    tracked = TrackedPeople(poses.keypoints, poses.timestamps, (width, height), limbs, athlete_index)

    def people_at(t: float) -> np.ndarray:
        return people_and_held(t)[0]

    def people_and_held(t: float) -> tuple[np.ndarray, np.ndarray | None]:
        j = int(np.argmin(np.abs(poses.timestamps - t))) if poses.num_frames else -1
        return tracked.at(j) if j >= 0 else (np.zeros((0, 1, 3), np.float32), None)

    def predict(batch: list[tuple[Any, float]]) -> np.ndarray:
        images = [frame_to_bgr(f, side) for f, _ in batch]
        if not getattr(seg, "person_centred", False):
            return seg.predict(images, level)  # type: ignore[attr-defined,no-any-return]
        factor = np.array([images[0].shape[1] / width, images[0].shape[0] / height, 1.0], np.float32)
        people = [people_at(t) * factor for _, t in batch]
        return seg.predict_people(images, people, limbs, torso, (w, h), level)  # type: ignore[attr-defined,no-any-return]

    torso = torso_indices(get_skeleton(poses.skeleton).keypoints)
    foreground, athlete = PackedMasks(h, w), PackedMasks(h, w)  # compressed bits, appended frame by frame
    times: list[float] = []
    boxes: list[np.ndarray] = []
    for prob, t in _smoothed(predict, frames, key_rate):
        people, held = people_and_held(t)
        mask, mine, frame_boxes = people_pixels(clean(prob), people, names, limbs, scale, athlete_index, athlete_core,
                                                held)
        foreground.append(mask)
        athlete.append(mine)
        times.append(t)
        boxes.append(frame_boxes)
        if progress is not None and len(times) % BATCH == 0:
            progress(min(len(times) / expected, 0.99))
    if progress is not None:
        progress(1.0)
    return MaskSequence(
        foreground=foreground,
        athlete=athlete,
        times=np.array(times, np.float64),
        boxes=np.stack(boxes).astype(np.float32) if boxes else np.zeros((0, poses.num_people, 4), np.float32),
        track_ids=poses.track_ids.astype(np.int64),
        athlete_index=athlete_index,
        source_size=(int(width), int(height)),
        level=int(level),
    )
