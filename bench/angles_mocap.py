"""How far a 2D knee or elbow flexion is from the 3D one, by how frontal the camera is: motion
capture seen by random cameras (not scored).

    python bench/angles_mocap.py [--cameras N] [--seed S] [--fps F]

The DeepMimic clips of :mod:`bench.mocap_motion` (walk, run, jump, kick, punch, spinkick) are
seen by ``--cameras`` random static cameras each (:func:`bench.events_mocap.random_camera`), with
the same pose-engine noise as the event evaluation, and go through ``compute_kinematics``. For
every frame where the 3D joint is flexed more than :data:`FLEXED_DEG` (flexion = 180° minus the
included angle of the two segments, the kinematics' definition), the 2D reading minus the 3D one
is binned by the kinematics' own frontalness (:meth:`Kinematics.frontalness`: 0 side view, 1
front or back view). Prints per bin the median signed error, the median and 90th percentile of
the absolute error, the share off by more than 15°, and the median confidence the kinematics gave
those samples; then, per side-view angle (``angles.SAGITTAL``: knee, signed hip and shoulder,
ankle; every frame, the 3D value from :func:`bench.angles_3d.angles_3d`), how many samples are
reported and how many of those are off by more than 15°; then, per joint, what the elbow's candidate trust signal "depth spread"
(:mod:`bench.elbow_trust`, not in the product) would keep and how often what it keeps is off.
The same candidate on real footage: bench/angles_multiview.py. Caveat: frontalness is calibrated on BlazePose's hips and shoulders; the capture's
joint centres are wider apart, so its frames read somewhat more frontal than a person would.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.events_mocap import CLIP_SECONDS, NOISE_STATURES, SECONDS, random_camera  # noqa: E402
from bench.mocap_motion import load_motion, render, resample  # noqa: E402

SIDE_VIEW_ANGLES = ("knee", "hip", "shoulder", "ankle")
CLIPS = ("walk", "run", "jump", "kick", "punch", "spinkick")
JOINTS = {"knee": ("hip", "knee", "ankle"), "elbow": ("shoulder", "elbow", "wrist")}
BINS = (0.0, 0.3, 0.45, 0.6, 0.75, 0.9, np.inf)
FLEXED_DEG = 20.0


def flexion_3d(a: np.ndarray, vertex: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(T,) 180° minus the included angle at ``vertex`` of points (T, 3), degrees."""
    u, v = a - vertex, b - vertex
    cos = (u * v).sum(axis=1) / np.linalg.norm(u, axis=1) / np.linalg.norm(v, axis=1)
    return 180.0 - np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _side_view_samples(kin: Any, motion: Any, t: np.ndarray, out: dict[str, tuple[list[float], list[bool]]]) -> None:
    """Add the |2D − 3D| error and whether it is reported of every frame of the side-view angles."""
    from bench.angles_3d import angles_3d
    from inference.kinematics.angles import angle_def
    from inference.kinematics.points import point_sources
    from inference.skeleton import get_skeleton

    names = get_skeleton("blazepose33").keypoints
    points = np.full((t.size, len(names), 3), np.nan)  # the capture has no eyes: NaN
    for name, xyz in motion.points.items():
        points[:, names.index(name)] = resample(xyz, motion.t, t)
    named = np.full((t.size, len(point_sources("blazepose33")), 3), np.nan)
    for n, idx in enumerate(point_sources("blazepose33")):
        if idx:
            named[:, n] = points[:, list(idx)].mean(axis=1)
    truth = angles_3d(named)
    for joint, (error, reported) in out.items():
        for side in ("right", "left"):
            name, d = f"{side}_{joint}", angle_def(f"{side}_{joint}")
            true, got = truth[name], kin.angle(name)
            if d.window is not None and d.signed:  # the product's 360° window
                true = d.window[0] + (true - d.window[0]) % 360.0
            sel = np.isfinite(got) & np.isfinite(true)
            error.extend(np.abs(got - true)[sel].tolist())
            reported.extend((kin.angle_confidence[:, kin.angle_names.index(name)] >= 0.5)[sel].tolist())


