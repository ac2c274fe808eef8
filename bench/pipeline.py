"""The whole analysis, stage by stage, on the real clips and on a long one: what a worker pays.

    python bench/pipeline.py [--media ../shared/media] [--clips NAME ...] [--long-source NAME]
                             [--long-frames 1000] [--json OUT]
    python bench/pipeline.py --rows pose-all pose-all-no-tiles [--repeat 2] [--clips NAME ...]
    python bench/pipeline.py --anchor [--anchor-python .venv-anchor/bin/python] [--repeat 2]
                             [--clips NAME ...] [--long-source NAME ...] [--long-frames 1000]
    python bench/pipeline.py --warm [--clips NAME ...] [--cut-frames 10] [--repeat 2]

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
on a shared machine other work inflates wall times (fps), less so CPU times.

``--anchor`` measures the issue's anchor instead: on each clip (by default only the long one,
looped from each --long-source), our whole analysis (the ``--child`` process above) and MediaPipe's
own graph doing pose + segmentation mask for one person (bench/anchor_mediapipe.py, run by the
anchor venv's Python: ``make bench-anchor`` builds it), one after the other, ``--repeat`` times
(alternating: ours, MediaPipe, ours, MediaPipe), each in a fresh process. The ratio is ours /
MediaPipe's (the target is ≤ 0.5): of the whole process (wall from spawn to exit, CPU from the
child's rusage, os.wait4: interpreter, imports, models, the clip, exit) and with start-up excluded
(our analyze() against MediaPipe's loop over the frames, decode included on both sides). Each run
is a row with its own ratio; the last rows give each clip's range over the runs.

``--warm`` measures what a video costs a warm worker before and after its frames ("start-up
per video, warm worker"): per clip, one fresh process loads every model as a worker's pool
process does when it starts (warm_models), then analyses, one after the other as a worker takes
videos, the clip (the first video after the warm-up), then ``--repeat`` times a cut of its first
``--cut-frames`` frames (stream copy: bench.pipeline.cut_clip) and the clip again. With T(n) the analyze() time of n
frames, the fastest of the repeats for each length: per frame = (T(N) − T(k)) / (N − k), and
start-up per video = T(k) − k × per frame: the intercept, what a video pays whatever its length
(probe, threads and encoder opened, first detection, each model's per-call overhead). The
same fit per stage says where it goes. Wall and CPU seconds each; the first video's own time
shows whether anything was still loaded on first use.
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


def _child_start(movement: str) -> tuple[dict[str, Any], Any]:
    """A measuring process's start: the engine imported and every model loaded (warm_models), with
    the seconds each took (``imports``, ``models``: wall, CPU); → (out, the AnalysisConfig)."""
    began, began_cpu = time.perf_counter(), time.process_time()
    sys.path.insert(0, str(ROOT))
    from inference.quiet import quiet_cpu_start

    quiet_cpu_start()
    from inference.movements import Movement
    from inference.pipeline import AnalysisConfig
    from inference.pipeline.warm import warm_models

    out: dict[str, Any] = {"imports": [time.perf_counter() - began, time.process_time() - began_cpu]}
    config = AnalysisConfig(movement=Movement(movement))
    start, cpu = time.perf_counter(), time.process_time()
    out["warm"] = warm_models(config)
    out["models"] = [time.perf_counter() - start, time.process_time() - cpu]
    return out, config


def _child(clip: Path, movement: str) -> dict[str, Any]:
    out, config = _child_start(movement)
    import numpy as np

    from inference.pipeline import analyze
    from inference.pipeline.run import StageTiming

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


def cut_clip(source: Path, dest: Path, frames: int) -> None:
    """Write the start of ``source`` to ``dest`` (stream copy): the shortest run of packets in
    decode order that holds the first ``frames`` frames in display order (with B-frames, a few
    more may come with them)."""
    import av

    with av.open(str(source)) as src:
        stream = src.streams.video[0]
        packets = [p for p in src.demux(stream) if p.dts is not None and p.pts is not None]
        first = set(sorted(int(p.pts) for p in packets)[:frames])
        last = max(i for i, p in enumerate(packets) if int(p.pts) in first)
        kept = packets[: last + 1]
        with av.open(str(dest), "w") as out:
            target = out.add_stream_from_template(stream)
            for p in kept:
                packet = av.Packet(bytes(p))
                packet.pts, packet.dts, packet.duration = p.pts, p.dts, p.duration
                packet.time_base, packet.is_keyframe, packet.stream = p.time_base, p.is_keyframe, target
                out.mux(packet)


def _warm_child(clip: Path, movement: str, cut_frames: int, repeat: int) -> dict[str, Any]:
    """One warm worker's process: models loaded once, then the clip, and ``repeat`` times its cut
    and the clip again (see the module docstring)."""
    out, config = _child_start(movement)
    from inference.pipeline import analyze
    from inference.pipeline.run import StageTiming

    def run(path: Path) -> dict[str, Any]:
        stages: dict[str, list[float]] = {}

        def timer(timing: StageTiming) -> None:
            stages[timing.name] = [timing.wall_s, timing.cpu_s]

        load = os.getloadavg()[0]
        start, cpu = time.perf_counter(), time.process_time()
        result = analyze(path, config, timer=timer)
        total = [time.perf_counter() - start, time.process_time() - cpu]
        return {"frames": int(result.poses.num_frames), "analysis": total, "stages": stages, "load": load}

    with tempfile.TemporaryDirectory(prefix="bench-cut-") as folder:
        cut = Path(folder) / f"{clip.stem}_cut.mp4"
        cut_clip(clip, cut, cut_frames)
        out["first"] = run(clip)
        out["cut"], out["full"] = [], []
        for _ in range(max(repeat, 1)):
            out["cut"].append(run(cut))
            out["full"].append(run(clip))
    return out


def start_up_fit(short: list[dict[str, Any]], full: list[dict[str, Any]]) -> dict[str, Any]:
    """From analyses of k and N frames (the fastest of each for wall and for CPU, separately):
    seconds per frame and the intercept, the start-up per video, of the whole analysis and of
    each stage (index 0 wall, 1 CPU)."""
    k, n = short[0]["frames"], full[0]["frames"]
    if n <= k:
        raise ValueError(f"the cut ({k} frames) is not shorter than the clip ({n})")

    def fit(get: Any) -> list[dict[str, float]]:
        out = []
        for i in (0, 1):
            t_k, t_n = min(get(r)[i] for r in short), min(get(r)[i] for r in full)
            per_frame = (t_n - t_k) / (n - k)
            out.append({"per_frame": per_frame, "start_up": t_k - k * per_frame, "short": t_k, "full": t_n})
        return out

    stages = [name for name in full[0]["stages"]]
    zero = [0.0, 0.0]
    return {"k": k, "n": n, "analysis": fit(lambda r: r["analysis"]),
            "stages": {name: fit(lambda r, name=name: r["stages"].get(name, zero)) for name in stages}}


def warm_table(results: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """Per clip: models once per process, the first video after them, the second video, the cut,
    per frame and the start-up per video (wall s (CPU s)); then the start-up per stage (CPU s)."""
    lines = [
        "| clip | frames N / cut k | load (1 min) | models once per process s (CPU s) | first video after warm-up "
        "s (CPU s) | second video s (CPU s) | cut s (CPU s) | per frame ms (CPU ms) "
        "| **start-up per video, warm worker s (CPU s)** |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    fits = []
    for name, r in results:
        f = start_up_fit(r["cut"], r["full"])
        fits.append((name, f))
        a = f["analysis"]
        loads = [x["load"] for x in [r["first"], *r["cut"], *r["full"]]]
        lines.append(
            f"| {name} | {f['n']} / {f['k']} | {_span(loads)} | {_seconds(*r['models'])} | {_seconds(*r['first']['analysis'])} "
            f"| {_seconds(a[0]['full'], a[1]['full'])} | {_seconds(a[0]['short'], a[1]['short'])} "
            f"| {1000 * a[0]['per_frame']:.1f} ({1000 * a[1]['per_frame']:.1f}) "
            f"| **{a[0]['start_up']:.2f} ({a[1]['start_up']:.2f})** |"
        )
    lines += ["", "| stage: start-up per video, CPU s (wall s) | " + " | ".join(name for name, _ in fits) + " |",
              "|---|" + "---:|" * len(fits)]  # fmt: skip
    for stage in fits[0][1]["stages"] if fits else []:
        cells = [f"{f['stages'][stage][1]['start_up']:.3f} ({f['stages'][stage][0]['start_up']:.2f})"
                 if stage in f["stages"] else "-" for _, f in fits]  # fmt: skip
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    return lines


def _warm_main(args: argparse.Namespace, clips: list[Path]) -> int:
    results = []
    for clip in clips:
        cmd = [sys.executable, __file__, "--warm-child", str(clip), "--movement", args.movement,
               "--cut-frames", str(args.cut_frames), "--repeat", str(args.repeat)]  # fmt: skip
        results.append((clip.name, _run_process(cmd, clip)))
        print(f"  {clip.name}: done", file=sys.stderr, flush=True)
    print(f"load average at end: {_load()}")
    print(f"Each clip in one fresh process: models loaded once (warm_models), then the clip, then {args.repeat}× "
          f"(a cut of its first {args.cut_frames} frames, the clip); the fastest of the repeats for each length. "
          "Start-up per video = T(k) − k × (T(N) − T(k)) / (N − k).\n")  # fmt: skip
    print("\n".join(warm_table(results)))
    if args.json:
        args.json.write_text(json.dumps({"machine": _machine(), "commit": _commit(), "warm": dict(results)}, indent=1))
    return 0


def _run_child(clip: Path, movement: str) -> dict[str, Any]:
    """The child's numbers and its own peak RSS (ru_maxrss of exactly this process, os.wait4)."""
    return _run_process([sys.executable, __file__, "--child", str(clip), "--movement", movement], clip)


