"""Physical evidence for action labels, measured (issue 19): stillness of the body for "idle", the
feet's alternation relative to the hips for "walk"/"run". A measurement, not a labeller: nothing
here is used by ``label_actions`` (docs/actions.md, "Physical evidence, measured and not kept").

    python bench/actions_evidence.py [--cache DIR] [--held-out] [--per-class 100] [--seed 998]

Everything is in the action joints' normalised units (torso lengths, :mod:`inference.actions.features`)
and *relative to the body*: each joint minus the mid-hip of the same frame, so a panning camera,
the body's travel and a jump's rise do not count, only the limbs and the head moving about the hips.

- ``lower``: the largest 5th-95th percentile extent of the path of the nose, neck, hips, knees or
  ankles (relative to the mid-hip) over a piece of the track; ``arms``: the same for the elbows and
  wrists. Thresholds: the 99th percentile of the idle class's pieces in the synthetic held-out-camera
  draw (seed 998, the draw :mod:`inference.actions.calibrate` uses).
- ``wrist above the nose`` and ``arm held raised`` (a wrist at or above its shoulder's height and
  at least 0.8 torso lengths from it, longest time): what a punch does with the arm, against a
  basketball shot's raised, held follow-through (the raw network calls real shots punch).
- ``gait``: std of (left - right) / 2 ankle height over std of (left + right) / 2, both relative
  to the mid-hip (:func:`inference.actions.plausibility.foot_alternation` measures them relative to
  the window's mean mid-hip, so the body's travel and a camera's pan are in its symmetric part).

Synthetic: per class, the share of pieces (0.25, 0.5, 1 s) as still as idle's 99th percentile, and
the gait ratio's percentiles. Real (``--cache``, the folder of ``bench/realworld.py --reuse``): the
rule "idle where the centred 1-s piece is that still, runs of at least the shortest segment (0.5
s)" scored like the scoreboard (bench/scoring/actions.py; the rule's label counts as confident),
with the lower body alone and with the arms too; and the gait ratio of the windows whose raw network
says walk or run. The held-out clip (sports2d_demo) is left out unless ``--held-out``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inference.actions.joints import CENTER, joint  # noqa: E402
from inference.kinematics.filters import runs  # noqa: E402

LOWER = tuple(joint(n) for n in ("Nose", "Neck", "RHip", "LHip", "RKnee", "LKnee", "RAnkle", "LAnkle"))
ARMS = tuple(joint(n) for n in ("RElbow", "RWrist", "LElbow", "LWrist"))
ANKLES = (joint("LAnkle"), joint("RAnkle"))
NOSE = joint("Nose")
WRISTS_SHOULDERS = ((joint("RWrist"), joint("RShoulder")), (joint("LWrist"), joint("LShoulder")))
RAISED_REACH = 0.8  # torso lengths from wrist to shoulder: the arm held out, not bent at the chest
FPS = 20.0  # the action model's grid
PIECES_S = (0.25, 0.5, 1.0)
RULE_PIECE_S = 1.0
MIN_SEGMENT_S = 0.5  # SegmentConfig.min_duration_s
HELD_OUT = ("sports2d_demo",)
TRUTH_DIR = ROOT / "bench" / "truth"


def extent(window: np.ndarray, joints: tuple[int, ...], least: int = 2) -> float:
    """(3, T, V) normalised piece → the largest 5th-95th percentile extent (torso lengths) of the
    paths of ``joints`` relative to the same frame's mid-hip; NaN where fewer than ``least`` of them
    are seen (with the mid-hip) in half of the frames."""
    hip = window[2, :, CENTER] > 0
    out = []
    for v in joints:
        seen = (window[2, :, v] > 0) & hip
        if seen.sum() < max(3, window.shape[1] // 2):
            continue
        rel = window[:2, seen, v] - window[:2, seen, CENTER]
        lo, hi = np.percentile(rel, [5, 95], axis=1)
        out.append(float(np.hypot(*(hi - lo))))
    return max(out) if len(out) >= least else float("nan")


def gait_ratio(window: np.ndarray) -> float:
    """Anti-symmetric over symmetric ankle-height spread relative to the mid-hip (module docstring);
    NaN with both ankles and the mid-hip seen in fewer than 10 frames."""
    left, right = ANKLES
    both = (window[2, :, left] > 0) & (window[2, :, right] > 0) & (window[2, :, CENTER] > 0)
    if both.sum() < 10:
        return float("nan")
    yl, yr = window[1, both, left] - window[1, both, CENTER], window[1, both, right] - window[1, both, CENTER]
    return float(np.std((yl - yr) / 2) / max(float(np.std((yl + yr) / 2)), 1e-6))


def wrist_above_nose(window: np.ndarray) -> float:
    """Torso lengths the highest wrist gets above the nose over a (3, T, V) window (NaN unseen)."""
    out = [float(np.max(window[1, seen, NOSE] - window[1, seen, w]))
           for w, _ in WRISTS_SHOULDERS if (seen := (window[2, :, w] > 0) & (window[2, :, NOSE] > 0)).any()]  # fmt: skip
    return max(out) if out else float("nan")


def held_raised_s(window: np.ndarray) -> float:
    """Longest time (s) a wrist stays at or above its shoulder's height and RAISED_REACH or more
    from it (an arm held up or out: a shot's follow-through, a punch's extension)."""
    best = 0
    for w, s in WRISTS_SHOULDERS:
        seen = (window[2, :, w] > 0) & (window[2, :, s] > 0)
        reach = np.hypot(*(window[:2, :, w] - window[:2, :, s]))
        raised = seen & (window[1, :, w] <= window[1, :, s]) & (reach >= RAISED_REACH)
        best = max([best] + [b - a for a, b in runs(raised)])
    return best / FPS


def pieces(x: np.ndarray, length: int) -> np.ndarray:
    """(N, 3, T, V) windows → (M, 3, length, V): pieces every quarter of their length."""
    step = max(1, length // 2)
    return np.stack([w[:, s : s + length] for w in x for s in range(0, x.shape[2] - length + 1, step)])


def synthetic(per_class: int, seed: int) -> dict[float, tuple[float, float]]:
    """Print the synthetic tables; return {piece seconds: (lower, arms) idle 99th percentiles}."""
    from inference.actions.data import fetch_data
    from inference.actions.model import load_action_model
    from inference.actions.synth import MotionLibrary, make_dataset

    classes = load_action_model().classes
    x, y = make_dataset(MotionLibrary.load(fetch_data(log=lambda m: None)), classes, per_class, seed, held_out=True)
    limits = {}
    for seconds in PIECES_S:
        n = int(round(seconds * FPS))
        per = {c: pieces(x[y == i], n) for i, c in enumerate(classes)}
        lower = {c: np.array([extent(p, LOWER, 4) for p in ps]) for c, ps in per.items()}
        arms = {c: np.array([extent(p, ARMS, 1) for p in ps]) for c, ps in per.items()}
        lo99, arm99 = float(np.nanpercentile(lower["idle"], 99)), float(np.nanpercentile(arms["idle"], 99))
        limits[seconds] = (lo99, arm99)
        print(f"\n## Pieces of {seconds:g} s (seed {seed}, held-out cameras): idle's 99th percentile lower "
              f"{lo99:.3f}, arms {arm99:.3f} torso lengths\n")
        print("| class | lower p50 | arms p50 | as still as idle: lower | lower and arms |\n| --- | ---: | ---: | ---: | ---: |")
        for c in classes:
            ok = np.isfinite(lower[c]) & np.isfinite(arms[c])
            still_lower = np.mean(lower[c][ok] <= lo99)
            still_both = np.mean((lower[c][ok] <= lo99) & (arms[c][ok] <= arm99))
            print(f"| {c} | {np.nanmedian(lower[c]):.2f} | {np.nanmedian(arms[c]):.2f} | {still_lower:.1%} | {still_both:.1%} |")
    from inference.actions.plausibility import foot_alternation

    print(f"\n## Gait ratio over 2-s windows (seed {seed}), relative to the mid-hip and as the feet check has it\n")
    print("| class | body-relative p1 / p50 / p99 | window-relative p1 / p50 / p99 |\n| --- | --- | --- |")
    for i, c in enumerate(classes):
        rel = np.array([gait_ratio(w) for w in x[y == i]])
        old = np.array([np.nan if (g := foot_alternation(w)) is None else g[1] for w in x[y == i]])
        print(f"| {c} | " + " / ".join(f"{np.nanpercentile(rel, q):.2f}" for q in (1, 50, 99)) + " | "
              + " / ".join(f"{np.nanpercentile(old, q):.2f}" for q in (1, 50, 99)) + " |")  # fmt: skip
    print(f"\n## What a punch does with the arm over 2-s windows (seed {seed})\n")
    print("| class | wrist above the nose p50 / p99 (torso lengths) | arm held raised p50 / p99 (s) |\n| --- | --- | --- |")
    for i, c in enumerate(classes):
        high = np.array([wrist_above_nose(w) for w in x[y == i]])
        held = np.array([held_raised_s(w) for w in x[y == i]])
        print(f"| {c} | {np.nanpercentile(high, 50):.2f} / {np.nanpercentile(high, 99):.2f} "
              f"| {np.percentile(held, 50):.2f} / {np.percentile(held, 99):.2f} |")  # fmt: skip
    return limits


def idle_segments(track: np.ndarray, times: np.ndarray, limits: tuple[float, float], with_arms: bool,
                  ) -> list[tuple[str, float, float, float]]:
    """The stillness rule's idle segments of a (T, V, 3) track on the 20 fps grid ``times``."""
    from inference.actions.features import normalize

    n, half = int(round(RULE_PIECE_S * FPS)), int(round(RULE_PIECE_S * FPS)) // 2
    ok = np.zeros(len(track), bool)
    for i in range(half, len(track) - n + half + 1):
        piece = normalize(track[i - half : i - half + n])
        lower, arms = extent(piece, LOWER, 4), extent(piece, ARMS, 1)
        ok[i] = lower <= limits[0] and (not with_arms or arms <= limits[1])
    step = 1.0 / FPS
    return [("idle", float(times[a]), float(times[b - 1] + step), 1.0) for a, b in runs(ok)
            if b - a >= int(round(MIN_SEGMENT_S * FPS))]  # fmt: skip


