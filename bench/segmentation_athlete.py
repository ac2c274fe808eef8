"""The athlete's mask as the pipeline makes it, against the teacher's mask of the same person.

    nice -n 10 python bench/segmentation_athlete.py [--analysis DIR] [--folds DIR] [--only STEM ...]
        [--core off on] [--json OUT]

For each clip of ../shared/media: the pose stage's people and athlete (DIR/STEM/poses.npz and
result.json from ``python -m inference segment CLIP --out DIR/STEM``, else the pose stage is run),
the segmentation stage as the pipeline runs it (:func:`inference.segmentation.stage.segment_video`:
key frames, gate, people's pixels), and its athlete mask scored against the teacher's mask of the
athlete: BlazePose's own person mask (``pose_landmark_full.tflite``'s segmentation output in the
person's ROI, video mode, frames at a 640-px long side) kept near that person's skeleton
(:func:`inference.segmentation.teacher.skeleton_gate`) — the teacher the students are distilled
from, for one person. The teacher's person is the one whose landmarks lie nearest the pipeline
athlete's confident keypoints (mean distance under ``MATCH`` of the athlete's box); frames where
no teacher person matches, or where the pipeline has no athlete, are not scored (counted).

Models: ``shipped`` (the committed weights; trained on the first 75 % of three of the clips, so
only basketball is unseen) and, with ``--folds DIR``, ``loco``: DIR/frame_STEM.npz, the
frame-level student trained without STEM (``bench/segmentation_loco.py --model frame --save DIR``).

Each model is run with the stage's athlete core off and on (``--core``; :func:`segment_video`'s
``athlete_core``: the band along the athlete's confident limbs, torso and head always in the
athlete's mask), and the core alone is scored too (its precision: how much of the band the teacher
marks as the athlete).

IoU: mean over scored frames at the working resolution, both masks at 0.5; precision: pooled share
of the athlete's predicted pixels the teacher's athlete mask marks too. ``outside`` the share of the
athlete's pixels outside the teacher's mask of *every* person (what a wrong athlete pixel costs in
the privacy video: someone else's or the background's pixels left sharp). It reports, it does not
judge; exit status 0.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from inference.quiet import quiet_cpu_start  # noqa: E402

quiet_cpu_start()

MEDIA = ROOT.parent / "shared" / "media"
CACHE = ROOT / "var" / "segmentation" / "athlete_teacher"
POSE_SIDE = 640  # long side of the frames the teacher sees (inference.segmentation.data.POSE_SIDE)
MATCH = 0.15  # of the athlete's keypoint box (larger side): farthest mean landmark distance of a match
CACHE_VERSION = 1


def teacher_people(clip: Path, size: tuple[int, int], source_size: tuple[int, int]) -> dict[str, np.ndarray]:
    """Every frame's teacher people: {"times" (T,), "keypoints" (T, P, 33, 3) source pixels (NaN
    pad), "masks" (T, P, h, w) uint8 probability × 255 at the working size (w, h)}; cached.
    source_size (W, H): the frames' display size, which the keypoints are given in."""
    from inference.pose.blazepose import BlazePoseEstimator
    from inference.segmentation.teacher import people_keypoints, skeleton_gate
    from inference.video import iter_frames

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{clip.stem}_v{CACHE_VERSION}_{size[0]}x{size[1]}.npz"
    if path.exists():
        with np.load(path) as data:
            return {k: data[k] for k in data.files}
    estimator = BlazePoseEstimator(with_mask=True, num_threads=2)
    estimator.reset()
    times, keypoints, masks = [], [], []
    for frame, t in iter_frames(clip, max_side=POSE_SIDE):
        h, w = frame.shape[:2]
        people = estimator.process(frame)
        kp = people_keypoints(people) * np.array([source_size[0] / w, source_size[1] / h, 1.0], np.float32)
        m = []
        for p in people:
            full = p.frame_mask(w, h)
            full = full * skeleton_gate(p.landmarks, w, h) if full is not None else np.zeros((h, w), np.float32)
            m.append(np.round(255 * cv2.resize(full, size, interpolation=cv2.INTER_AREA)).astype(np.uint8))
        times.append(t)
        keypoints.append(kp)
        masks.append(m)
    most = max([len(k) for k in keypoints] + [1])
    kp_all = np.full((len(times), most, 33, 3), np.nan, np.float32)
    mask_all = np.zeros((len(times), most, size[1], size[0]), np.uint8)
    for i, (kp, m) in enumerate(zip(keypoints, masks, strict=True)):
        kp_all[i, : len(kp)] = kp
        if m:
            mask_all[i, : len(m)] = np.stack(m)
    out: dict[str, np.ndarray] = {"times": np.array(times, np.float64), "keypoints": kp_all, "masks": mask_all}
    np.savez_compressed(path, times=out["times"], keypoints=kp_all, masks=mask_all)
    return out


