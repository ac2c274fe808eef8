"""Action recognition speed on this CPU: the ST-GCN per window, and ``label_actions`` over a whole
analysis per frame amortized (target < 2 ms per frame).

    python bench/actions.py [--minutes 2] [--fps 60] [--repeat 3]

The athlete is bench/kinematics.py's synthetic figure (walking in place, then squatting, with
noise, outliers and drop-outs) as BlazePose-33 keypoints. Rows: the network alone on batches of
windows (ms per window); ``label_actions`` end to end (resampling, windows every 0.25 s, ST-GCN,
plausibility checks and step evidence, posture classifier, smoothing, segments, repetitions and
feedback from the kinematics), per source frame amortized. The fastest of --repeat runs is shown (a shared machine only slows runs down),
after one warm-up run (the first call builds the networks and traces their graphs).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _bench_kinematics() -> object:
    spec = importlib.util.spec_from_file_location("bench_kinematics", ROOT / "bench" / "kinematics.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--fps", type=float, default=60.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from inference.actions import label_actions, load_action_model
    from inference.actions.joints import NUM_JOINTS

    kin = _bench_kinematics()
    poses = kin.synthetic_poses(args.minutes, args.fps, "blazepose33")  # type: ignore[attr-defined]
    model = load_action_model()
    rows = []
    for batch in (1, 64):
        windows = np.random.default_rng(0).normal(size=(batch, 3, model.frames, NUM_JOINTS)).astype(np.float32)
        model.predict(windows)
        wall, cpu, _ = kin.timed(lambda w=windows: model.predict(w), args.repeat * 3)  # type: ignore[attr-defined]
        rows.append((f"ST-GCN, batch of {batch}", f"{1000 * wall / batch:.2f} ms/window", f"{1000 * cpu / batch:.2f}"))
    label_actions(poses, 0, model=model)
    wall, cpu, result = kin.timed(lambda: label_actions(poses, 0, model=model), args.repeat)  # type: ignore[attr-defined]
    frames = poses.num_frames
    rows.append((f"label_actions, {args.minutes:g} min at {args.fps:g} fps ({frames} frames)",
                 f"{1000 * wall / frames:.3f} ms/frame ({wall:.2f} s)", f"{1000 * cpu / frames:.3f}"))  # fmt: skip
    print("| step | wall | CPU ms per unit |\n| --- | ---: | ---: |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    labels = ", ".join(f"{k} {v['seconds']:.0f} s" for k, v in result.summary().items())
    print(f"\nsegments: {len(result.segments)} ({labels})")


if __name__ == "__main__":
    main()