def real(cache: Path, limits: tuple[float, float], held_out: bool) -> None:
    from bench.realworld_adapter import ClipOutputs
    from bench.scoring import actions as act
    from bench.scoring.truth import load_truth
    from inference.actions import diagnose
    from inference.actions.features import resample_track
    from inference.actions.joints import to_action_joints
    from inference.actions.model import load_action_model
    from inference.actions.segment import SegmentConfig
    from inference.posedata import PoseSequence

    model = load_action_model()
    print(f"\n## Real clips ({cache}): idle where the centred {RULE_PIECE_S:g}-s piece is as still as "
          f"synthetic idle's 99th percentile (lower {limits[0]:.3f}, arms {limits[1]:.3f})\n")
    print("| clip | rule | segments | correct where a class fits | wrong (confident) |\n| --- | --- | --- | ---: | ---: |")
    gait_rows = []
    for path in sorted(cache.glob("*.json")):
        stem = path.name.split("__")[0]
        if stem in HELD_OUT and not held_out:
            continue
        out = ClipOutputs.load(path.with_suffix(""))
        truth = load_truth(TRUTH_DIR / f"{stem}.json")
        if out.athlete_index is None:
            continue
        stamps = np.asarray(out.timestamps, np.float64)
        track, times = resample_track(to_action_joints(out.keypoints[:, out.athlete_index], out.skeleton), stamps, FPS)
        for name, with_arms in (("lower body", False), ("lower body and arms", True)):
            segs = idle_segments(track, times, limits, with_arms)
            s = act.score_actions(stamps, truth.label_at, segs, ("idle",), times, np.ones((len(times), 1)))
            right = sum(1 for t in stamps if (lab := truth.label_at(float(t))) not in (None, act.OTHER)
                        and act.predicted_at(float(t), segs) == lab)  # fmt: skip
            shown = ", ".join(f"{a:.2f}–{b:.2f}" for _, a, b, _ in segs) or "none"
            print(f"| {stem} | {name} | idle {shown} | {right} of {s.frames_with_class} | {s.confidently_wrong} of {s.frames} |")
        poses = PoseSequence(out.keypoints, out.skeleton, stamps, 30.0, (0, 0), out.track_ids)
        _, wtimes, starts, _, usable, batch = diagnose._windows(poses, out.athlete_index, model, SegmentConfig())
        probs = model.predict(batch)
        for w, start in enumerate(starts):
            best = model.classes[int(probs[w].argmax())]
            if usable[w] and best in ("walk", "run", "punch"):
                gait_rows.append((stem, float(wtimes[0] + start / FPS), best, float(probs[w].max()), gait_ratio(batch[w]),
                                  wrist_above_nose(batch[w]), held_raised_s(batch[w])))  # fmt: skip
    print("\n| clip | window start (s) | raw network | body-relative gait ratio | wrist above the nose | arm held raised (s) |")
    print("| --- | ---: | --- | ---: | ---: | ---: |")
    for stem, t0, best, p, ratio, high, held in gait_rows:
        print(f"| {stem} | {t0:.2f} | {best} {p:.2f} | {ratio:.2f} | {high:.2f} | {held:.2f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, help="bench/realworld.py --reuse folder (real clips)")
    parser.add_argument("--held-out", action="store_true", help="include the held-out clip (report only)")
    parser.add_argument("--per-class", type=int, default=100)
    parser.add_argument("--seed", type=int, default=998)
    args = parser.parse_args(argv)
    limits = synthetic(args.per_class, args.seed)
    if args.cache:
        real(args.cache, limits[RULE_PIECE_S], args.held_out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
