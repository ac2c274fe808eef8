"""Memory of the whole analysis, stage by stage: what grows with the video's length.

    python bench/memory.py [--media ../shared/media] [--source lab_walk_portrait_60fps.mp4]
                           [--frames 1000 3000] [--trace] [--json OUT]

For each length, ``--source``'s packets are looped into a clip of at least that many frames
(bench/pipeline.py's ``loop_clip``: stream copy, in a temporary folder) and a fresh Python process
(``--child``) loads every model (inference.pipeline.warm.warm_models), then runs
inference.pipeline.analyze with every stage. At the end of each stage (analyze's ``timer``) it
reads its resident memory (VmRSS) and its peak since the previous stage ended (VmHWM, reset by
writing 5 to /proc/self/clear_refs; Linux). ``--trace`` also runs tracemalloc (Python and NumPy
allocations, not TensorFlow's or FFmpeg's; slower) and prints the largest owners by file:line at
the end of each stage. The last table gives the peak's growth per frame between the lengths: the
number that must stay near zero for a 10-minute 60 fps video (36,000 frames; docs/speed.md).
Between runs of the same code a stage's memory moves by ±30 MB (threads' heaps, TensorFlow), so
use lengths thousands of frames apart: 100 frames more says nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _memory() -> dict[str, float]:
    """VmRSS and VmHWM of this process, MB."""
    out = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
    return out


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def _child(clip: Path, trace: bool) -> dict[str, Any]:
    import gc
    import tracemalloc

    sys.path.insert(0, str(ROOT))
    from inference.quiet import quiet_cpu_start

    quiet_cpu_start()
    from inference.pipeline import AnalysisConfig, analyze
    from inference.pipeline.run import StageTiming
    from inference.pipeline.warm import warm_models

    config = AnalysisConfig()
    warm_models(config)
    gc.collect()
    out: dict[str, Any] = {"models_mb": round(_memory()["VmRSS"]), "stages": []}
    _reset_peak()
    if trace:
        tracemalloc.start()

    def timer(timing: StageTiming) -> None:
        memory = _memory()
        row: dict[str, Any] = {"stage": timing.name, "rss_mb": round(memory["VmRSS"]), "peak_mb": round(memory["VmHWM"])}
        if trace:
            snapshot = tracemalloc.take_snapshot()
            row["traced_mb"] = round(tracemalloc.get_traced_memory()[0] / 2**20, 1)
            row["top"] = [(str(s.traceback[0]), round(s.size / 2**20, 2)) for s in snapshot.statistics("lineno")[:8]]
        out["stages"].append(row)
        _reset_peak()

    result = analyze(clip, config, timer=timer)
    out["frames"] = int(result.poses.num_frames)
    out["peak_mb"] = max(row["peak_mb"] for row in out["stages"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--media", type=Path, default=ROOT.parent / "shared" / "media")
    parser.add_argument("--source", default="lab_walk_portrait_60fps.mp4")
    parser.add_argument("--frames", type=int, nargs="+", default=[1000, 3000])
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.trace)))
        return
    sys.path.insert(0, str(ROOT / "bench"))
    from pipeline import _machine, loop_clip

    print(f"# machine: {_machine()}, load average {os.getloadavg()[0]:.1f} at the start")
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        for frames in args.frames:
            clip = Path(folder) / f"looped_{frames}.mp4"
            loop_clip(args.media / args.source, clip, frames)
            cmd = [sys.executable, __file__, "--child", str(clip)] + (["--trace"] if args.trace else [])
            done = subprocess.run(cmd, capture_output=True, text=True, check=True,
                                  env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})  # fmt: skip
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(f"# load average {os.getloadavg()[0]:.1f} at the end\n")
    names = [row["stage"] for row in runs[0]["stages"]]
    print("| stage | " + " | ".join(f"{r['frames']} frames: RSS (peak) MB" for r in runs) + " |")
    print("|---|" + "---:|" * len(runs))
    print("| models loaded | " + " | ".join(str(r["models_mb"]) for r in runs) + " |")
    for k, name in enumerate(names):
        cells = [f"{r['stages'][k]['rss_mb']} ({r['stages'][k]['peak_mb']})" for r in runs]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("\n| frames | peak RSS MB | growth per frame since the previous length |")
    print("|---:|---:|---:|")
    for k, r in enumerate(runs):
        growth = "" if k == 0 else (f"{1024 * (r['peak_mb'] - runs[k - 1]['peak_mb']) / (r['frames'] - runs[k - 1]['frames']):.1f} KB")
        print(f"| {r['frames']} | {r['peak_mb']} | {growth} |")
    if args.trace:
        for r in runs:
            for row in r["stages"]:
                print(f"\n{r['frames']} frames, after {row['stage']}: {row['traced_mb']} MB traced")
                for where, mb in row["top"]:
                    print(f"  {mb:8.2f} MB  {where}")
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1))


if __name__ == "__main__":
    main()
