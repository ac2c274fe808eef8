"""Noise of joint angles from 2-D pose on people who stand still in the real clips: the measurement
behind the noise floors of the technique rules (inference/feedback/measures.py).

    python bench/feedback_noise.py [--results DIR]

For each still span of :data:`STILL` (a person the truth file says does not move there, and the
joints it says are still), the clip's poses are computed (``analyze(until="tracking")``, or read
from ``DIR/<clip stem>/poses.npz`` that an earlier ``result.write`` left), the track on that
person is found by its keypoint box against the truth's boxes, and the kinematics of that track are
computed exactly as for an athlete. Per angle, over the span's frames whose angle confidence is at
least 0.5 (what the rules read): the range of motion (5th-95th percentile, the symmetry rules'
measure) and the largest deviation from the span's median. Per joint pair: the difference of the
left and right ranges. Prints one table; the maxima over every row are the noise floors.

The clips are development data, so these are floors measured on four clips (people 100-1200 px
tall), not a calibration.
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

from bench.realworld import TRUTH_DIR, media_dir  # noqa: E402
from bench.scoring.truth import load_truth  # noqa: E402

LEGS = ("knee", "hip", "ankle")
ALL = ("knee", "hip", "ankle", "shoulder", "elbow")
# (clip stem, truth person id, (start, end) s, joints still there, what the truth file says)
STILL: tuple[tuple[str, str, tuple[float, float], tuple[str, ...], str], ...] = (
    ("lab_walk_portrait_60fps", "woman", (0.0, 1.667), ALL, "standing still by the back wall; barely moves"),
    ("lab_two_people_portrait_60fps", "bystander", (0.0, 1.667), ALL, "standing still by the back wall"),
    ("lab_two_people_portrait_60fps", "woman", (0.0, 1.667), ("knee", "ankle"),
     "does not step, both feet on the floor; only moves her arms"),
    ("indoor_two_people_1080p", "grey", (0.0, 0.7), ALL, "two men stand facing each other, arms down (idle)"),
    ("indoor_two_people_1080p", "dark", (0.0, 0.7), ALL, "two men stand facing each other, arms down (idle)"),
    ("basketball_pan_240p", "white", (0.5, 1.4), LEGS, "stands holding the follow-through (idle)"),
    ("basketball_pan_240p", "white", (7.0, 7.9), LEGS, "holds the follow-through (idle)"),
)  # fmt: skip
MIN_CONFIDENCE = 0.5
NOMINAL_STATURE_CM = 170.0  # pixels → cm through the person's estimated stature in pixels


def poses_of(stem: str, results: Path | None):  # noqa: ANN201 - PoseSequence, imported lazily
    from inference.pipeline import AnalysisConfig, analyze
    from inference.posedata import PoseSequence

    if results is not None and (results / stem / "poses.npz").is_file():
        return PoseSequence.load(results / stem / "poses.npz")
    clip = next(p for p in media_dir().glob(f"{stem}.*"))
    return analyze(clip, AnalysisConfig(until="tracking")).poses


def track_of(poses, truth_person, span: tuple[float, float]) -> int | None:  # noqa: ANN001
    """The person slot whose keypoint box centre stays nearest the truth box (within a quarter of
    its height) in the most frames of ``span``."""
    hits = np.zeros(poses.num_people, int)
    for f, t in enumerate(poses.timestamps):
        box = truth_person.box_at(float(t)) if span[0] <= t <= span[1] else None
        if box is None:
            continue
        centre, height = (box[:2] + box[2:]) / 2, box[3] - box[1]
        xy = poses.keypoints[f, :, :, :2]
        seen = np.isfinite(xy).all(axis=-1) & (poses.keypoints[f, :, :, 2] > 0.2)
        for p in range(poses.num_people):
            if seen[p].sum() >= 5:
                pts = xy[p][seen[p]]
                mid = (pts.min(axis=0) + pts.max(axis=0)) / 2
                hits[p] += np.linalg.norm(mid - centre) < 0.25 * height
    return int(hits.argmax()) if hits.max() > 0 else None


def main(argv: list[str] | None = None) -> int:
    from inference.kinematics import compute_kinematics

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, help="folder of <clip stem>/poses.npz to reuse")
    args = parser.parse_args(argv)
    print("| clip | person | span s | angle | frames | ROM ° | max dev ° |\n| --- | --- | --- | --- | ---: | ---: | ---: |")
    roms, devs, diffs, samples, jitter = [], [], [], [], []
    for stem, person_id, span, joints, said in STILL:
        truth = load_truth(TRUTH_DIR / f"{stem}.json")
        poses = poses_of(stem, args.results)
        slot = track_of(poses, truth.person(person_id), span)
        if slot is None:
            print(f"| {stem} | {person_id} | no track found | | | | |")
            continue
        kin = compute_kinematics(poses, slot)
        inside = (kin.timestamps >= span[0]) & (kin.timestamps <= span[1])
        side_rom = {}
        stature = kin.scale.height_px
        for joint in ("Knee", "Ankle"):  # the gaps the knee-valgus ratio reads; a camera pan cancels
            x = np.abs(kin.point(f"R{joint}")[inside, 0] - kin.point(f"L{joint}")[inside, 0])
            x = x[np.isfinite(x)]
            if x.size >= 10 and stature:
                jitter.append(np.abs(x - np.median(x)) / stature * NOMINAL_STATURE_CM)
        for joint in joints:
            for side in ("right", "left"):
                name = f"{side}_{joint}"
                a = kin.angle_names.index(name)
                x = kin.angles[inside & (kin.angle_confidence[:, a] >= MIN_CONFIDENCE) & np.isfinite(kin.angles[:, a]), a]
                if x.size < 10:
                    continue
                rom = float(np.subtract(*np.percentile(x, [95, 5])))
                dev = float(np.max(np.abs(x - np.median(x))))
                samples.append(np.abs(x - np.median(x)))
                side_rom[name] = rom
                roms.append(rom)
                devs.append(dev)
                print(f"| {stem} | {person_id} | {span[0]:.2f}-{span[1]:.2f} | {name} | {x.size} | {rom:.1f} | {dev:.1f} |")
            pair = [side_rom.get(f"{s}_{joint}") for s in ("right", "left")]
            if None not in pair:
                diffs.append(abs(pair[0] - pair[1]))  # type: ignore[operator]
        print(f"|  | ({said}) | | | | | |")
    print(f"\nstill joints: {len(roms)} angle series; ROM max {max(roms):.1f}°, 95th pct {np.percentile(roms, 95):.1f}°, "
          f"median {np.median(roms):.1f}°; largest deviation from the median {max(devs):.1f}°; "
          f"left-right ROM difference max {max(diffs):.1f}° over {len(diffs)} pairs")
    pooled = np.concatenate(samples)
    moved = np.concatenate(jitter)
    print(f"single samples: {pooled.size}; deviation from their series' median: 95th pct {np.percentile(pooled, 95):.1f}°, "
          f"99th {np.percentile(pooled, 99):.1f}°")
    print(f"knee gap and ankle gap on a {NOMINAL_STATURE_CM:.0f} cm stature: {moved.size} samples; deviation from the median: "
          f"95th pct {np.percentile(moved, 95):.1f} cm, 99th {np.percentile(moved, 99):.1f} cm")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
