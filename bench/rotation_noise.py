"""Noise of a body segment's 2-D vector between two frames on people who stand still in the real
clips: the measurement behind ``inference.kinematics.rotation.NOISE``.

    python bench/rotation_noise.py [--results DIR]

Same still spans, tracks and pose runs as bench/feedback_noise.py (``--results DIR`` reuses
``DIR/<clip stem>/poses.npz``). Per checked segment (``rotation.MAX_ROTATION_DEG_S``) of the
joints the truth calls still there (legs: thigh, shank, foot; all: every segment), on the raw named
points (keypoints below the kinematics' confidence floor absent, no cleaning: what the rotation
check reads): |v(t+1) - v(t)| / stature between consecutive frames of the span where both are
seen, the stature from ``scale.stature_series``. A still segment's vector only moves by noise, so
the largest value is the noise the check allows for.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inference.quiet import quiet_cpu_start  # noqa: E402

quiet_cpu_start()

from bench.feedback_noise import STILL, poses_of, track_of  # noqa: E402
from bench.realworld import TRUTH_DIR  # noqa: E402
from bench.scoring.truth import load_truth  # noqa: E402

# The segments a still joint holds still (both sides): a still knee keeps thigh and shank still, …
SEGMENTS_OF = {"knee": ("thigh", "shank"), "ankle": ("shank", "foot"), "hip": ("thigh", "trunk"),
               "shoulder": ("arm", "trunk"), "elbow": ("arm", "forearm")}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    from inference.kinematics import KinematicsConfig
    from inference.kinematics.points import named_points
    from inference.kinematics.rotation import MAX_ROTATION_DEG_S, segment_vectors
    from inference.kinematics.scale import stature_series

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, help="folder of <clip stem>/poses.npz to reuse")
    args = parser.parse_args(argv)
    floor = KinematicsConfig().min_confidence
    print("| clip | person | span s | stature px | segments | steps | 99th pct | max (segment) |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | --- |")
    pooled = []
    for stem, person_id, span, joints, _said in STILL:
        truth = load_truth(TRUTH_DIR / f"{stem}.json")
        poses = poses_of(stem, args.results)
        slot = track_of(poses, truth.person(person_id), span)
        if slot is None:
            print(f"| {stem} | {person_id} | no track found | | | | | |")
            continue
        xy, conf = named_points(poses.keypoints[:, slot], poses.skeleton)
        xy[conf < floor] = np.nan
        t = np.asarray(poses.timestamps, np.float64)
        stature = stature_series(xy, t)
        inside = (t >= span[0]) & (t <= span[1])
        still = {seg for joint in joints for seg in SEGMENTS_OF[joint]} | ({"head"} if len(joints) == 5 else set())
        steps, worst = [], (0.0, "")
        for name in MAX_ROTATION_DEG_S:
            if name.split("_")[-1] not in still:
                continue  # the truth does not call this segment still there
            v = segment_vectors(xy, name)
            both = inside[:-1] & inside[1:] & np.isfinite(v[:-1]).all(axis=1) & np.isfinite(v[1:]).all(axis=1)
            moved = np.hypot(*(v[1:] - v[:-1])[both].T) / np.fmax(stature[:-1], stature[1:])[both]
            if moved.size:
                steps.append(moved)
                worst = max(worst, (float(moved.max()), name))
        if not steps:
            continue
        s = np.concatenate(steps)
        pooled.append(s)
        print(f"| {stem} | {person_id} | {span[0]:.2f}-{span[1]:.2f} | {np.nanmedian(stature[inside]):.0f} | {len(steps)} | "
              f"{s.size} | {np.percentile(s, 99):.3f} | {worst[0]:.3f} ({worst[1]}) |")
    allsteps = np.concatenate(pooled)
    print(f"\npooled: {allsteps.size} steps; |dv| / stature 95th pct {np.percentile(allsteps, 95):.3f}, "
          f"99th {np.percentile(allsteps, 99):.3f}, max {allsteps.max():.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