def match(athlete: np.ndarray, candidates: np.ndarray) -> int:
    """Index of the teacher person (candidates (P, 33, 3)) nearest the athlete's confident
    keypoints (33, 3), or -1 when none is within MATCH of the athlete's box."""
    ok = np.isfinite(athlete[:, :2]).all(1) & (np.nan_to_num(athlete[:, 2]) > 0.3)
    if ok.sum() < 2:
        return -1
    side = max(float(np.ptp(athlete[ok, 0])), float(np.ptp(athlete[ok, 1])), 1.0)
    best, best_d = -1, np.inf
    for p, person in enumerate(candidates):
        if not np.isfinite(person[:, :2]).any():
            continue
        d = np.nanmean(np.linalg.norm(person[ok, :2] - athlete[ok, :2], axis=1))
        if d < best_d:
            best, best_d = p, d
    return best if best_d <= MATCH * side else -1


def score_clip(clip: Path, masks: Any, poses: Any, athlete: int, teacher: dict[str, np.ndarray]) -> dict[str, Any]:
    from inference.segmentation.masks import body_core
    from inference.skeleton import get_skeleton

    skeleton = get_skeleton(poses.skeleton)
    scale = (masks.size[0] / masks.source_size[0], masks.size[1] / masks.source_size[1])
    ious, predicted, agreed, outside = [], 0, 0, 0
    core_px = core_agreed = 0
    unmatched = untracked = 0
    for i, t in enumerate(masks.times):
        j = int(np.argmin(np.abs(poses.timestamps - t)))
        k = int(np.argmin(np.abs(teacher["times"] - t)))
        mine = poses.keypoints[j, athlete]
        if (np.nan_to_num(mine[:, 2]) > 0.3).sum() < 2:
            untracked += 1
            continue
        p = match(mine, teacher["keypoints"][k])
        if p < 0:
            unmatched += 1
            continue
        truth = teacher["masks"][k, p] >= 128
        everyone = (teacher["masks"][k] >= 128).any(0)
        pred = masks.athlete_mask(i)
        union = int((pred | truth).sum())
        ious.append(1.0 if union == 0 else float((pred & truth).sum()) / union)
        predicted += int(pred.sum())
        agreed += int((pred & truth).sum())
        outside += int((pred & ~everyone).sum())
        core = body_core(mine, skeleton.keypoints, skeleton.limbs, scale, masks.size)
        core_px += int(core.sum())
        core_agreed += int((core & truth).sum())
    return {"core_precision": core_agreed / core_px if core_px else 1.0,"frames": len(ious), "untracked": untracked, "unmatched": unmatched,
            "iou": float(np.mean(ious)) if ious else float("nan"),
            "iou_p10": float(np.percentile(ious, 10)) if ious else float("nan"),
            "precision": agreed / predicted if predicted else 1.0,
            "outside": outside / predicted if predicted else 0.0}


