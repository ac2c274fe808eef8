"""Distillation training of the person-centred UNet++ student, and evaluation of either student
on whole frames.

The person-centred student (:mod:`inference.segmentation.person`) learns from the same teacher
masks as the frame-level one: per sample a (frame, person) pair of a training source — the
person one the teacher's BlazePose found (``Source.people``) — is cropped around the person's ROI
with random jitter (centre ± ``JITTER_SHIFT`` of the side, side × 0.85–1.2, rotation ±
``JITTER_DEG``), the skeleton drawn from keypoints with noise (``KEYPOINT_NOISE`` of the side) and
some keypoints dropped (``KEYPOINT_DROP``), so that the pose stage's own keypoints (another
smoothing, tracking, small errors) look like training ones. The teacher mask is warped into the
crop the same way (label). Augmentation as the frame student's: flip, colour, blur, and background
replacement through the teacher mask (``background_p``).

:func:`predict_source` runs a student on whole frames of a labelled source, the way the pipeline
does (the frame student optionally gated by the people found, the person student composed from
the people's crops), so both are scored against the teacher alike (:func:`score`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from inference.segmentation.data import (
    DATA_SIDE,
    PHOTOS,
    Source,
    load_sources,
    random_blur,
    random_colour,
    scaled_crop,
    teacher_misses,
)
from inference.segmentation.masks import person_gate, working_size
from inference.segmentation.person import (
    CROP,
    MIN_KEYPOINTS,
    confident,
    crop_image,
    person_roi,
    skeleton_channel,
    to_person_input,
    torso_indices,
)
from inference.segmentation.train import DEFAULT_CACHE, TrainConfig, fit, prefetch, save_weights

JITTER_SHIFT = 0.05  # of the ROI side, standard deviation of the centre's shift
JITTER_DEG = 15.0  # largest extra rotation, degrees
JITTER_SIDE = (0.85, 1.2)  # range of the ROI side's factor
KEYPOINT_NOISE = 0.01  # of the ROI side, standard deviation of each keypoint's shift
KEYPOINT_DROP = 0.1  # probability that a keypoint is left out of the skeleton channel
SKELETON = "blazepose33"  # the teacher's people (Source.people) are BlazePose's 33 landmarks


def _skeleton() -> tuple[Sequence[tuple[int, int]], tuple[int, int, int, int] | None]:
    from inference.skeleton import get_skeleton

    skeleton = get_skeleton(SKELETON)
    return skeleton.limbs, torso_indices(skeleton.keypoints)


def person_items(sources: list[Source], *, training: bool = True) -> list[tuple[int, int, int]]:
    """(source, frame, person) of every person the teacher found with an ROI, in training frames
    (``training``) or held-out ones."""
    items = []
    for s, source in enumerate(sources):
        if source.people is None:
            raise ValueError(f"{source.name}: labelled without people; delete the label cache and label again")
        for i in np.flatnonzero(~source.held_out if training else source.held_out):
            for p, person in enumerate(source.people[i]):
                if confident(person).sum() >= MIN_KEYPOINTS:
                    items.append((s, int(i), p))
    return items


def person_sample(image: np.ndarray, mask: np.ndarray, person: np.ndarray, rng: np.random.Generator,
                  crop: int, limbs: Sequence[tuple[int, int]], torso: tuple[int, int, int, int] | None,
                  background: tuple[np.ndarray, np.ndarray] | None) -> tuple[np.ndarray, np.ndarray]:
    """One augmented training sample: (crop, crop, 4) float32 input and (crop, crop) float32 label."""
    roi = person_roi(person, torso)
    assert roi is not None
    angle = np.deg2rad(rng.uniform(-JITTER_DEG, JITTER_DEG))
    c, s = np.cos(angle), np.sin(angle)
    turn = np.array([[c, -s], [s, c]]) @ roi.turn
    side = roi.side * float(np.exp(rng.uniform(*np.log(JITTER_SIDE))))
    centre = np.array(roi.centre) + rng.normal(0, JITTER_SHIFT * roi.side, 2)
    from inference.segmentation.person import Roi

    m = Roi((float(centre[0]), float(centre[1])), side, turn).to_crop(crop)
    image_crop = crop_image(image, m, crop)
    label = cv2.warpAffine(mask, m, (crop, crop), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                           borderValue=0.0)
    noisy = person.copy()
    noisy[:, :2] += rng.normal(0, KEYPOINT_NOISE * roi.side, (len(person), 2))
    noisy[rng.random(len(person)) < KEYPOINT_DROP, 2] = 0.0
    skeleton = skeleton_channel(noisy, m, limbs, crop)
    if background is not None:
        back, back_mask = scaled_crop(*background, (crop, crop), float(rng.uniform(0.3, 1.0)), rng)
        alpha = label[..., None]
        image_crop = (alpha * image_crop + (1 - alpha) * back).astype(np.uint8)
        label = np.maximum(label, (1 - label) * back_mask)
    if rng.random() < 0.5:
        image_crop, label, skeleton = image_crop[:, ::-1], label[:, ::-1], skeleton[:, ::-1]
    image_crop = random_colour(np.ascontiguousarray(image_crop), rng)
    if rng.random() < 0.3:
        image_crop = random_blur(image_crop, rng)
    return to_person_input(image_crop[None], np.ascontiguousarray(skeleton)[None])[0], np.ascontiguousarray(label)


def train_person_model(sources: list[Source], config: TrainConfig, *, crop: int = CROP,
                       init: dict[str, np.ndarray] | None = None, progress: Callable[[float], None] | None = None,
                       log: Callable[[str], None] = print) -> dict[str, np.ndarray]:
    """Train the person-centred student on the training frames' people; returns its weights."""
    items = person_items(sources)
    if not items:
        raise ValueError("no training people: every source is held out, empty or without people")
    pairs = [(s.images[i], s.masks[i]) for s in sources for i in np.flatnonzero(~s.held_out)]
    limbs, torso = _skeleton()

    def make(step: int) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng([config.seed, step])
        xs, ys = [], []
        for _ in range(config.batch):
            s, i, p = items[int(rng.integers(len(items)))]
            source = sources[s]
            background = None
            if rng.random() < config.background_p:
                image, mask = pairs[int(rng.integers(len(pairs)))]
                background = (image, mask.astype(np.float32) / 255.0)
            x, y = person_sample(source.images[i], source.masks[i].astype(np.float32) / 255.0,
                                 source.people[i, p], rng, crop, limbs, torso, background)  # type: ignore[index]
            xs.append(x)
            ys.append(y)
        return np.stack(xs), np.stack(ys)[..., None]

    return fit(prefetch(make, config.steps, config.workers), config, channels=4, init=init, progress=progress,
               log=log)


