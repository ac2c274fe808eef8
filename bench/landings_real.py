"""Real foot landings: which touch-down instant agrees with the frames. An evaluation, not scored.

    python bench/landings_real.py [--reuse DIR] [--json OUT]

Truth: bench/truth/multiview/pose2sim_landings.json, written by looking at the frames of the Pose2Sim demos'
four synchronised 60 fps cameras (``make eval-data``): per landing and camera the frame where the
foot first touches the floor and the frame from which it is at its place (stopped sliding, heel
down), each with its ± frames.

Per camera: the pose stage (``analyze(..., AnalysisConfig(until="tracking"))``, BlazePose, as
bench/angles_multiview.py runs it; the camera's motion from the same pass), the truth person's
track (the slot whose foot points are nearest the truth's ``foot_xy`` at frame 80),
``compute_kinematics`` and the step detector as the events stage runs them (``detect_events(kin,
"walk", background=...)``, :func:`inference.kinematics.events.swings` for the swing). Then, on the
landing's swing (the swing of the truth's foot whose touch-down is nearest the truth), each
candidate instant of docs/kinematics.md "Tried and not kept, timing", computed here on the same
swing without changing inference/:

- ``step end``: the step event's ``end`` (the product's step instant: ``still speed`` since this
  bench chose it, ``touch_down`` before);
- ``touch_down``: half the top of the landing ramp, the ramp walked back to its top (the product);
- ``lands``: the sole's height back within ``LIFT_HEIGHT`` of where it stands after (the product;
  NaN where the sole never rose that far);
- ``top 2 frames`` / ``top 0.05 s``: half the top of the landing ramp, the top searched only within
  the low-pass's spread (1 frame at 30 fps, 2 at 60) or within 0.05 s of the last frame off the
  ground;
- ``arrival``: the first foot point within ``LIFT_HEIGHT`` statures of its place in the next
  contact (median of the 3 contact frames after the swing): the last downward crossing of that
  distance (least over the foot's points) before the contact's ``REFINE_FRAMES``;
- ``lands, stays``: ``lands`` where the sole then stays within ± ``LIFT_HEIGHT`` of its stance
  level to the swing's end + ``REFINE_FRAMES``, else ``touch_down``;
- ``still speed``: where the foot's speed falls below ``STILL_SPEED`` (the contact speed) when that
  is later than ``touch_down``.

Prints, per landing and camera, each instant in frames (t × 60) and its error against the truth's
touch and at-place frames, then the mean absolute error and the share within the truth's ± per
instant. Pose runs take ~1-2 min per clip on 2 CPUs: ``--reuse DIR`` caches them.

    python bench/landings_real.py --mocap "still speed" [events_mocap arguments]

runs bench/events_mocap.py instead, with every step's end moved to that instant (monkeypatched
here, :func:`step_ends_at`), so each candidate is measured on motion capture with the same code.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.eval_data import multiview_dir  # noqa: E402
from bench.realworld import code_version, machine  # noqa: E402

TRUTH = Path(__file__).resolve().parent / "truth" / "multiview" / "pose2sim_landings.json"
PICK_FRAME = 80  # the truth's foot_xy is read at this frame (every landing is at its place by then)
MATCH_S = 0.3  # a swing's touch-down this close to the truth's touch is the landing's swing
INSTANTS = ("step end", "touch_down", "lands", "top 2 frames", "top 0.05 s", "arrival", "lands, stays", "still speed")


def missing_advice() -> str:
    return f"the Pose2Sim demos are not in {multiview_dir('')}: run `make eval-data`"


def load_truth(path: Path = TRUTH) -> dict[str, Any]:
    return json.loads(path.read_text())


def pose_run(demo: str, cam: str, reuse: Path | None) -> tuple[Any, dict[str, Any] | None]:
    """The pose stage's PoseSequence and the camera's motion (``video.camera``) of one camera clip."""
    from inference.pipeline import AnalysisConfig, analyze
    from inference.posedata import PoseSequence

    cached = reuse / f"{demo}_{cam}" if reuse else None
    if cached and cached.with_suffix(".npz").is_file() and cached.with_suffix(".json").is_file():
        return PoseSequence.load(cached.with_suffix(".npz")), json.loads(cached.with_suffix(".json").read_text())["camera"]
    result = analyze(multiview_dir(demo) / f"{cam}.mp4", AnalysisConfig(until="tracking"))
    camera = result.video.camera if result.video is not None else None
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        result.pose.poses.save(cached.with_suffix(".npz"))
        cached.with_suffix(".json").write_text(json.dumps({"camera": camera}))
    return result.pose.poses, camera


def pick_slot(poses: Any, side: str, foot_xy: tuple[float, float], frame: int = PICK_FRAME) -> int | None:
    """The slot whose ``side`` foot points (ankle, heel, big toe: the named points, any keypoint
    set) are nearest ``foot_xy`` over ``frame`` ± 3 (median distance); None when nobody's foot is
    within 200 px (that person was not tracked there)."""
    from inference.kinematics.points import named_points, point_index

    prefix = "R" if side == "right" else "L"
    idx = [point_index(prefix + p) for p in ("Ankle", "Heel", "BigToe")]
    best, best_d = None, np.inf
    for slot in range(poses.num_people):
        xy, _ = named_points(np.asarray(poses.keypoints[max(0, frame - 3) : frame + 4, slot]), poses.skeleton)
        d = np.linalg.norm(xy[:, idx].reshape(-1, 2) - np.asarray(foot_xy, np.float64), axis=1)
        d = d[np.isfinite(d)]
        if d.size and np.median(d) < best_d:
            best, best_d = slot, float(np.median(d))
    return best if best_d < 200 else None


def _ramp_top(speed: np.ndarray, stop: int, first: int, max_frames: int | None) -> int:
    """The top of the landing ramp from the swing's last frame off the ground, walking back while
    the speed rises; at most ``max_frames`` back (None: no limit, the product's rule)."""
    from inference.kinematics.events import _edge_peak

    top = _edge_peak(speed, stop - 1, -1, first - 1)
    if max_frames is not None:
        top = max(top, stop - 1 - max_frames)
    return top


def candidates(contacts: Any, swing: Any, steps: list[Any]) -> dict[str, float]:
    """Every instant of :data:`INSTANTS` for one swing (NaN where it has none)."""
    from inference.kinematics.events import (
        LIFT_HEIGHT,
        REFINE_FRAMES,
        TOUCH_SPEED_FRACTION,
        _crossing,
        _floor_row,
        _speed_crossing,
    )
    from inference.kinematics.ground import STILL_SPEED

    t, side, first, stop = contacts.timestamps, swing.side, swing.first, swing.stop
    speed = contacts.speed[side]
    fps = 1.0 / float(np.median(np.diff(t)))
    out: dict[str, float] = {"touch_down": swing.touch_down, "lands": swing.lands}
    step = [e for e in steps if e.side == side and abs(e.start - swing.lift_off) < 1e-9]
    out["step end"] = step[0].end if step else float("nan")
    for name, frames in (("top 2 frames", max(1, round(fps / 30))), ("top 0.05 s", round(0.05 * fps))):
        top = _ramp_top(speed, stop, first, frames)
        touch = _speed_crossing(speed, t, top, stop + REFINE_FRAMES, TOUCH_SPEED_FRACTION * speed[top], rising=False)
        out[name] = max(float(t[stop]) if touch is None else touch, swing.lift_off)
    xy = contacts.feet.get(side)
    if xy is not None and xy.shape[1]:
        place = np.nanmedian(xy[stop : stop + 3], axis=0)  # (F, 2)
        apart = np.nanmin(np.linalg.norm(xy - place, axis=-1), axis=1) / contacts.stature_px
        arrival = _crossing(apart, t, first, stop + REFINE_FRAMES, LIFT_HEIGHT, upward=False, earliest=False)
        out["arrival"] = float("nan") if arrival is None else arrival
    else:
        out["arrival"] = float("nan")
    height = (_floor_row(contacts, side, stop, +1) - contacts.sole[side]) / contacts.stature_px
    stays = float("nan")
    if np.isfinite(swing.lands):
        after = height[int(np.ceil((swing.lands - t[0]) * fps - 1e-6)) : stop + REFINE_FRAMES]
        stays = swing.lands if after.size and np.all(np.abs(after[np.isfinite(after)]) <= LIFT_HEIGHT) else swing.touch_down
    out["lands, stays"] = stays if np.isfinite(stays) else swing.touch_down
    still = _crossing(speed, t, first, stop + REFINE_FRAMES, STILL_SPEED, upward=False, earliest=False)
    out["still speed"] = max(swing.touch_down, still) if still is not None else swing.touch_down
    return out


def _background(kin: Any, camera: dict[str, Any] | None) -> dict[str, Any]:
    """The camera's track the kinematics stage gives the kinematics (the background's shift at the
    athlete's feet, :func:`inference.kinematics.camera.athlete_track`), as ``detect_events``'
    ``background`` argument."""
    from inference.kinematics.camera import athlete_track

    return {"background": athlete_track(camera, kin)}


def landing_rows(truth: dict[str, Any], reuse: Path | None) -> list[dict[str, Any]]:
    """One row per landing and camera: the instants (frames, t × fps) and the truth's frames."""
    from inference.kinematics.core import compute_kinematics
    from inference.kinematics.events import contacts_of, detect_events, swings

    fps, rows = float(truth["fps"]), []
    for landing in truth["landings"]:
        for cam, view in landing["views"].items():
            poses, camera = pose_run(landing["demo"], cam, reuse)
            row: dict[str, Any] = {"demo": landing["demo"], "camera": cam, "foot": landing["foot"],
                                   "touch": landing["touch"], "at_place": landing["at_place"], "view": view}  # fmt: skip
            slot = pick_slot(poses, landing["foot"], view["foot_xy"])
            row["slot"] = slot
            if slot is None:
                row["why"] = "no track near the truth's foot"
                rows.append(row)
                continue
            kin = compute_kinematics(poses, slot)
            moved = _background(kin, camera)
            contacts = contacts_of(kin, **moved)
            steps = list(detect_events(kin, "walk", **moved).of_kind("step"))
            touch_s = landing["touch"]["frame"] / fps
            mine = [s for s in swings(contacts) if s.side == landing["foot"]] if contacts is not None else []
            near = [s for s in mine if abs(s.touch_down - touch_s) <= MATCH_S]
            row["steps"] = [(round(e.end * fps, 2), e.side) for e in steps]
            if not near:
                other = [s.touch_down * fps for s in swings(contacts) if s.side != landing["foot"]
                         and abs(s.touch_down - touch_s) <= MATCH_S] if contacts is not None else []  # fmt: skip
                row["why"] = "no swing of that foot touching down within 0.3 s" + (
                    f" (a swing of the other foot's points touches down at {', '.join(f'{v:.1f}' for v in other)}:"
                    " left and right exchanged?)" if other else "")  # fmt: skip
                rows.append(row)
                continue
            swing = min(near, key=lambda s: abs(s.touch_down - touch_s))
            row["swing_frames"] = (swing.first, swing.stop)
            row["instants"] = {k: v * fps for k, v in candidates(contacts, swing, steps).items()}
            rows.append(row)
    return rows


def summary(rows: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, float]]]:
    """Per instant, against the touch and the at-place frames: mean signed and mean absolute error
    in frames, the share within the truth's ±, over the rows that have the instant."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name in INSTANTS:
        for ref in ("touch", "at_place"):
            errs, inside = [], []
            for r in rows:
                v = r.get("instants", {}).get(name, float("nan"))
                if np.isfinite(v):
                    errs.append(v - r[ref]["frame"])
                    inside.append(abs(v - r[ref]["frame"]) <= r[ref]["pm"])
            if errs:
                out.setdefault(name, {})[ref] = {"n": len(errs), "mean": float(np.mean(errs)),
                                                 "mean_abs": float(np.mean(np.abs(errs))),
                                                 "within": float(np.mean(inside))}  # fmt: skip
    return out


@contextmanager
def step_ends_at(instant: str) -> Iterator[None]:
    """Within the block, ``detect_events``' steps end at ``instant`` (one of :data:`INSTANTS`,
    computed by :func:`candidates` on each step's swing; the step's own end where it has none)
    instead of the swing's ``touch_down``; the swings, and so the jumps, are unchanged."""
    import inference.kinematics.events as ev

    original = ev.find_steps

    def find_steps(contacts: Any, config: Any = None) -> list[Any]:
        steps = original(contacts, config or ev.EventConfig())
        by_swing = {(s.side, s.lift_off): s for s in ev.swings(contacts)}
        moved = []
        for e in steps:
            end = candidates(contacts, by_swing[(e.side, e.start)], steps)[instant]
            end = end if np.isfinite(end) else e.end
            moved.append(replace(e, end=end, values={**e.values, "swing_time_s": end - e.start}))
        return sorted(moved, key=lambda e: e.end)

    ev.find_steps = find_steps
    try:
        yield
    finally:
        ev.find_steps = original


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", type=Path, help="cache folder for the pose stage's output (development)")
    parser.add_argument("--json", type=Path, help="write the rows and the summary to this file")
    parser.add_argument("--mocap", choices=INSTANTS, help="instead, run bench/events_mocap.py with every step's end "
                        "at this instant (step_ends_at); the other arguments go to it")  # fmt: skip
    args, rest = parser.parse_known_args(argv)
    if args.mocap:
        from bench import events_mocap

        with step_ends_at(args.mocap):
            return events_mocap.main(rest + (["--json", str(args.json)] if args.json else []))
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    truth = load_truth()
    if not all(multiview_dir(d["demo"]).is_dir() for d in truth["landings"]):
        print(missing_advice())
        return 1
    print(f"# Real foot landings (not scored)\n\nmachine: {machine()}\ncode: {code_version()}\ntruth: {TRUTH.name}\n")
    rows = landing_rows(truth, args.reuse)
    print("frames (t × 60); error = instant − truth frame\n")
    print("| demo | camera | slot | truth touch / at place | " + " | ".join(INSTANTS) + " |")
    print("| --- | --- | --- | --- | " + " | ".join("---" for _ in INSTANTS) + " |")
    for r in rows:
        head = f"| {r['demo']} | {r['camera']} | {r['slot']} | {r['touch']['frame']}±{r['touch']['pm']} / {r['at_place']['frame']}±{r['at_place']['pm']} |"
        if "instants" not in r:
            print(head + f" {r['why']} |" + " |" * (len(INSTANTS) - 1))
            continue
        cells = []
        for name in INSTANTS:
            v = r["instants"][name]
            cells.append("—" if not np.isfinite(v) else f"{v:.1f} ({v - r['touch']['frame']:+.1f} / {v - r['at_place']['frame']:+.1f})")
        print(head + " " + " | ".join(cells) + " |")
    stats = summary(rows)
    print("\nPer instant, over the views that have it: n, mean signed / mean absolute error in frames, share within the truth's ±\n")
    print("| instant | vs touch: n, mean, mean abs, within ± | vs at place: n, mean, mean abs, within ± |")
    print("| --- | --- | --- |")
    for name, by in stats.items():
        cells = [f"{s['n']}, {s['mean']:+.1f}, {s['mean_abs']:.1f}, {100 * s['within']:.0f} %" for s in (by["touch"], by["at_place"])]
        print(f"| {name} | " + " | ".join(cells) + " |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": machine(), "code": code_version(), "rows": rows, "summary": stats},
                                        indent=1, default=str) + "\n")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
