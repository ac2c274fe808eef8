"""The privacy video at people's keypoints: is the athlete shown sharp, is everyone else blurred?

    nice -n 10 python bench/segmentation_privacy.py --analysis DIR [--only STEM ...] [--core off on]

For each clip of ../shared/media with DIR/STEM/ from ``python -m inference segment CLIP --out
DIR/STEM`` (poses, athlete): the segmentation stage as the pipeline runs it (athlete core on and/or
off, :func:`inference.segmentation.stage.segment_video`), every frame's privacy frame at the
render's size (:func:`inference.segmentation.privacy.privacy_frame`, what ``render_privacy``
encodes), and at each confident keypoint (> ``SURE``) how much of the source it shows: the privacy
frame is a · source + (1 − a) · blurred source, solved for a over the 3x3 source pixels there that
differ from the blur (a flat patch says nothing and is skipped); a ≥ 0.5 counts as sharp. Other
people's keypoints inside the athlete's keypoint box are left out (overlap). It reports, it does
not judge; exit status 0.

The frames the pose stage misses the athlete in, inside their track (after their first frame,
before their last), have no keypoints to judge at; there the athlete's box in bench/truth (the
true person holding most of the athlete's confident keypoints over the clip) is judged instead:
the share of its textured pixels (as above) the privacy frame shows (a ≥ 0.5), mean over those
frames, for gaps of at most BRIDGE_S between the frames that have the athlete (bridged by the
stage, :class:`inference.segmentation.masks.TrackedPeople`) and for longer ones. The box holds
background too, so even a perfect mask shows less than all of it; compare before with after.
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

from inference.quiet import quiet_cpu_start  # noqa: E402

quiet_cpu_start()

MEDIA = ROOT.parent / "shared" / "media"
SURE = 0.5
TEXTURED = 400  # squared BGR distance between source and blur from which a pixel says something


def shown(source: np.ndarray, frame: np.ndarray, blur: np.ndarray, x: float, y: float) -> float | None:
    """a in frame = a · source + (1 − a) · blur over the 3x3 pixels at (x, y) (median), or None."""
    h, w = source.shape[:2]
    xi, yi = int(round(x)), int(round(y))
    if not (0 <= xi < w and 0 <= yi < h):
        return None
    patch = np.s_[max(0, yi - 1):yi + 2, max(0, xi - 1):xi + 2]
    s, v, b = (a[patch].astype(np.float32).reshape(-1, 3) for a in (source, frame, blur))
    d = s - b
    n = (d * d).sum(1)
    textured = n >= TEXTURED
    if not textured.any():
        return None
    return float(np.median(np.clip(((v - b) * d).sum(1)[textured] / n[textured], 0, 1)))


def shown_share(source: np.ndarray, frame: np.ndarray, blur: np.ndarray, box: np.ndarray) -> float | None:
    """Share of the textured pixels of ``box`` (x0, y0, x1, y1, frame pixels) that ``frame``
    shows (a ≥ 0.5, a as in :func:`shown`, per pixel), None when none is textured."""
    h, w = source.shape[:2]
    x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
    x1, y1 = min(w, int(np.ceil(box[2]))), min(h, int(np.ceil(box[3])))
    s, v, b = (a[y0:y1, x0:x1].astype(np.float32).reshape(-1, 3) for a in (source, frame, blur))
    d = s - b
    n = (d * d).sum(1)
    textured = n >= TEXTURED
    if not textured.any():
        return None
    return float((((v - b) * d).sum(1)[textured] / n[textured] >= 0.5).mean())


def true_athlete(poses, athlete: int, truth) -> str | None:  # noqa: ANN001
    """The truth person whose box holds most of the athlete's confident keypoints over the clip."""
    votes: dict[str, int] = {}
    for j, t in enumerate(poses.timestamps):
        own = poses.keypoints[j, athlete]
        sure = own[np.nan_to_num(own[:, 2]) > SURE, :2]
        for person, box in truth.boxes_at(float(t))[0].items():
            votes[person] = votes.get(person, 0) + int(((sure >= box[:2]) & (sure <= box[2:])).all(1).sum())
    return max(votes, key=lambda k: votes[k]) if votes and max(votes.values()) > 0 else None