def poses_of(clip: Path, folder: Path | None) -> tuple[Any, int | None]:
    from inference.pipeline import AnalysisConfig, AnalysisResult, analyze

    if folder is not None and (folder / clip.stem / "result.json").exists():
        result = AnalysisResult.read(folder / clip.stem)
    else:
        result = analyze(clip, AnalysisConfig(until="athlete"))
    return result.poses, result.athlete_index


def main() -> int:
    from inference.segmentation.model import DEFAULT_WEIGHTS, load_model
    from inference.segmentation.stage import segment_video

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--analysis", type=Path, help="folder of STEM/ subfolders with poses.npz and result.json")
    parser.add_argument("--folds", type=Path, help="folder of frame_STEM.npz leave-one-clip-out weights")
    parser.add_argument("--only", nargs="*", help="clip stems (default: every clip)")
    parser.add_argument("--clips", type=Path, nargs="*", default=[],
                        help="more clips than ../shared/media's (e.g. ~/.cache/posecoach/eval/sports2d_demo.mp4)")
    parser.add_argument("--core", nargs="+", choices=("off", "on"), default=["off", "on"],
                        help="the stage's athlete core (segment_video's athlete_core) off and/or on")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    command = "python bench/segmentation_athlete.py " + " ".join(sys.argv[1:])
    print(command)
    clips = [c for c in sorted(MEDIA.glob("*.mp4")) + list(args.clips) if not args.only or c.stem in args.only]
    shipped_seen = {"indoor_two_people_1080p", "lab_two_people_portrait_60fps", "lab_walk_portrait_60fps"}
    rows = []
    for clip in clips:
        poses, athlete = poses_of(clip, args.analysis)
        if athlete is None:
            print(f"{clip.stem}: no athlete")
            continue
        models = {"shipped": DEFAULT_WEIGHTS}
        if args.folds is not None and (args.folds / f"frame_{clip.stem}.npz").exists():
            models["loco"] = args.folds / f"frame_{clip.stem}.npz"
        for (name, weights), core in ((m, c) for m in models.items() for c in args.core):
            started = time.perf_counter()
            model = load_model(weights)
            masks = segment_video(clip, poses, athlete, model=model, athlete_core=core == "on")
            teacher = teacher_people(clip, masks.size, masks.source_size)
            row = {"clip": clip.stem, "model": name, "core": core, "seen": name == "shipped" and clip.stem in shipped_seen,
                   **score_clip(clip, masks, poses, athlete, teacher), "seconds": round(time.perf_counter() - started, 1)}
            rows.append(row)
            print(f"{clip.stem:32s} {name:8s} core {core:3s} athlete IoU {row['iou']:.3f} (10th pct {row['iou_p10']:.3f}) "
                  f"precision {row['precision']:.3f} outside everyone {row['outside']:.3f} "
                  f"({row['frames']} frames; {row['untracked']} without the athlete, "
                  f"{row['unmatched']} the teacher lost); the core alone: precision {row['core_precision']:.3f}", flush=True)
    print("\n| clip | weights | athlete core | athlete IoU vs teacher (10th pct) | precision "
          "| athlete px outside every teacher person | core alone: precision | frames scored (no athlete / teacher lost) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        label = r["model"] + (" (seen in training)" if r["seen"] else " (never saw this clip)")
        print(f"| {r['clip']} | {label} | {r['core']} | {r['iou']:.3f} ({r['iou_p10']:.3f}) | {r['precision']:.3f} | "
              f"{r['outside']:.3f} | {r['core_precision']:.3f} | {r['frames']} ({r['untracked']} / {r['unmatched']}) |")
    for name in ("shipped", "loco"):
        for core in args.core:
            unseen = [r for r in rows if r["model"] == name and r["core"] == core and not r["seen"]]
            if unseen:
                print(f"\n{name}, core {core}: mean athlete IoU over {len(unseen)} unseen clips "
                      f"{np.mean([r['iou'] for r in unseen]):.3f}, precision {np.mean([r['precision'] for r in unseen]):.3f}")
    if args.json:
        args.json.write_text(json.dumps({"command": command, "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
