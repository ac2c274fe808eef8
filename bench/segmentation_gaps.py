"""Gaps in the tracks and what the masks do across them (docs/segmentation.md, "Short gaps and lost
people"):

    nice -n 10 python bench/segmentation_gaps.py --analysis DIR [--only STEM ...] [--clips CLIP ...]

For each clip with DIR/STEM/ from ``python -m inference segment CLIP --out DIR/STEM`` (poses,
athlete):

1. How far linear interpolation of a person's keypoints across a gap lands from where the pose
   stage found them: every run of frames that has a person throughout, its ends taken as the two
   frames around a simulated gap of span s (seconds between them); for each frame inside, the 90th
   percentile over keypoints confident at both ends and there of the distance between the
   interpolated and the found keypoint, over the larger side of the found keypoints' box (the
   unit REACH uses). Median over those frames per span (spans rounded to 0.05 s), every person of
   the clip. This is what sets BRIDGE_S.
2. The athlete's gaps (frames without them between two that have them), and per other track its
   median on-body distance to the athlete (REMNANT_DISTANCE) and the frames it is held in.

It reports, it does not judge; exit status 0.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

MEDIA = ROOT.parent / "shared" / "media"
SPANS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8)


def interpolation_errors(keypoints: np.ndarray, timestamps: np.ndarray, confident: np.ndarray,
                         longest: float) -> dict[float, list[float]]:
    """{span (0.05 s steps): [per-frame 90th percentile error / box side, ...]} for one person's
    (T, K, 3) keypoints; confident (T, K) bool."""
    out: dict[float, list[float]] = {}
    present = confident.sum(1) >= 2
    T = len(timestamps)
    for a in range(T):
        for b in range(a + 2, T):
            span = timestamps[b] - timestamps[a]
            if span > longest + 1e-6 or not present[a:b + 1].all():
                break
            for m in range(a + 1, b):
                both = confident[a] & confident[b] & confident[m]
                if both.sum() < 4:
                    continue
                w = (timestamps[m] - timestamps[a]) / span
                guess = (1 - w) * keypoints[a, :, :2] + w * keypoints[b, :, :2]
                found = keypoints[m, confident[m], :2]
                side = max(float(np.ptp(found[:, 0])), float(np.ptp(found[:, 1])), 1.0)
                error = np.hypot(*(guess - keypoints[m, :, :2])[both].T) / side
                out.setdefault(round(round(span / 0.05) * 0.05, 2), []).append(float(np.percentile(error, 90)))
    return out


def main() -> int:
    from inference.pipeline import AnalysisResult
    from inference.segmentation.masks import BRIDGE_S, MIN_KEYPOINT_CONFIDENCE, TrackedPeople
    from inference.skeleton import get_skeleton
    from inference.tracking.geometry import on_body_distance

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--analysis", type=Path, required=True, help="folder of STEM/ from the segment command")
    parser.add_argument("--only", nargs="*", help="clip stems (default: every clip)")
    parser.add_argument("--clips", type=Path, nargs="*", default=[], help="more clips than ../shared/media's")
    args = parser.parse_args()
    print("python bench/segmentation_gaps.py " + " ".join(sys.argv[1:]))
    clips = sorted(MEDIA.glob("*.mp4")) + list(args.clips)
    done = {c.stem: AnalysisResult.read(args.analysis / c.stem) for c in clips
            if (not args.only or c.stem in args.only) and (args.analysis / c.stem / "result.json").exists()}
    print("\nInterpolation error across a gap of span s (median over frames of the 90th percentile keypoint "
          "error, fraction of the box's larger side):\n")
    print("| clip | " + " | ".join(f"{s:.2f} s" for s in SPANS) + " |")
    print("|---" * (len(SPANS) + 1) + "|")
    for stem, result in done.items():
        poses = result.poses
        kp = poses.keypoints
        confident = np.isfinite(kp[..., :2]).all(-1) & (np.nan_to_num(kp[..., 2]) > MIN_KEYPOINT_CONFIDENCE)
        errors: dict[float, list[float]] = {}
        for p in range(poses.num_people):
            for span, values in interpolation_errors(kp[:, p], poses.timestamps, confident[:, p], max(SPANS)).items():
                errors.setdefault(span, []).extend(values)
        cells = [f"{np.median(errors[s]):.3f}" if errors.get(s) else "—" for s in SPANS]
        print(f"| {stem} | " + " | ".join(cells) + " |", flush=True)
    print("\nThe athlete's gaps and the other tracks:\n")
    for stem, result in done.items():
        poses, athlete = result.poses, result.athlete_index
        if athlete is None:
            print(f"- {stem}: no athlete")
            continue
        limbs = get_skeleton(poses.skeleton).limbs
        tracked = TrackedPeople(poses.keypoints, poses.timestamps, poses.size, limbs, athlete)
        ts = poses.timestamps
        seen = np.flatnonzero(tracked.present[:, athlete])
        gaps = [(ts[a], ts[b], b - a - 1) for a, b in zip(seen[:-1], seen[1:], strict=True) if b - a > 1]
        shown = ", ".join(f"{b - a:.2f} s ({n} frames{', bridged' if b - a <= BRIDGE_S + 1e-6 else ''})"
                          for a, b, n in gaps) or "none"
        print(f"- {stem} (athlete slot {athlete}): gaps {shown}")
        held = np.zeros(poses.num_people, int)
        for j in range(poses.num_frames):
            for person in tracked.at(j)[1]:
                for q in range(poses.num_people):
                    last = poses.keypoints[tracked.previous[j, q], q] if tracked.previous[j, q] >= 0 else None
                    if last is not None and np.array_equal(last, person, equal_nan=True):
                        held[q] += 1
        for q in range(poses.num_people):
            both = np.flatnonzero(tracked.present[:, q] & tracked.present[:, athlete])
            if q == athlete or not len(both):
                continue
            distance = np.median([on_body_distance(poses.keypoints[j, q], poses.keypoints[j, athlete], limbs,
                                                   MIN_KEYPOINT_CONFIDENCE) for j in both])
            print(f"  - slot {q}: {int(tracked.present[:, q].sum())} frames, median on-body distance to the athlete "
                  f"{distance:.3f} ({'remnant' if tracked.remnant[q] else 'someone else'}), held in {held[q]} frames")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
