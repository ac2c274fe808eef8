"""Distillation training of the UNet++ student on teacher masks, and its evaluation.

``python -m inference.segmentation.train --out inference/segmentation/weights/unetpp_default.npz``
labels the ../shared/media clips and the opencv-doc photos with the teacher
(:mod:`inference.segmentation.teacher`; cached under ``var/segmentation/data``), trains with BCE +
Dice on all four deep-supervision heads (Adam, cosine-decayed learning rate, seeded), then
reports the IoU against the teacher on the held-out part of each clip for every pruning level.
The exact command that made the committed weights is in weights/MODEL_CARD.md.

:func:`retrain_segmentation` fine-tunes from the default weights on an instance's own videos.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from inference.segmentation.data import (
    Source,
    augment,
    load_labelled,
    load_sources,
    to_input,
    training_photos,
)
from inference.segmentation.masks import working_size

DEFAULT_CACHE = Path("var/segmentation/data")


@dataclass(frozen=True)
class TrainConfig:
    """steps × batch samples of crop (h, w); lr decays from ``learning_rate`` to 1 % (cosine).
    background_p: probability of background replacement; working_side: long side of frames at
    inference (evaluation and the scale of the training crops). augment=False feeds the frames
    resized to ``crop`` as they are (the overfitting smoke test). jit_compile: Keras' (XLA
    compiles faster steps but takes tens of seconds to compile; False for short runs). level: the
    deepest level trained (4; fewer layers for quick tests). max_seconds: stop training after this
    long (the learning rate then has not fully decayed; the log says at which step). balance:
    "frames" draws every training frame (or photo) equally often; "sources" draws a source first,
    each equally often, then one of its frames (a photo then weighs as much as a clip)."""

    filters: tuple[int, ...] = (8, 16, 24, 32, 48)
    steps: int = 2500
    batch: int = 12
    crop: tuple[int, int] = (96, 96)
    learning_rate: float = 3e-3
    background_p: float = 0.5
    working_side: int = 192
    seed: int = 0
    augment: bool = True
    workers: int = 1
    jit_compile: bool | str = "auto"
    level: int = 4
    max_seconds: float | None = None
    levels: tuple[int, ...] = field(default=(1, 2, 3, 4))
    balance: str = "frames"


def _pools(sources: list[Source]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Training (image, mask) pairs per source; mask float32 in [0, 1]."""
    return [
        (s.images[i], s.masks[i].astype(np.float32) / 255.0)
        for s in sources
        for i in np.flatnonzero(~s.held_out)
    ]


def _draw_weights(sources: list[Source], config: TrainConfig) -> np.ndarray | None:
    """Probability of each training pair (in ``_pools``' order) under ``config.balance``; None:
    uniform over pairs ("frames", drawn as before the option existed)."""
    if config.balance == "frames":
        return None
    if config.balance != "sources":
        raise ValueError(f"balance must be 'frames' or 'sources', not {config.balance!r}")
    counts = [int((~s.held_out).sum()) for s in sources]
    used = sum(1 for c in counts if c)
    return np.concatenate([np.full(c, 1.0 / (used * c)) for c in counts if c])


