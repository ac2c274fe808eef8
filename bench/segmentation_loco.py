"""Leave-one-clip-out evaluation of the UNet++ students against the teacher.

    nice -n 10 python bench/segmentation_loco.py [--model frame person] [--steps 300] [--batch 12]
        [--seed 0] [--level 2] [--only STEM ...] [--package-photos] [--balance sources] [--json OUT]

For each clip of ../shared/media (one fold each): train a student from scratch on every labelled
frame of the *other* clips plus the opencv-doc photos (with ``--package-photos`` also the photos of
:mod:`inference.segmentation.photos`, training only; teacher labels cached under
var/segmentation/data), then score it on every labelled frame of the left-out clip (its people,
scene and camera never seen): IoU against the teacher (mean over frames) and precision (share of
the predicted pixels the teacher marks too), at the working resolution, threshold 0.5.

- ``frame``: the frame-level student (inference.segmentation.train), scored as the pipeline runs
  it — gated by the people found (here the teacher's own BlazePose people; the pipeline uses the
  pose stage's) — and, for reference, ungated.
- ``person``: the person-centred student (inference.segmentation.person_train), each person's
  crop with their skeleton, composed back.
- ``shipped``: the committed default weights, no training; on clips they were trained on the
  number is marked "seen" and is not a generalisation number.

Frames where the teacher lost someone still in the picture
(:func:`inference.segmentation.data.teacher_misses`) are left out of training (``--keep-teacher-misses``
keeps them); the left-out clip is scored on all its frames and, beside, on the frames the teacher
did not miss.

Training is short (``--steps``) so four folds of both students fit in about 20 minutes on the
2-core development VM; the table says how many steps and seconds each fold took. It reports, it
does not judge; exit status 0.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from inference.quiet import quiet_cpu_start  # noqa: E402

quiet_cpu_start()

from inference.segmentation.data import Source, load_sources, teacher_misses, training_photos  # noqa: E402
from inference.segmentation.model import DEFAULT_WEIGHTS, PersonSegmentationModel, SegmentationModel  # noqa: E402
from inference.segmentation.person import CROP  # noqa: E402
from inference.segmentation.person_train import predict_source, score, train_person_model  # noqa: E402
from inference.segmentation.train import DEFAULT_CACHE, TrainConfig, save_weights, train_model  # noqa: E402

MEDIA = ROOT.parent / "shared" / "media"
SHIPPED_TRAINED_ON = {"indoor_two_people_1080p.mp4", "lab_two_people_portrait_60fps.mp4",
                      "lab_walk_portrait_60fps.mp4"}  # weights/MODEL_CARD.md: first 75 % of each


def fold_sources(sources: list[Source], left_out: str, drop_misses: bool) -> tuple[list[Source], Source]:
    """(training sources: every other source, all frames training — without the frames
    teacher_misses flags when ``drop_misses``; the left-out source, every frame held out)."""
    train, test = [], None
    for s in sources:
        if s.name == left_out:
            test = Source(s.name, s.images, s.masks, s.times, np.ones(len(s.images), bool), s.people)
            continue
        keep = ~teacher_misses(s) if drop_misses else np.ones(len(s.images), bool)
        people = s.people[keep] if s.people is not None else None
        train.append(Source(s.name, s.images[keep], s.masks[keep], s.times[keep], np.zeros(int(keep.sum()), bool),
                            people))
    assert test is not None
    return train, test


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", nargs="+", choices=("frame", "person", "shipped"),
                        default=["shipped", "frame", "person"])
    parser.add_argument("--steps", type=int, default=150, help="training steps per fold and student")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--train-level", type=int, default=2,
                        help="deepest UNet++ level trained (2: the stage's default level, half the work of 4)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--level", type=int, default=2, help="pruning level scored (default: the stage's, 2)")
    parser.add_argument("--only", nargs="*", help="clip stems to leave out (default: every clip)")
    parser.add_argument("--keep-teacher-misses", action="store_true",
                        help="train on the frames teacher_misses flags too (default: left out of training)")
    parser.add_argument("--save", type=Path, help="folder to keep each fold's weights in")
    parser.add_argument("--load", type=Path,
                        help="score the frame students --save kept in this folder instead of training them")
    parser.add_argument("--package-photos", action="store_true",
                        help="train on the photos inference.segmentation.photos fetched too (make training-data)")
    parser.add_argument("--balance", choices=("frames", "sources"), default="frames",
                        help="frame students: draw training frames uniformly, or each source equally often")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    clips = sorted(MEDIA.glob("*.mp4"))
    photos = training_photos(args.package_photos)
    sources = load_sources(clips, photos, ROOT / DEFAULT_CACHE)
    command = "python bench/segmentation_loco.py " + " ".join(sys.argv[1:])
    print(f"{command}\n{os.cpu_count()} CPUs; photos: {', '.join(p.name for p in photos) or 'none'}; "
          f"level L{args.level}; {args.steps} steps x {args.batch} per fold and student, trained to "
          f"L{args.train_level}; frames the teacher misses people in "
          f"{'kept in' if args.keep_teacher_misses else 'left out of'} training; draws: {args.balance}\n")
    rows: list[dict[str, Any]] = []
    folds = [c for c in clips if not args.only or c.stem in args.only]
    for clip in folds:
        train, test = fold_sources(sources, clip.name, not args.keep_teacher_misses)
        rows_test = np.arange(len(test.images))
        good = ~teacher_misses(test)
        for kind in args.model:
            started = time.perf_counter()
            config = TrainConfig(steps=args.steps, batch=args.batch, seed=args.seed,
                                 crop=(CROP, CROP), jit_compile=False, level=args.train_level,
                                 balance=args.balance)
            if kind == "shipped":
                model: Any = SegmentationModel(DEFAULT_WEIGHTS)
            elif kind == "frame" and args.load:
                model = SegmentationModel(Path(args.load) / f"frame_{clip.stem}.npz")
            elif kind == "frame":
                weights = train_model(train, config, log=lambda m: None)
                model = SegmentationModel(arrays=weights, filters=config.filters, working_side=config.working_side)
            else:
                weights = train_person_model(train, config, log=lambda m: None)
                if args.save is None:
                    args.save = Path("/tmp/segmentation_loco")
            seconds = time.perf_counter() - started
            if kind == "person":
                path = Path(args.save) / f"person_{clip.stem}.npz"  # type: ignore[arg-type]
                save_weights(path, weights, config, crop=CROP)
                model = PersonSegmentationModel(path)
            elif kind == "frame" and args.save and not args.load:
                save_weights(Path(args.save) / f"frame_{clip.stem}.npz", weights, config)
            pred, teacher = predict_source(model, test, rows_test, level=args.level)
            row = {"clip": clip.stem, "model": kind, "seconds": round(seconds, 1),
                   "steps": 0 if kind == "shipped" else args.steps, **score(pred, teacher),
                   "seen": kind == "shipped" and clip.name in SHIPPED_TRAINED_ON,
                   "teacher_right": score(pred[good], teacher[good])}
            if kind in ("frame", "shipped"):
                raw, _ = predict_source(model, test, rows_test, level=args.level, gated=False)
                row["ungated"] = score(raw, teacher)
                box_only, _ = predict_source(model, test, rows_test, level=args.level, people_only=False)
                row["gate_alone"] = score(box_only, teacher)
            rows.append(row)
            print(f"{clip.stem:32s} {kind:8s} IoU {row['iou']:.3f} precision {row['precision']:.3f} "
                  f"({row['frames']} frames, {row['seconds']:.0f} s)", flush=True)
    print("\n| left-out clip | student | IoU vs teacher | precision | frames the teacher did not miss: IoU / precision (n) "
          "| ungated IoU / precision | gate alone (no reach, no cores): IoU / precision | training |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        ungated = f"{row['ungated']['iou']:.3f} / {row['ungated']['precision']:.3f}" if "ungated" in row else "—"
        alone = f"{row['gate_alone']['iou']:.3f} / {row['gate_alone']['precision']:.3f}" if "gate_alone" in row else "—"
        right = row["teacher_right"]
        training = "committed weights" + (" (trained on this clip: seen)" if row["seen"] else " (never saw this clip)") \
            if row["model"] == "shipped" else f"{row['steps']} steps, {row['seconds']:.0f} s"
        print(f"| {row['clip']} ({row['frames']} frames) | {row['model']} | {row['iou']:.3f} | {row['precision']:.3f} | "
              f"{right['iou']:.3f} / {right['precision']:.3f} ({right['frames']}) | {ungated} | {alone} | {training} |")
    for kind in args.model:
        mine = [r for r in rows if r["model"] == kind and not r["seen"]]
        if mine:
            print(f"\n{kind}: mean over {len(mine)} left-out clips: IoU {np.mean([r['iou'] for r in mine]):.3f}, "
                  f"precision {np.mean([r['precision'] for r in mine]):.3f}; on the frames the teacher did not miss: "
                  f"IoU {np.mean([r['teacher_right']['iou'] for r in mine]):.3f}, "
                  f"precision {np.mean([r['teacher_right']['precision'] for r in mine]):.3f}")
    if args.json:
        args.json.write_text(json.dumps({"command": command, "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
