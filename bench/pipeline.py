"""The whole analysis, stage by stage, on the real clips and on a long one: what a worker pays.

    python bench/pipeline.py [--media ../shared/media] [--clips NAME ...] [--long-source NAME]
                             [--long-frames 1000] [--json OUT]
    python bench/pipeline.py --rows pose-all pose-all-no-tiles [--repeat 2] [--clips NAME ...]

Every clip runs in a fresh Python process of its own (``--child``), which
1. imports the pipeline ("imports"),
2. loads every model the stages use and runs each once on a blank frame
   (inference.pipeline.warm.warm_models: "models"; what a worker pays once, when its process starts),
3. runs inference.pipeline.analyze on the clip with every stage of the stage table
   (inference/pipeline/stages.py: probe, pose, tracking, athlete, dance, proxy, segmentation,
   kinematics, events, feedback, actions, and any stage added there), timing each stage through
   analyze's ``timer`` hook: wall seconds and CPU seconds of the whole process (every thread).

Columns: "fps" = frames / analyze() wall seconds (a warm worker, end to end: probe to actions,
proxy included); "cold fps" = frames / (imports + models + analyze()) (a fresh process);
"CPU ms/f" = analyze()'s process CPU time / frames (2 cores: 33 CPU ms per frame is 60 frames/s
only if both cores are busy all the time); "peak RSS" = the child process's ru_maxrss (os.wait4),
everything it ever held, models included. The stage table gives each stage's CPU ms per frame
and, in brackets, its wall ms per frame. The proxy is encoded in the pose stage's decoding
thread, from the frames it decodes (one decode of the source): its CPU counts in the pose row,
the proxy row is what is left, and "inside pose: proxy" gives the proxy's wall time there.

The long clip (≥ --long-frames frames) is made at bench time by looping --long-source's packets
(stream copy, timestamps shifted; nothing re-encoded) into a temporary folder, removed after.

``--rows`` measures parts instead, in a fresh process per row and clip, the fastest of
``--repeat`` runs: "decode-source" / "decode" (inference.video.iter_frames at source size / at
960 px), "pose-1" / "pose-all" / "pose-all-no-tiles" (decode in a thread + BlazePose in video mode
for one person / everyone / everyone with the detector on the whole frame only; models loaded
before the clock starts); CPU ms per frame there includes the process's imports.

The machine is named in the header with its load average (os.getloadavg) at the start and end:
on a shared machine other work inflates wall times (fps), less so CPU times. MediaPipe's own
graph is run as an anchor only when ``mediapipe`` imports in this interpreter; it is not a
dependency of the project, and without it the anchor row says so.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLIPS = ("indoor_two_people_1080p.mp4", "lab_walk_portrait_60fps.mp4", "lab_two_people_portrait_60fps.mp4",
         "basketball_pan_240p.mp4")  # fmt: skip
LONG_SOURCE = "lab_walk_portrait_60fps.mp4"  # one athlete, 1080p (portrait), 60 fps


def loop_clip(source: Path, dest: Path, min_frames: int) -> int:
    """Write ``source``'s video packets again and again into ``dest`` (stream copy, each copy's
    timestamps shifted by the clip's span) until it holds ≥ ``min_frames`` frames; return the
    number of frames. Each copy starts on the source's first packet, a keyframe."""
    import av

    with av.open(str(source)) as src:
        stream = src.streams.video[0]
        packets = [p for p in src.demux(stream) if p.dts is not None]
        if not packets:
            raise ValueError(f"{source} has no video packets")
        first = min(int(p.pts) for p in packets if p.pts is not None)
        span = max(int(p.pts) + int(p.duration or 0) for p in packets if p.pts is not None) - first
        copies = -(-min_frames // len(packets))
        with av.open(str(dest), "w") as out:
            target = out.add_stream_from_template(stream)
            for copy in range(copies):
                for p in packets:
                    packet = av.Packet(bytes(p))
                    assert p.pts is not None and p.dts is not None
                    packet.pts, packet.dts = int(p.pts) + copy * span, int(p.dts) + copy * span
                    packet.duration, packet.time_base, packet.is_keyframe = p.duration, p.time_base, p.is_keyframe
                    packet.stream = target
                    out.mux(packet)
    return copies * len(packets)


PART_ROWS = {"decode-source": "decode only, source size", "decode": "decode only, 960 px",
             "pose-1": "decode + pose, 1 person", "pose-all": "decode + pose, everyone",
             "pose-all-no-tiles": "decode + pose, everyone, no tiles"}  # fmt: skip


def _part(row: str, clip: Path) -> dict[str, Any]:
    """One --rows measurement in this process: frames, seconds, people per frame, CPU ms/frame."""
    import resource

    sys.path.insert(0, str(ROOT))
    from inference.video import iter_frames

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    out: dict[str, Any] = {"people": None}
    if row.startswith("decode"):
        start, frames = time.perf_counter(), 0
        for _ in iter_frames(clip, max_side=None if row == "decode-source" else 960):
            frames += 1
    else:
        from inference.pipeline.streaming import PREFETCH, prefetch
        from inference.pose.blazepose import BlazePoseEstimator

        estimator = BlazePoseEstimator(max_people=1 if row == "pose-1" else 8, tiles=row != "pose-all-no-tiles")
        start, frames, people = time.perf_counter(), 0, 0
        for frame, t in prefetch(iter_frames(clip, max_side=960), PREFETCH, {}):
            people += len(estimator.process(frame, t))
            frames += 1
        out["people"] = people / max(frames, 1)
    out.update(frames=frames, seconds=time.perf_counter() - start, cpu_ms=1000 * cpu() / max(frames, 1))
    return out


def _part_rows(rows: list[str], clips: list[Path], repeat: int) -> None:
    print("| part | clip | frames | people/frame | fps | CPU ms/f (imports included) |")
    print("|---|---|---:|---:|---:|---:|")
    for row in rows:
        for clip in clips:
            runs = []
            for _ in range(max(repeat, 1)):
                cmd = [sys.executable, __file__, "--part", row, "--clip", str(clip)]
                done = subprocess.run(cmd, capture_output=True, text=True, check=True,
                                      env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})  # fmt: skip
                runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
            r = max(runs, key=lambda run: run["frames"] / run["seconds"])
            people = "-" if r["people"] is None else f"{r['people']:.2f}"
            print(f"| {PART_ROWS[row]} | {clip.name} | {r['frames']} | {people} | {r['frames'] / r['seconds']:.1f} | "
                  f"{r['cpu_ms']:.1f} |")  # fmt: skip


