"""Calibration of label_actions' thresholds on synthetic held-out-camera windows, never on real clips.

    python -m inference.actions.calibrate [--per-class 100] [--seed 998] [--test-seed 999]

Draws ``per_class`` windows of every base class seen only from the held-out camera range
(:data:`inference.actions.synth.HELD_OUT_AZIMUTH`, augmented as in training) with the calibration
seed, and prints:

- the gait measures (:func:`.plausibility.foot_alternation`): the 99th percentile of the idle
  windows' anti-symmetric foot motion (the feet must move more than still feet do) and the 1st
  percentile of the walk and run windows' alternation ratio (anti-symmetric over symmetric): the
  thresholds a window must reach for walk or run to stay possible;
- the motion extent (:func:`.plausibility.motion_extent`) and the posture change
  (:func:`.plausibility.posture_change`) of idle windows and their 99th percentiles: the most an
  idle window may move, and move away from its starting posture;
- how often each class fails each of these checks (the price in true windows, and what they catch);
- the reliability of the checked window probabilities: per band of the best probability, how
  many windows and how many are right; :data:`.segment.SegmentConfig.min_confidence` is the lowest
  band edge from which every band holds at least :data:`TARGET_RELIABILITY` right;
- the same numbers on the test draw (``--test-seed``), which played no part in choosing them.

It reports; it changes nothing. The constants it speaks of live in :mod:`.plausibility` and
:mod:`.segment` with the numbers in a comment, and the model card holds the full output.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from inference.actions import plausibility
from inference.actions.classes import ActionClass

TARGET_RELIABILITY = 0.95  # share of right labels a confidence band must hold to be labelled
BANDS = np.round(np.arange(0.2, 1.01, 0.1), 2)


def measures(windows: np.ndarray) -> dict[str, np.ndarray]:
    """(N, 3, T, V) normalised windows → per window: anti-symmetric foot motion, alternation ratio,
    motion extent, posture change (each NaN where unmeasurable)."""
    gait = [plausibility.foot_alternation(w) for w in windows]

    def each(measure: Any) -> np.ndarray:
        return np.array([np.nan if v is None else v for v in map(measure, windows)], np.float64)

    return {"anti": np.array([np.nan if g is None else g[0] for g in gait]),
            "ratio": np.array([np.nan if g is None else g[1] for g in gait]),
            "extent": each(plausibility.motion_extent),
            "change": each(plausibility.posture_change)}  # fmt: skip


def thresholds(m: dict[str, np.ndarray], y: np.ndarray, classes: tuple[str, ...]) -> dict[str, float]:
    """The 99th percentile of idle windows' anti-symmetric foot motion, the 1st of walk and run
    windows' alternation ratio, the 99th of idle windows' extent and posture change."""
    gait = np.isin(y, [classes.index(ActionClass.WALK), classes.index(ActionClass.RUN)])
    idle = y == classes.index(ActionClass.IDLE)
    return {"min_alternating_motion": float(np.nanpercentile(m["anti"][idle], 99)),
            "min_alternation": float(np.nanpercentile(m["ratio"][gait], 1)),
            "max_idle_motion": float(np.nanpercentile(m["extent"][idle], 99)),
            "max_idle_posture_change": float(np.nanpercentile(m["change"][idle], 99))}  # fmt: skip


def reliability(probs: np.ndarray, y: np.ndarray) -> list[dict[str, Any]]:
    """Per band [lo, hi) of the best checked probability: windows, right, share right; zero rows
    (unknown after the checks) are left out."""
    best, right = probs.max(1), probs.argmax(1) == y
    labelled = best > 0
    out = []
    for lo, hi in zip(BANDS[:-1], BANDS[1:], strict=True):
        inside = labelled & (best >= lo) & ((best < hi) if hi < 1.0 else (best <= hi))
        n = int(inside.sum())
        out.append({"band": f"{lo:.1f}-{hi:.1f}", "lo": float(lo), "windows": n, "right": int(right[inside].sum()),
                    "share": float(right[inside].mean()) if n else None})  # fmt: skip
    return out


def min_confidence(bands: list[dict[str, Any]], target: float = TARGET_RELIABILITY) -> float:
    """The lowest band edge from which every band with windows holds at least ``target`` right."""
    edge = 1.0
    for band in reversed(bands):
        if band["windows"] and band["share"] < target:
            break
        edge = band["lo"]
    return edge


def _report(name: str, x: np.ndarray, y: np.ndarray, classes: tuple[str, ...], model: Any) -> dict[str, Any]:
    from inference.actions.labels import checked_window_probabilities

    m = measures(x)
    probs = checked_window_probabilities(model, x)
    bands = reliability(probs, y)
    print(f"\n## {name}: {len(x)} windows\n")
    print("| class | walk/run check fails | stillness fails | idle check fails (still, posture) | unmeasured feet "
          "| anti p1/p50 | ratio p1/p50 | extent p50/p99 | change p50/p99 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for c, label in enumerate(classes):
        rows = [x[i] for i in np.flatnonzero(y == c)]
        gait_fail = sum(not plausibility.feet_alternate(w) for w in rows)
        still_fail = sum(not plausibility.still(w) for w in rows)
        idle_fail = sum(not plausibility.standing_idle(w) for w in rows)
        mine = {k: v[y == c] for k, v in m.items()}
        unmeasured = int(np.isnan(mine["anti"]).sum())

        def pct(v: np.ndarray, q: float) -> str:
            return "—" if np.isnan(v).all() else f"{np.nanpercentile(v, q):.3f}"

        print(f"| {label} | {gait_fail} | {still_fail} | {idle_fail} | {unmeasured} "
              f"| {pct(mine['anti'], 1)}/{pct(mine['anti'], 50)} | {pct(mine['ratio'], 1)}/{pct(mine['ratio'], 50)} "
              f"| {pct(mine['extent'], 50)}/{pct(mine['extent'], 99)} | {pct(mine['change'], 50)}/{pct(mine['change'], 99)} |")
    print("\n| best probability | windows | right | share right |\n| --- | ---: | ---: | ---: |")
    for b in bands:
        share = "—" if b["share"] is None else f"{b['share']:.3f}"
        print(f"| {b['band']} | {b['windows']} | {b['right']} | {share} |")
    unknown = int((probs.max(1) == 0).sum())
    right = int(((probs.argmax(1) == y) & (probs.max(1) > 0)).sum())
    print(f"\nright {right}, wrong {len(y) - right - unknown}, unknown {unknown}")
    return {"measures": m, "bands": bands, "probs": probs}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m inference.actions.calibrate", description=__doc__.split("\n")[0])
    parser.add_argument("--per-class", type=int, default=100)
    parser.add_argument("--seed", type=int, default=998, help="calibration draw")
    parser.add_argument("--test-seed", type=int, default=999, help="test draw (the model card's held-out set)")
    args = parser.parse_args(argv)
    from inference.actions.data import fetch_data
    from inference.actions.model import load_action_model
    from inference.actions.synth import MotionLibrary, make_dataset
    from inference.models import ModelError

    try:
        library = MotionLibrary.load(fetch_data(log=lambda msg: None))
    except ModelError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    model = load_action_model()
    classes = model.classes
    x, y = make_dataset(library, classes, args.per_class, args.seed, held_out=True)
    found = thresholds(measures(x), y, classes)
    rounded = {k: round(v, 3) for k, v in found.items()}
    print(f"# Calibration draw (seed {args.seed})\n\nthresholds from it: {rounded}")
    calibration = _report(f"calibration draw, seed {args.seed}", x, y, classes, model)
    print(f"\nmin_confidence (every band from it ≥ {TARGET_RELIABILITY:.0%} right): {min_confidence(calibration['bands'])}")
    xt, yt = make_dataset(library, classes, args.per_class, args.test_seed, held_out=True)
    test = _report(f"test draw, seed {args.test_seed}", xt, yt, classes, model)
    print(f"\nmin_confidence on the test draw (for comparison only): {min_confidence(test['bands'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