def _run_process(cmd: list[str], clip: Path) -> dict[str, Any]:
    """Run ``cmd`` (a child printing its numbers as a last JSON line); add its peak RSS, its CPU
    seconds (rusage of exactly this process, os.wait4) and its wall seconds from spawn to exit."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "GLOG_minloglevel": "2"}
    began = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stdout:
        child = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.DEVNULL, text=True, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - began
        child.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        text = stdout.read()
    if child.returncode != 0:
        raise RuntimeError(f"{clip.name}: {' '.join(cmd[:2])} failed ({child.returncode}); run it alone to see why")
    out: dict[str, Any] = json.loads(text.strip().splitlines()[-1])
    out["peak_rss_mb"] = usage.ru_maxrss / 1024
    out["process_cpu_s"] = usage.ru_utime + usage.ru_stime
    out["process_wall_s"] = wall
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


ANCHOR_SCRIPT = ROOT / "bench" / "anchor_mediapipe.py"
ANCHOR_PYTHON = ROOT / ".venv-anchor" / "bin" / "python"  # made by `make bench-anchor`
ANCHOR_TARGET = 0.5  # issue 24: our whole process at most half MediaPipe's on the same clip


def _mediapipe_anchor() -> str:
    return ("MediaPipe anchor: not measured in this run — `make bench-anchor` (bench/pipeline.py --anchor) runs "
            "MediaPipe's graph from its own venv on the same clips and prints the ratio.")  # fmt: skip


def _run_anchor(python: Path, clip: Path) -> dict[str, Any]:
    """MediaPipe's graph on ``clip`` in a fresh process of the anchor venv's Python."""
    return _run_process([str(python), str(ANCHOR_SCRIPT), str(clip)], clip)


def _seconds(wall: float, cpu: float) -> str:
    return f"{wall:.1f} ({cpu:.1f})"


def _span(values: list[float]) -> str:
    low, high = min(values), max(values)
    return f"{low:.2f}" if f"{low:.2f}" == f"{high:.2f}" else f"{low:.2f}–{high:.2f}"


def anchor_ratios(ours: dict[str, Any], anchor: dict[str, Any]) -> dict[str, float]:
    """Ours / MediaPipe's: whole process (wall, CPU) and start-up excluded (our analyze() against
    MediaPipe's loop over the frames; wall, CPU)."""
    return {"process_wall": ours["process_wall_s"] / anchor["process_wall_s"],
            "process_cpu": ours["process_cpu_s"] / anchor["process_cpu_s"],
            "analysis_wall": ours["analysis"][0] / anchor["analysis"][0],
            "analysis_cpu": ours["analysis"][1] / anchor["analysis"][1]}  # fmt: skip