def _child(clip: Path, movement: str) -> dict[str, Any]:
    began, began_cpu = time.perf_counter(), time.process_time()
    sys.path.insert(0, str(ROOT))
    from inference.quiet import quiet_cpu_start

    quiet_cpu_start()
    import numpy as np

    from inference.movements import Movement
    from inference.pipeline import AnalysisConfig, analyze
    from inference.pipeline.run import StageTiming
    from inference.pipeline.warm import warm_models

    out: dict[str, Any] = {"imports": [time.perf_counter() - began, time.process_time() - began_cpu]}
    config = AnalysisConfig(movement=Movement(movement))
    start, cpu = time.perf_counter(), time.process_time()
    out["warm"] = warm_models(config)
    out["models"] = [time.perf_counter() - start, time.process_time() - cpu]
    stages: dict[str, list[float]] = {}

    def timer(timing: StageTiming) -> None:
        wall_cpu = stages.setdefault(timing.name, [0.0, 0.0])
        wall_cpu[0] += timing.wall_s
        wall_cpu[1] += timing.cpu_s

    start, cpu = time.perf_counter(), time.process_time()
    result = analyze(clip, config, timer=timer)
    out["analysis"] = [time.perf_counter() - start, time.process_time() - cpu]
    out["stages"] = stages
    # result.timings adds the pose stage's own wall time to its inner "pose" (estimation) and the
    # tracking stage's to the inner "tracking" (online tracker): taken out again here.
    inner = {k: result.timings.get(k, 0.0) - (stages[k][0] if k in stages else 0.0) for k in ("pose", "tracking")}
    out["inside_pose"] = {"decode": result.timings.get("decode", 0.0), **inner,
                          "proxy_encode": result.timings.get("proxy_encode", 0.0)}
    poses = result.poses
    seen = np.isfinite(poses.keypoints[..., 0]).any(axis=-1) if poses.num_people else np.zeros((poses.num_frames, 0))
    out["frames"] = int(poses.num_frames)
    out["people"] = float(seen.sum(axis=1).mean()) if poses.num_frames else 0.0
    out["size"] = list(poses.size)
    return out


def _run_child(clip: Path, movement: str) -> dict[str, Any]:
    """The child's numbers and its own peak RSS (ru_maxrss of exactly this process, os.wait4)."""
    cmd = [sys.executable, __file__, "--child", str(clip), "--movement", movement]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    with tempfile.TemporaryFile("w+") as stdout:
        child = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.DEVNULL, text=True, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        text = stdout.read()
    if child.returncode != 0:
        raise RuntimeError(f"{clip.name}: the child process failed ({child.returncode}); run with --child to see why")
    out: dict[str, Any] = json.loads(text.strip().splitlines()[-1])
    out["peak_rss_mb"] = usage.ru_maxrss / 1024
    out["process_cpu_s"] = usage.ru_utime + usage.ru_stime
    return out


def _machine() -> str:
    model = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        model = names[0] if names else model
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cpus} CPUs ({model}), Python {platform.python_version()}"


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min)"


def _commit() -> str:
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()  # fmt: skip
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "inference", "bench"],
                               capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes in inference/ or bench/" if dirty else "")