def main(argv: list[str] | None = None) -> int:
    from bench.elbow_trust import SPREAD_GATES, elbow_signals
    from inference.actions.data import data_dir
    from inference.kinematics import compute_kinematics
    from inference.kinematics.points import point_index
    from inference.posedata import PoseSequence

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cameras", type=int, default=16)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--fps", type=float, default=30.0)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    errors = {(j, b): [] for j in JOINTS for b in range(len(BINS) - 1)}
    confidence = {(j, b): [] for j in JOINTS for b in range(len(BINS) - 1)}
    spread = {(j, b): [] for j in JOINTS for b in range(len(BINS) - 1)}
    side_view: dict[str, tuple[list[float], list[bool]]] = {j: ([], []) for j in SIDE_VIEW_ANGLES}  # per angle: |2D - 3D|, reported
    for name in CLIPS:
        motion = load_motion(data_dir(), name, CLIP_SECONDS.get(name, SECONDS))
        for _ in range(args.cameras):
            camera = random_camera(rng, motion)
            keypoints, t = render(motion, camera, args.fps, rng, rng.uniform(*NOISE_STATURES))
            poses = PoseSequence(keypoints=keypoints[:, None].astype(np.float32), skeleton="blazepose33", timestamps=t,
                                 fps=args.fps, size=camera.size, track_ids=np.zeros(1, np.int64))  # fmt: skip
            kin = compute_kinematics(poses, 0)
            bins = np.digitize(kin.frontalness(), BINS) - 1
            _side_view_samples(kin, motion, t, side_view)
            for joint, parts in JOINTS.items():
                for side in ("right", "left"):
                    true = flexion_3d(*(resample(motion.points[f"{side}_{p}"], motion.t, t) for p in parts))
                    got = kin.angle(f"{side}_{joint}")
                    conf = kin.angle_confidence[:, kin.angle_names.index(f"{side}_{joint}")]
                    s = side[0].upper()
                    pts = [kin.points[:, point_index(f"{s}{p.capitalize()}")] for p in reversed(parts)]
                    spr = elbow_signals(pts)["depth spread"]
                    for b in range(len(BINS) - 1):
                        sel = (bins == b) & np.isfinite(got) & (true > FLEXED_DEG)
                        errors[joint, b].extend((got[sel] - true[sel]).tolist())
                        confidence[joint, b].extend(conf[sel].tolist())
                        spread[joint, b].extend(spr[sel].tolist())
    print(f"| joint | frontalness | frames (3D flexion > {FLEXED_DEG:.0f}°) | 2D − 3D median | abs median | abs p90 | off > 15° | confidence median |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for (joint, b), e in errors.items():
        if not e:
            continue
        x = np.asarray(e)
        print(f"| {joint} | {BINS[b]:.2f}–{BINS[b + 1]:.2f} | {x.size} | {np.median(x):.1f}° | {np.median(np.abs(x)):.1f}° | "
              f"{np.percentile(np.abs(x), 90):.1f}° | {np.mean(np.abs(x) > 15):.0%} | {np.median(confidence[joint, b]):.2f} |")  # fmt: skip
    print("\n| side-view angle (every frame) | samples | reported (confidence >= 0.5) | off > 15° among reported |")
    print("| --- | --- | --- | --- |")
    for joint, (err, rep) in side_view.items():
        x, r = np.asarray(err), np.asarray(rep, bool)
        print(f"| {joint} | {x.size} | {r.sum()} | {np.mean(x[r] > 15):.1%} |")
    print("\nThe elbow's candidate trust signal, 'depth spread' (bench/elbow_trust.py; not in the product): per "
          "gate, the share of samples reported, the share of those off by more than 15°, and the share of the "
          "reported samples within 15° that the gate keeps.\n")
    print("| joint | samples | reported (confidence >= 0.5) | off > 15° among reported | "
          + " | ".join(f"depth spread <= {g:.0f}°: reported, off, good kept" for g in SPREAD_GATES) + " |")
    print("| --- " * (4 + len(SPREAD_GATES)) + "|")
    for joint in JOINTS:
        e = np.abs(np.concatenate([errors[joint, b] for b in range(len(BINS) - 1)]))
        c = np.concatenate([confidence[joint, b] for b in range(len(BINS) - 1)]) >= 0.5
        sp = np.concatenate([spread[joint, b] for b in range(len(BINS) - 1)])
        good = c & (e <= 15)
        cells = [f"{np.mean(c & (sp <= g)):.0%}, {np.mean(e[c & (sp <= g)] > 15):.0%}, {np.mean(sp[good] <= g):.0%}"
                 for g in SPREAD_GATES]  # fmt: skip
        print(f"| {joint} | {e.size} | {c.mean():.0%} | {np.mean(e[c] > 15):.0%} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
