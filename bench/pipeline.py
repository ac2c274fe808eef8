"""Frames per second of the analysis stages on the real 1080p clips, with peak memory.

    python bench/pipeline.py [--media ../shared/media] [--max-side 960] [--repeat 1]

Each row runs in a fresh Python process, so its peak RSS is its own; with --repeat N the fastest
of N runs is shown (other work on a shared machine only ever slows a run down). "CPU ms/frame"
(user + system time of the process over frames, imports and model loading included for the
analysis row) is less sensitive to other load than frames/s: 2 cores give 66 CPU ms per frame
at 30 frames/s. Rows:
- decode: inference.video.iter_frames at the analysis size (and at source size);
- decode + pose, 1 person: BlazePose video mode limited to one person (max_people=1), frames
  decoded in a thread as the pipeline does (models loaded before the clock starts);
- decode + pose, everyone: BlazePose video mode, every person (the two-people clips have 2);
- decode + pose, everyone, no tiles: the same with the detector on the whole frame only (the
  speed cost of the detector on tiles, inference/pose/blazepose/tiles.py);
- analysis: inference.pipeline.analyze end to end (probe, model loading and verification,
  decode thread, pose, tracking, result) — "fps" over the whole call, "steady fps" over the
  frame loop only (decode + pose + tracking, what a long video converges to).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIPS = ("indoor_two_people_1080p.mp4", "lab_walk_portrait_60fps.mp4", "lab_two_people_portrait_60fps.mp4",
         "basketball_pan_240p.mp4")  # fmt: skip
ROWS = ("decode-source", "decode", "pose-1", "pose-all", "pose-all-no-tiles", "analysis")


def _measure(row: str, clip: Path, max_side: int) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    from inference.video import iter_frames

    if row in ("decode", "decode-source"):
        start, frames = time.perf_counter(), 0
        for _ in iter_frames(clip, max_side=None if row == "decode-source" else max_side):
            frames += 1
        return {"frames": frames, "seconds": time.perf_counter() - start}
    if row.startswith("pose"):
        from inference.pipeline.streaming import PREFETCH, prefetch
        from inference.pose.blazepose import BlazePoseEstimator

        estimator = BlazePoseEstimator(max_people=1 if row == "pose-1" else 8, tiles=row != "pose-all-no-tiles")
        start, frames, people = time.perf_counter(), 0, 0
        decode_seconds = {"decode": 0.0}
        for frame, t in prefetch(iter_frames(clip, max_side=max_side), PREFETCH, decode_seconds):
            people += len(estimator.process(frame, t))
            frames += 1
        return {"frames": frames, "seconds": time.perf_counter() - start, "people": people / max(frames, 1)}
    from inference.pipeline import AnalysisConfig, analyze

    start = time.perf_counter()
    result = analyze(clip, AnalysisConfig(max_side=max_side))
    seconds = time.perf_counter() - start
    loop = result.timings["pose"] + result.timings["tracking"]
    frames = result.poses.num_frames
    return {
        "frames": frames,
        "seconds": seconds,
        "people": float(result.poses.num_people),
        "steady_fps": frames / max(loop, 1e-9),
    }


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child(row: str, clip: Path, max_side: int) -> None:
    cpu_before = _cpu_seconds()
    out = _measure(row, clip, max_side)
    out["cpu_ms_per_frame"] = (_cpu_seconds() - cpu_before) * 1000 / max(out["frames"], 1)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def _run_row(row: str, clip: Path, max_side: int) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", row, "--clip", str(clip), "--max-side", str(max_side)]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--media", type=Path, default=ROOT.parent / "shared" / "media")
    parser.add_argument("--max-side", type=int, default=960)
    parser.add_argument("--repeat", type=int, default=1, help="runs per row; the fastest is shown")
    parser.add_argument("--rows", nargs="+", choices=ROWS, default=list(ROWS), help="rows to run (all by default)")
    parser.add_argument("--child", choices=ROWS)
    parser.add_argument("--clip", type=Path)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.clip, args.max_side)
        return 0
    clips = [args.media / name for name in CLIPS if (args.media / name).is_file()]
    if not clips:
        print(f"no clips in {args.media}", file=sys.stderr)
        return 1
    load = os.getloadavg()[0]
    print(
        f"{os.cpu_count()} CPUs, load average {load:.2f} at start; analysis size: long side "
        f"{args.max_side} px; fastest of {max(args.repeat, 1)} run(s) per row"
    )
    print(f"| {'stage':<32} | {'clip':<34} | {'frames':>6} | {'people':>6} | {'fps':>6} | {'steady fps':>10} | {'CPU ms/frame':>12} | {'peak RSS MB':>11} |")
    print(f"|{'-' * 34}|{'-' * 36}|{'-' * 8}|{'-' * 8}|{'-' * 8}|{'-' * 12}|{'-' * 14}|{'-' * 13}|")
    labels = {
        "decode-source": "decode only, source size",
        "decode": f"decode only, {args.max_side} px",
        "pose-1": "decode + pose, 1 person",
        "pose-all": "decode + pose, everyone",
        "pose-all-no-tiles": "decode + pose, everyone, no tiles",
        "analysis": "whole analysis (analyze())",
    }
    for row in args.rows:
        for clip in clips:
            runs = [_run_row(row, clip, args.max_side) for _ in range(max(args.repeat, 1))]
            r = max(runs, key=lambda run: run["frames"] / run["seconds"])
            people = f"{r['people']:.2f}" if "people" in r else "-"
            steady = f"{r['steady_fps']:.1f}" if "steady_fps" in r else "-"
            print(
                f"| {labels[row]:<32} | {clip.name:<34} | {int(r['frames']):>6} | {people:>6} | "
                f"{r['frames'] / r['seconds']:>6.1f} | {steady:>10} | {r['cpu_ms_per_frame']:>12.1f} | "
                f"{r['peak_rss_mb']:>11.0f} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