def _batch(pairs: list[tuple[np.ndarray, np.ndarray]], config: TrainConfig, step: int,
           base_scale: float, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Batch ``step``: its own random stream (seed, step), so batches do not depend on which
    worker thread made them. weights: each pair's probability (None: uniform)."""
    rng = np.random.default_rng([config.seed, step])

    def draw() -> int:
        return int(rng.integers(len(pairs))) if weights is None else int(rng.choice(len(pairs), p=weights))

    images, masks = [], []
    for _ in range(config.batch):
        image, mask = pairs[draw()]
        if not config.augment:
            size = (config.crop[1], config.crop[0])
            images.append(cv2.resize(image, size, interpolation=cv2.INTER_AREA))
            masks.append(cv2.resize(mask, size, interpolation=cv2.INTER_LINEAR))
            continue
        background = pairs[draw()] if rng.random() < config.background_p else None
        a, m = augment(image, mask, config.crop, rng, background, base_scale)
        images.append(a)
        masks.append(m)
    return to_input(np.stack(images)), np.stack(masks)[..., None]


def _prefetched(pairs: list[tuple[np.ndarray, np.ndarray]], config: TrainConfig, base_scale: float,
                weights: np.ndarray | None = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Batches 0..steps-1 in order, made ahead by ``config.workers`` threads (OpenCV releases the GIL)."""
    return prefetch(lambda step: _batch(pairs, config, step, base_scale, weights), config.steps, config.workers)


def prefetch(make: Callable[[int], tuple[np.ndarray, np.ndarray]], steps: int, workers: int
             ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """make(0), …, make(steps - 1) in order, made ahead by ``workers`` threads."""
    with ThreadPoolExecutor(max(1, workers)) as pool:
        ahead = 2 * max(1, workers)
        futures = deque(pool.submit(make, step) for step in range(min(ahead, steps)))
        for step in range(steps):
            batch = futures.popleft().result()
            if step + ahead < steps:
                futures.append(pool.submit(make, step + ahead))
            yield batch


def train_model(sources: list[Source], config: TrainConfig, *, init: dict[str, np.ndarray] | None = None,
                progress: Callable[[float], None] | None = None, log: Callable[[str], None] = print
                ) -> dict[str, np.ndarray]:
    """Train a deep-supervised UNet++ (L4 unless config.level) and return its weights
    (``weights_by_name``)."""
    from inference.segmentation.data import DATA_SIDE

    pairs = _pools(sources)
    if not pairs:
        raise ValueError("no training frames: every source is held out or empty")
    batches = _prefetched(pairs, config, config.working_side / DATA_SIDE, _draw_weights(sources, config))
    return fit(batches, config, channels=3, init=init,
               progress=progress, log=log)


def fit(batches: Iterator[tuple[np.ndarray, np.ndarray]], config: TrainConfig, *, channels: int,
        init: dict[str, np.ndarray] | None = None, progress: Callable[[float], None] | None = None,
        log: Callable[[str], None] = print) -> dict[str, np.ndarray]:
    """The training loop shared by the frame and the person-centred student: BCE + Dice on every
    head, Adam with a cosine-decayed learning rate, seeded; returns ``weights_by_name``."""
    import keras

    from inference.segmentation.losses import bce_dice_loss
    from inference.segmentation.unetpp import (
        UNetPPConfig,
        build_unetpp,
        set_weights_by_name,
        weights_by_name,
    )

    keras.utils.set_random_seed(config.seed)
    model = build_unetpp(UNetPPConfig(filters=config.filters, level=config.level, channels=channels))
    if init is not None:
        set_weights_by_name(model, init)
    schedule = keras.optimizers.schedules.CosineDecay(config.learning_rate, config.steps, alpha=0.01)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss=[bce_dice_loss] * len(model.outputs),
                  jit_compile=config.jit_compile)
    started = time.perf_counter()
    for step, (x, y) in enumerate(batches):
        losses = model.train_on_batch(x, [y] * len(model.outputs))
        if step % 100 == 0 or step == config.steps - 1:
            total = float(np.ravel(losses)[0])
            log(f"step {step:5d}  loss {total:.4f}  {time.perf_counter() - started:.0f} s")
        if progress is not None:
            progress((step + 1) / config.steps)
        if config.max_seconds is not None and time.perf_counter() - started > config.max_seconds:
            log(f"stopped after {step + 1} of {config.steps} steps: {config.max_seconds:.0f} s reached")
            break
    return weights_by_name(model)


def held_out_frames(sources: list[Source], working_side: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{source name: (images (N, h, w, 3) uint8 at the working size, teacher masks (N, h, w) bool)}."""
    out = {}
    for s in sources:
        rows = np.flatnonzero(s.held_out)
        if not len(rows):
            continue
        height, width = s.images.shape[1:3]
        size = working_size(width, height, working_side)
        images = np.stack([cv2.resize(s.images[i], size, interpolation=cv2.INTER_AREA) for i in rows])
        masks = np.stack([cv2.resize(s.masks[i], size, interpolation=cv2.INTER_LINEAR) >= 128 for i in rows])
        out[s.name] = (images, masks)
    return out


def evaluate(weights: dict[str, np.ndarray], sources: list[Source], config: TrainConfig) -> dict[str, Any]:
    """IoU against the teacher on held-out frames, per pruning level and per source, at the working size."""
    from inference.segmentation.losses import iou
    from inference.segmentation.model import SegmentationModel

    model = SegmentationModel(arrays=weights, filters=config.filters, working_side=config.working_side)
    frames = held_out_frames(sources, config.working_side)
    result: dict[str, Any] = {}
    for level in config.levels:
        per_source = {name: iou(model.predict_working(images, level=level) >= 0.5, masks)
                      for name, (images, masks) in frames.items()}
        pooled = [iou(model.predict_working(images, level=level) >= 0.5, masks, per_image=True) * len(images)
                  for images, masks in frames.values()]
        count = sum(len(images) for images, _ in frames.values())
        result[f"L{level}"] = {"iou": sum(pooled) / max(count, 1), "per_source": per_source}
    result["held_out_frames"] = sum(len(images) for images, _ in frames.values())
    return result


def save_weights(path: Path, weights: dict[str, np.ndarray], config: TrainConfig, *, crop: int | None = None
                 ) -> None:
    """npz: the weights by layer name, plus ``__filters__`` and ``__working_side__`` (and
    ``__crop__`` for the person-centred student)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {k: v.astype(np.float32) for k, v in weights.items()}
    arrays["__filters__"] = np.array(config.filters, np.int64)
    arrays["__working_side__"] = np.array(config.working_side, np.int64)
    if crop is not None:
        arrays["__crop__"] = np.array(crop, np.int64)
    np.savez_compressed(path, **arrays)  # type: ignore[arg-type]


def retrain_segmentation(videos: list[Path], out_dir: Path, *, seed: int = 0, steps: int = 400,
                         progress: Callable[[float], None] | None = None) -> dict[str, Any]:
    """Fine-tune the default weights on teacher masks of ``videos`` (e.g. an instance's library).

    Writes ``out_dir/unetpp.npz`` (load it with ``SegmentationModel(weights=out_dir / "unetpp.npz")``)
    and ``out_dir/metrics.json``; returns the metrics: IoU against the teacher on the held-out last
    quarter of each video, per pruning level, before and after fine-tuning. progress(fraction):
    labelling is the first 30 %, training the next 60 %, evaluation the rest.
    """
    from inference.segmentation.model import DEFAULT_WEIGHTS, read_weights

    report = progress or (lambda fraction: None)
    out_dir = Path(out_dir)
    sources = load_sources(list(videos), [], out_dir / "data")
    report(0.3)
    init, filters, working_side = read_weights(DEFAULT_WEIGHTS)
    config = TrainConfig(filters=filters, working_side=working_side, steps=steps, seed=seed,
                         learning_rate=1e-3)
    before = evaluate(init, sources, config)
    weights = train_model(sources, config, init=init, progress=lambda f: report(0.3 + 0.6 * f),
                          log=lambda msg: None)
    save_weights(out_dir / "unetpp.npz", weights, config)
    after = evaluate(weights, sources, config)
    metrics = {"videos": [str(v) for v in videos], "config": asdict(config), "before": before, "after": after,
               "weights": str(out_dir / "unetpp.npz")}
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    report(1.0)
    return metrics


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m inference.segmentation.train", description=__doc__.split("\n")[0])
    parser.add_argument("--videos", type=Path, nargs="*", help="clips (default: ../shared/media/*.mp4)")
    parser.add_argument("--no-photos", action="store_true", help="leave out the opencv-doc photos")
    parser.add_argument("--package-photos", action="store_true",
                        help="add the photos inference.segmentation.photos fetched (make training-data)")
    parser.add_argument("--balance", choices=("frames", "sources"), default="frames",
                        help="draw frames uniformly (default) or each source equally often")
    parser.add_argument("--out", type=Path, required=True, help="weights file (.npz)")
    parser.add_argument("--steps", type=int, default=TrainConfig.steps)
    parser.add_argument("--batch", type=int, default=TrainConfig.batch)
    parser.add_argument("--crop", type=int, default=TrainConfig.crop[0], help="square crop side, pixels")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lr", type=float, default=TrainConfig.learning_rate, help="peak learning rate")
    parser.add_argument("--workers", type=int, default=1, help="threads making batches")
    parser.add_argument("--max-seconds", type=float, help="stop training after this long")
    parser.add_argument("--init", type=Path, help="start from these weights (.npz, same filters)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="teacher-label cache folder")
    parser.add_argument("--labelled", type=Path,
                        help="train on every source labelled before into this folder (no clips or teacher needed)")
    args = parser.parse_args(argv)
    videos = args.videos if args.videos else sorted((Path.cwd().parent / "shared" / "media").glob("*.mp4"))
    photos = [] if args.no_photos else training_photos(args.package_photos)
    if not videos and not args.labelled:
        print("error: no videos (pass --videos, or put the clips in ../shared/media)", file=sys.stderr)
        return 2
    config = TrainConfig(steps=args.steps, batch=args.batch, crop=(args.crop, args.crop), seed=args.seed,
                         learning_rate=args.lr, workers=args.workers, max_seconds=args.max_seconds,
                         balance=args.balance)
    sources = load_labelled(args.labelled) if args.labelled else load_sources(videos, photos, args.cache)
    init = None
    if args.init:
        from inference.segmentation.model import read_weights

        init, filters, _ = read_weights(args.init)
        if tuple(filters) != tuple(config.filters):
            print(f"error: {args.init} has filters {filters}, training uses {config.filters}", file=sys.stderr)
            return 2
    started = time.perf_counter()
    weights = train_model(sources, config, init=init)
    seconds = time.perf_counter() - started
    save_weights(args.out, weights, config)
    metrics = evaluate(weights, sources, config)
    metrics.update(train_seconds=round(seconds, 1), config=asdict(config), init=str(args.init) if args.init else None,
                   sources={s.name: [int((~s.held_out).sum()), int(s.held_out.sum())] for s in sources})
    args.out.with_suffix(".json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(json.dumps({k: v for k, v in metrics.items() if k.startswith("L")}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