def anchor_table(runs: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> list[str]:
    """The anchor's rows from recorded runs: (clip, our child's numbers, the anchor's numbers),
    in the order they ran. One row per run, then each clip's range of the ratios over its runs
    and whether the whole-process ratio met the target in every run."""
    lines = [
        "| clip | run | load (1 min) | frames ours / MP | people/frame (ours) | ours: process s (CPU s) "
        "| MediaPipe: process s (CPU s) | **ratio process wall / CPU** | ours start-up s (CPU s) "
        "| MP start-up s (CPU s) | ours analyze() s (CPU s), fps | MP loop s (CPU s), fps "
        "| ratio start-up excluded wall / CPU |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    by_clip: dict[str, list[dict[str, float]]] = {}
    counts: dict[str, int] = {}
    for clip, ours, anchor in runs:
        ratio = anchor_ratios(ours, anchor)
        by_clip.setdefault(clip, []).append(ratio)
        counts[clip] = counts.get(clip, 0) + 1
        frames = f"{ours['frames']} / {anchor['frames']}" + ("" if ours["frames"] == anchor["frames"] else " (differ)")
        startup = [ours["imports"][i] + ours["models"][i] for i in (0, 1)]
        mp_startup = [anchor["imports"][i] + anchor["models"][i] for i in (0, 1)]
        load = ours.get("load")
        lines.append(
            f"| {clip} | {counts[clip]} | {'-' if load is None else f'{load:.1f}'} | {frames} | {ours['people']:.2f} "
            f"| {_seconds(ours['process_wall_s'], ours['process_cpu_s'])} "
            f"| {_seconds(anchor['process_wall_s'], anchor['process_cpu_s'])} "
            f"| **{ratio['process_wall']:.2f} / {ratio['process_cpu']:.2f}** | {_seconds(*startup)} | {_seconds(*mp_startup)} "
            f"| {_seconds(*ours['analysis'])}, {ours['frames'] / ours['analysis'][0]:.1f} "
            f"| {_seconds(*anchor['analysis'])}, {anchor['frames'] / anchor['analysis'][0]:.1f} "
            f"| {ratio['analysis_wall']:.2f} / {ratio['analysis_cpu']:.2f} |"
        )
    lines += ["", f"| clip | runs | ratio process wall | ratio process CPU | ratio start-up excluded wall | CPU "
                  f"| target ≤ {ANCHOR_TARGET} (process wall, every run) |",
              "|---|---:|---:|---:|---:|---:|---|"]  # fmt: skip
    for clip, ratios in by_clip.items():
        spans = [_span([r[key] for r in ratios]) for key in ("process_wall", "process_cpu", "analysis_wall", "analysis_cpu")]
        met = all(r["process_wall"] <= ANCHOR_TARGET for r in ratios)
        lines.append(f"| {clip} | {len(ratios)} | " + " | ".join(spans) + f" | {'met' if met else 'not met'} |")
    return lines


def _anchor_main(args: argparse.Namespace, clips: list[Path]) -> int:
    python = args.anchor_python
    if not python.is_file():
        print(f"{python} is missing: `make bench-anchor` builds the anchor venv (MediaPipe, pinned)", file=sys.stderr)
        return 1
    runs: list[tuple[str, dict[str, Any], dict[str, Any]]] = []

    def measure(name: str, clip: Path) -> None:
        for _ in range(max(args.repeat, 1)):
            load = os.getloadavg()[0]
            ours = _run_child(clip, args.movement)
            ours["load"] = load
            anchor = _run_anchor(python, clip)
            anchor["load"] = os.getloadavg()[0]
            runs.append((name, ours, anchor))
            print(f"  {name}: ours {ours['process_wall_s']:.1f} s, MediaPipe {anchor['process_wall_s']:.1f} s",
                  file=sys.stderr, flush=True)  # fmt: skip

    for clip in clips:
        measure(clip.name, clip)
    if args.long_frames > 0:
        with tempfile.TemporaryDirectory(prefix="bench-long-") as folder:
            for source in args.long_source:
                if not (args.media / source).is_file():
                    continue
                long_clip = Path(folder) / f"{Path(source).stem}_looped.mp4"
                frames = loop_clip(args.media / source, long_clip, args.long_frames)
                measure(f"{Path(source).name} looped to {frames} frames", long_clip)
    print(f"load average at end: {_load()}")
    mp = runs[0][2] if runs else {}
    print(f"MediaPipe {mp.get('mediapipe', '?')} (legacy solutions.pose.Pose, model_complexity=1, "
          f"enable_segmentation=True; OpenCV {mp.get('opencv', '?')} decoding) from {python}; ratio = ours / "
          f"MediaPipe's, run alternately in fresh processes.\n")  # fmt: skip
    print("\n".join(anchor_table(runs)))
    print()
    ours_runs = [(f"{name}, run {[n for n, _, _ in runs[: i + 1]].count(name)}", ours)
                 for i, (name, ours, _) in enumerate(runs)]  # fmt: skip
    print("\n".join(_summary_table(ours_runs)))
    print()
    print("\n".join(_stage_table(ours_runs)))
    if args.json:
        args.json.write_text(json.dumps({"machine": _machine(), "commit": _commit(),
                                         "anchor_runs": [list(run) for run in runs]}, indent=1))  # fmt: skip
    return 0


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
    parser.add_argument("--clips", nargs="*", help="clip names in --media (default: all four; none with --anchor)")
    parser.add_argument("--long-source", nargs="+", default=[LONG_SOURCE], help="the clips looped into long ones")
    parser.add_argument("--long-frames", type=int, default=1000, help="frames of the long clip (0: none)")
    parser.add_argument("--movement", default="general", help="the movement chosen at upload")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--rows", nargs="+", choices=list(PART_ROWS), help="measure these parts instead")
    parser.add_argument("--repeat", type=int, default=1,
                        help="--rows: runs per row, the fastest shown; --anchor: runs of each side per clip; "
                             "--warm: analyses of each length per clip")  # fmt: skip
    parser.add_argument("--anchor", action="store_true", help="our whole analysis against MediaPipe's graph")
    parser.add_argument("--anchor-python", type=Path, default=ANCHOR_PYTHON, help="the anchor venv's python")
    parser.add_argument("--warm", action="store_true", help="start-up per video on a warm worker (see above)")
    parser.add_argument("--cut-frames", type=int, default=10, help="--warm: frames of each clip's short cut")
    parser.add_argument("--warm-child", type=Path, help=argparse.SUPPRESS)
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
    if args.warm_child:
        print(json.dumps(_warm_child(args.warm_child, args.movement, args.cut_frames, args.repeat)))
        return 0
    names = args.clips if args.clips is not None else ([] if args.anchor else list(CLIPS))
    clips = [args.media / name for name in names if (args.media / name).is_file()]
    if not clips and not args.long_frames:
        print(f"no clips in {args.media}", file=sys.stderr)
        return 1
    title = ("Parts" if args.rows else "Our whole analysis against MediaPipe's graph" if args.anchor
             else "Start-up per video on a warm worker" if args.warm else "Whole analysis")  # fmt: skip
    print(f"# {title} per clip — {_machine()}, commit {_commit()}")
    print(f"load average at start: {_load()}")
    if args.anchor:
        return _anchor_main(args, clips)
    if args.warm:
        return _warm_main(args, clips)
    if args.rows:
        _part_rows(args.rows, clips, args.repeat)
        print(f"load average at end: {_load()}")
        return 0
    results: list[tuple[str, dict[str, Any]]] = [(clip.name, _run_child(clip, args.movement)) for clip in clips]
    for source in args.long_source if args.long_frames > 0 else []:
        if (args.media / source).is_file():
            with tempfile.TemporaryDirectory(prefix="bench-long-") as folder:
                long_clip = Path(folder) / f"{Path(source).stem}_looped.mp4"
                frames = loop_clip(args.media / source, long_clip, args.long_frames)
                results.append((f"{source} looped to {frames} frames", _run_child(long_clip, args.movement)))
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