def _mediapipe_anchor() -> str:
    try:
        import mediapipe  # noqa: F401
    except ImportError:
        return ("MediaPipe anchor: not measured — `mediapipe` is not importable in this interpreter (it is not a "
                "dependency: its wheel pins numpy<2 and protobuf<5; run it from its own venv).")  # fmt: skip
    return "MediaPipe anchor: mediapipe is importable, but this bench has no anchor run yet."


def _summary_table(results: list[tuple[str, dict[str, Any]]]) -> list[str]:
    lines = [
        "| clip | size | frames | people/frame | imports s (CPU s) | models s (CPU s) | analyze() s | fps | cold fps "
        "| CPU ms/f | peak RSS MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results:
        frames = max(r["frames"], 1)
        wall = r["analysis"][0]
        cold = r["imports"][0] + r["models"][0] + wall
        lines.append(
            f"| {name} | {r['size'][0]}x{r['size'][1]} | {r['frames']} | {r['people']:.2f} | {r['imports'][0]:.1f} "
            f"({r['imports'][1]:.1f}) | {r['models'][0]:.1f} ({r['models'][1]:.1f}) | {wall:.1f} | {frames / wall:.1f} | {frames / cold:.1f} | "
            f"{1000 * r['analysis'][1] / frames:.1f} | {r['peak_rss_mb']:.0f} |"
        )
    return lines


def _stage_table(results: list[tuple[str, dict[str, Any]]]) -> list[str]:
    names: list[str] = []
    for _, r in results:
        names += [n for n in r["stages"] if n not in names]
    head = "| stage: CPU ms/frame (wall ms/frame) | " + " | ".join(name for name, _ in results) + " |"
    lines = [head, "|---|" + "---:|" * len(results)]

    def cell(r: dict[str, Any], wall: float, cpu: float | None) -> str:
        frames = max(r["frames"], 1)
        return ("" if cpu is None else f"{1000 * cpu / frames:.1f} ") + f"({1000 * wall / frames:.1f})"

    for stage in names:
        cells = [cell(r, *r["stages"][stage]) if stage in r["stages"] else "-" for _, r in results]
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    lines.append("| **analyze() total** | " + " | ".join(cell(r, *r["analysis"]) for _, r in results) + " |")
    for part, what in (("decode", "decode thread"), ("proxy_encode", "proxy, in the decode thread"),
                       ("pose", "pose model"), ("tracking", "online tracking")):
        cells = [cell(r, r["inside_pose"][part], None) if part in r["inside_pose"] else "-" for _, r in results]
        lines.append(f"| inside pose: {what} (wall only) | "
                     + " | ".join(cells) + " |")  # fmt: skip
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--media", type=Path, default=ROOT.parent / "shared" / "media")
    parser.add_argument("--clips", nargs="*", default=list(CLIPS), help="clip names in --media (default: all four)")
    parser.add_argument("--long-source", default=LONG_SOURCE, help="the clip looped into the long one")
    parser.add_argument("--long-frames", type=int, default=1000, help="frames of the long clip (0: none)")
    parser.add_argument("--movement", default="general", help="the movement chosen at upload")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--rows", nargs="+", choices=list(PART_ROWS), help="measure these parts instead")
    parser.add_argument("--repeat", type=int, default=1, help="--rows: runs per row, the fastest shown")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--part", choices=list(PART_ROWS), help=argparse.SUPPRESS)
    parser.add_argument("--clip", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.movement)))
        return 0
    if args.part:
        print(json.dumps(_part(args.part, args.clip)))
        return 0
    clips = [args.media / name for name in args.clips if (args.media / name).is_file()]
    if not clips and not args.long_frames:
        print(f"no clips in {args.media}", file=sys.stderr)
        return 1
    print(f"# {'Parts' if args.rows else 'Whole analysis'} per clip — {_machine()}, commit {_commit()}")
    print(f"load average at start: {_load()}")
    if args.rows:
        _part_rows(args.rows, clips, args.repeat)
        print(f"load average at end: {_load()}")
        return 0
    results: list[tuple[str, dict[str, Any]]] = [(clip.name, _run_child(clip, args.movement)) for clip in clips]
    if args.long_frames > 0 and (args.media / args.long_source).is_file():
        with tempfile.TemporaryDirectory(prefix="bench-long-") as folder:
            long_clip = Path(folder) / f"{Path(args.long_source).stem}_looped.mp4"
            frames = loop_clip(args.media / args.long_source, long_clip, args.long_frames)
            results.append((f"{args.long_source} looped to {frames} frames", _run_child(long_clip, args.movement)))
    print(f"load average at end: {_load()}")
    print("A load average above the CPU count means other processes shared the cores: wall times (s, fps) "
          "are then inflated; CPU ms per frame much less so.\n")
    print("\n".join(_summary_table(results)))
    print()
    print("\n".join(_stage_table(results)))
    print()
    print(_mediapipe_anchor())
    if args.json:
        args.json.write_text(json.dumps({"machine": _machine(), "commit": _commit(), "results": dict(results)}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