def main() -> int:
    from bench.scoring.truth import load_truth
    from inference.pipeline import AnalysisResult
    from inference.segmentation.masks import BRIDGE_S, MIN_KEYPOINT_CONFIDENCE
    from inference.segmentation.privacy import MAX_SIDE, blurred, privacy_frame
    from inference.segmentation.stage import segment_video
    from inference.video import iter_frames

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--analysis", type=Path, required=True, help="folder of STEM/ from the segment command")
    parser.add_argument("--only", nargs="*", help="clip stems (default: every clip)")
    parser.add_argument("--clips", type=Path, nargs="*", default=[],
                        help="more clips than ../shared/media's (e.g. ~/.cache/posecoach/eval/sports2d_demo.mp4)")
    parser.add_argument("--core", nargs="+", choices=("off", "on"), default=["on"])
    args = parser.parse_args()
    print("python bench/segmentation_privacy.py " + " ".join(sys.argv[1:]))
    print("| clip | athlete core | athlete's keypoints shown sharp | frames with a blurred athlete keypoint "
          f"| other people's keypoints left sharp | untracked frames inside the athlete's track, gaps ≤ {BRIDGE_S} s: "
          "share of their true box shown (frames) | longer gaps: the same |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for clip in sorted(MEDIA.glob("*.mp4")) + list(args.clips):
        if (args.only and clip.stem not in args.only) or not (args.analysis / clip.stem / "result.json").exists():
            continue
        done = AnalysisResult.read(args.analysis / clip.stem)
        poses, athlete = done.poses, done.athlete_index
        if athlete is None:
            print(f"| {clip.stem} | — | no athlete | | | | |")
            continue
        truth_path = ROOT / "bench" / "truth" / f"{clip.stem}.json"
        truth = load_truth(truth_path) if truth_path.exists() else None
        who = true_athlete(poses, athlete, truth) if truth is not None else None
        kp = poses.keypoints[:, athlete]
        present = (np.isfinite(kp[..., :2]).all(-1) & (np.nan_to_num(kp[..., 2]) > MIN_KEYPOINT_CONFIDENCE)).sum(-1) >= 2
        seen = np.flatnonzero(present)
        gap_of = np.full(poses.num_frames, np.nan)  # seconds between the frames around each untracked frame
        for a, b in zip(seen[:-1], seen[1:], strict=True):
            gap_of[a + 1:b] = poses.timestamps[b] - poses.timestamps[a]
        for core in args.core:
            masks = segment_video(clip, poses, athlete, athlete_core=core == "on")
            mine, others, bad, tracked = [], [], set(), 0
            short: list[float] = []
            long: list[float] = []
            for k, (source, t) in enumerate(iter_frames(clip, max_side=MAX_SIDE)):
                frame, blur = privacy_frame(source, masks, masks.frame_at(t)), blurred(source)
                j = int(np.argmin(np.abs(poses.timestamps - t)))
                scale = source.shape[1] / poses.size[0]
                true_box = truth.person(who).box_at(float(t)) if who is not None else None  # type: ignore[union-attr]
                if np.isfinite(gap_of[j]) and true_box is not None:
                    share = shown_share(source, frame, blur, true_box * scale)
                    if share is not None:
                        (short if gap_of[j] <= BRIDGE_S + 1e-6 else long).append(share)
                own = poses.keypoints[j, athlete]
                sure = np.nan_to_num(own[:, 2]) > SURE
                tracked += int(sure.sum() >= 2)
                box = (own[sure, :2].min(0), own[sure, :2].max(0)) if sure.sum() >= 2 else None
                for p in range(poses.num_people):
                    for x, y, c in poses.keypoints[j, p]:
                        if not np.nan_to_num(c) > SURE:
                            continue
                        inside = box is not None and bool(np.all(box[0] <= (x, y)) and np.all((x, y) <= box[1]))
                        if p != athlete and inside:
                            continue
                        a = shown(source, frame, blur, x * scale, y * scale)
                        if a is None:
                            continue
                        if p == athlete:
                            mine.append(a)
                            if a < 0.5:
                                bad.add(k)
                        else:
                            others.append(a)
            m, o = np.array(mine), np.array(others)

            def mean(values: list[float]) -> str:
                return f"{np.mean(values):.1%} ({len(values)})" if values else "none"

            print(f"| {clip.stem} | {core} | {(m >= 0.5).mean():.2%} of {len(m)} | {len(bad)} of {tracked} tracked "
                  f"| {int((o >= 0.5).sum())} of {len(o)} | {mean(short)} | {mean(long)} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