def predict_source(model: Any, source: Source, rows: np.ndarray, *, level: int, working_side: int = 192,
                   gated: bool = True, people_only: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """A student's masks and the teacher's on frames ``rows`` of ``source``, at the working size:
    (pred (N, h, w) bool, teacher (N, h, w) bool). The frame student sees the frame resized to the
    working size and, when ``gated``, is gated by the teacher's people (:func:`person_gate`, as the
    pipeline gates by the pose stage's) and, with ``people_only``, kept where one of them is given
    the pixel plus everyone's core (:func:`~inference.segmentation.masks.people_pixels`, as the
    stage does; the teacher's own landmarks stand in for the pose stage's keypoints); the person
    student sees each person's crop of the stored frame (twice the working size, as the pipeline
    decodes) and is composed back."""
    height, width = source.images.shape[1:3]
    size = working_size(width, height, working_side)
    teacher = np.stack([cv2.resize(source.masks[i], size, interpolation=cv2.INTER_LINEAR) >= 128 for i in rows])
    people = [source.people[i] if source.people is not None else np.zeros((0, 33, 3), np.float32) for i in rows]
    if getattr(model, "person_centred", False):
        limbs, torso = _skeleton()
        prob = model.predict_people([source.images[i] for i in rows], people, limbs, torso, size, level)
        return prob >= 0.5, teacher
    images = np.stack([cv2.resize(source.images[i], size, interpolation=cv2.INTER_AREA) for i in rows])
    pred = model.predict_working(images, level=level) >= 0.5
    if gated:
        scale = (size[0] / width, size[1] / height)
        pred &= np.stack([person_gate(np.nan_to_num(p, nan=0.0), scale, size) for p in people])
        if people_only:
            from inference.segmentation.masks import people_pixels
            from inference.skeleton import get_skeleton

            skeleton = get_skeleton("blazepose33")
            pred = np.stack([people_pixels(m, np.nan_to_num(p, nan=0.0), skeleton.keypoints, skeleton.limbs, scale,
                                           None)[0] for m, p in zip(pred, people, strict=True)])
    return pred, teacher


def score(pred: np.ndarray, teacher: np.ndarray) -> dict[str, float]:
    """IoU (mean over frames; a frame where both are empty scores 1) and precision (pooled: the
    share of all predicted pixels the teacher also marks) against the teacher."""
    from inference.segmentation.losses import iou

    predicted = int(pred.sum())
    return {"iou": iou(pred, teacher), "precision": float((pred & teacher).sum() / predicted) if predicted else 1.0,
            "frames": int(len(pred))}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m inference.segmentation.person_train",
                                     description="Train the person-centred UNet++ student (see docs/segmentation.md).")
    parser.add_argument("--videos", type=Path, nargs="*", help="clips (default: ../shared/media/*.mp4)")
    parser.add_argument("--out", type=Path, required=True, help="weights file (.npz)")
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--level", type=int, default=2, help="deepest UNet++ level trained (the stage runs L2)")
    parser.add_argument("--keep-teacher-misses", action="store_true",
                        help="train on the frames data.teacher_misses flags too (default: left out)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lr", type=float, default=TrainConfig.learning_rate)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args(argv)
    videos = args.videos if args.videos else sorted((Path.cwd().parent / "shared" / "media").glob("*.mp4"))
    if not videos:
        print("error: no videos (pass --videos, or put the clips in ../shared/media)", file=sys.stderr)
        return 2
    sources = load_sources(videos, [p for p in PHOTOS if p.exists()], args.cache)
    kept = {s.name: np.ones(len(s.images), bool) if args.keep_teacher_misses else ~teacher_misses(s) for s in sources}
    sources = [Source(s.name, s.images[kept[s.name]], s.masks[kept[s.name]], s.times[kept[s.name]],
                      np.zeros(int(kept[s.name].sum()), bool), None if s.people is None else s.people[kept[s.name]])
               for s in sources]  # every frame trains: the held-out numbers are leave-one-clip-out's
    config = TrainConfig(steps=args.steps, batch=args.batch, crop=(CROP, CROP), seed=args.seed,
                         learning_rate=args.lr, workers=args.workers, level=args.level, jit_compile=False)
    started = time.perf_counter()
    weights = train_person_model(sources, config)
    seconds = time.perf_counter() - started
    save_weights(args.out, weights, config, crop=CROP)
    info = {"train_seconds": round(seconds, 1), "config": asdict(config), "crop": CROP, "data_side": DATA_SIDE,
            "sources": {s.name: int(len(s.images)) for s in sources},
            "left_out_teacher_misses": {name: int((~keep).sum()) for name, keep in kept.items()},
            "people": len(person_items(sources))}
    args.out.with_suffix(".json").write_text(json.dumps(info, indent=2) + "\n")
    print(json.dumps(info, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
