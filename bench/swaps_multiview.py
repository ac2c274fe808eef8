"""Left/right swaps of the pose stage's limbs, judged against a multi-view 3D reference (not scored).

    python bench/swaps_multiview.py [--reuse DIR] [--sides face|views] [--draw DIR] [--json OUT] [--mocap N]

Needs ``make eval-data`` (the pose2sim wheel's Demo_SinglePerson and Demo_MultiPerson: four
synchronised 60 fps cameras and their calibration; cam01 is the dev clips).

1. Our pose stage on every camera (:func:`bench.angles_multiview.load_demo`), each person of each
   camera matched in the others and triangulated from the *other three* cameras, as
   :func:`bench.angles_multiview.reference` does; left and right of the 3D points set by the face
   (:func:`bench.angles_3d.anatomical_sides`) or by the other cameras' majority (``--sides``), frames
   where the two disagree (face) or the views tie (views) **reference in doubt**, not judged
   (:func:`sided_reference`).
2. The reference reprojected into the judged camera. Per frame and limb group (legs: hip, knee,
   ankle, heel, toes; feet: ankle, heel, toes only, to see a swap of the feet alone; arms:
   shoulder, elbow, wrist, index — :data:`inference.kinematics.swap.SWAP_GROUPS`), our 2D labels
   (the named points ``compute_kinematics`` starts from, below ``min_confidence`` absent) are
   **swapped** when the mirrored assignment's summed distance to the reference is below
   :data:`RATIO` × the kept one's, **right** when the kept one's is below :data:`RATIO` × the
   mirrored one's, and otherwise **unclear**. Frames where the two sides of the group project
   closer than :data:`SEPARATION` × the person's projected height (legs crossing, a limb seen
   end-on behind the other) are **ambiguous** and not judged; so are frames with fewer than
   :data:`MIN_PAIRS` left/right pairs seen in both.
3. Each correction rule (:func:`RULES`) run on the same 2D points: the judged frames it flips that
   were swapped (fixed) and that were right (broken); flipping the legs flips the feet too.
4. ``--mocap N``: the same rules on motion capture seen by N random cameras per clip at 30 and 60
   fps (:func:`bench.events_mocap.random_camera`, :func:`bench.mocap_motion.render`): synthetic
   BlazePose points that are never swapped, so every frame a rule flips there is broken.

``--draw DIR`` writes, for every swapped frame and a few right ones, a crop with our 2D limbs
(left blue, right red; thick) and the reference reprojected (left cyan, right orange; thin).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.angles_3d import set_sides  # noqa: E402
from bench.angles_multiview import (  # noqa: E402
    BODY,
    MIN_TRACK_FRAMES,
    SMOOTH_FRAMES,
    UP,
    Demo,
    _median_filter,
    _triangulate_all,
    load_demo,
    missing_advice,
)
from bench.eval_data import POSE2SIM_CAMERAS, POSE2SIM_DEMOS, multiview_dir  # noqa: E402
from bench.multiview import match_views, mirror_votes  # noqa: E402

RATIO = 0.5  # "clearly nearer": the other assignment's cost at most half this one's
SEPARATION = 0.04  # of the person's projected height: sides closer than this are ambiguous
MIN_PAIRS = {"legs": 3, "feet": 2, "arms": 2}
GROUPS = {
    "legs": ("RHip", "RKnee", "RAnkle", "RBigToe", "RSmallToe", "RHeel"),
    "feet": ("RAnkle", "RBigToe", "RSmallToe", "RHeel"),
    "arms": ("RShoulder", "RElbow", "RWrist", "RIndex"),
}
RULE_GROUP = {
    "legs": "legs",
    "feet": "legs",
    "arms": "arms",
}  # the correction's group that moves each
STATES = ("right", "swapped", "unclear", "ambiguous", "unseen", "reference in doubt")


def _rules() -> dict[str, Callable[[np.ndarray, np.ndarray], dict[str, np.ndarray]]]:
    from inference.kinematics.swap import detect_swaps

    return {"swap.py detect_swaps (forced on)": detect_swaps}


RULES = _rules


def named_2d(keypoints: np.ndarray) -> np.ndarray:
    """(T, N, 2) named points of one person's BlazePose keypoints (T, 33, 3), NaN below
    ``KinematicsConfig.min_confidence`` (as ``compute_kinematics`` sees them before any swap)."""
    from inference.kinematics import KinematicsConfig
    from inference.kinematics.points import named_points

    xy, conf = named_points(keypoints, "blazepose33")
    xy[conf < KinematicsConfig().min_confidence] = np.nan
    return xy


def sided_reference(demo: Demo, slot: int, sides: str = "face") -> tuple[np.ndarray, np.ndarray]:
    """Named 3D points (T, N, 3) of the judged camera's person ``slot`` from the other three
    cameras, as :func:`bench.angles_multiview.reference` builds them (matching, triangulation, 5-frame
    median), and (T,) bool: the frames where its left/right is in doubt.

    Its sides are set twice, independently: by the face (:func:`bench.angles_3d.anatomical_sides`)
    and by the other cameras' own labels (matching takes each view's person or its mirror, whichever
    fits the judged camera: when most matched views had to be mirrored, the judged camera's labels
    are the odd ones out). ``sides="face"``: the face's rule is kept, and frames where the two
    disagree are in doubt (the face's flip needs a majority of the views behind it; a tie with no
    flip is no doubt). On Demo_SinglePerson, frames 46-66, leaning sideways with an arm overhead,
    the face's rule flips a skeleton that cam04's back view shows rightly sided. ``sides="views"``:
    the views' majority is kept, and ties are in doubt (the detector judged by its own majority:
    a mirror shared by two of the three other cameras would pass unseen). A frame whose 5-frame
    median window holds a doubtful frame is in doubt too.
    """
    from inference.kinematics.points import point_sources
    from inference.skeleton import get_skeleton

    skeleton = get_skeleton("blazepose33")
    xy, conf = match_views(demo.cameras, demo.keypoints, demo.anchor, slot, skeleton.mirror,
                           tuple(skeleton.index(n) for n in BODY))  # fmt: skip
    X, _ = _triangulate_all(demo.cameras, xy, conf, np.asarray(demo.use("others")))
    votes = mirror_votes(demo.keypoints, xy, demo.anchor, skeleton.mirror)
    sided, doubt = set_sides(X, skeleton.keypoints, UP, votes, sides)
    doubt = (
        np.convolve(doubt, np.ones(SMOOTH_FRAMES), mode="same") > 0
    )  # the median mixes its window's sides
    X = _median_filter(sided, SMOOTH_FRAMES)
    named = np.full((X.shape[0], len(point_sources("blazepose33")), 3), np.nan)
    for n, idx in enumerate(point_sources("blazepose33")):
        if idx:
            named[:, n] = X[:, list(idx)].mean(axis=1)
    return named, doubt


def judge(xy: np.ndarray, ref: np.ndarray, height: np.ndarray, group: str) -> np.ndarray:
    """(T,) state index (:data:`STATES`) of ``group``'s labels in 2D named points xy (T, N, 2)
    against the reference's projection ref (T, N, 2); height (T,) the person's projected height, px."""
    from inference.kinematics.points import point_index
    from inference.skeleton import mirror_name

    right = [point_index(n) for n in GROUPS[group]]
    left = [point_index(mirror_name(n)) for n in GROUPS[group]]
    p_r, p_l, q_r, q_l = xy[:, right], xy[:, left], ref[:, right], ref[:, left]
    ok = (
        np.isfinite(p_r[..., 0])
        & np.isfinite(p_l[..., 0])
        & np.isfinite(q_r[..., 0])
        & np.isfinite(q_l[..., 0])
    )

    def total(d: np.ndarray) -> np.ndarray:
        return np.where(ok, np.nan_to_num(d), 0.0).sum(axis=1)

    kept = total(np.linalg.norm(p_r - q_r, axis=-1) + np.linalg.norm(p_l - q_l, axis=-1))
    mirrored = total(np.linalg.norm(p_r - q_l, axis=-1) + np.linalg.norm(p_l - q_r, axis=-1))
    pairs = ok.sum(axis=1)
    separation = total(np.linalg.norm(q_r - q_l, axis=-1)) / np.maximum(pairs, 1)
    state = np.full(xy.shape[0], STATES.index("unclear"))
    state[mirrored < RATIO * kept] = STATES.index("swapped")
    state[kept < RATIO * mirrored] = STATES.index("right")
    with np.errstate(invalid="ignore"):
        state[~(separation >= SEPARATION * height)] = STATES.index("ambiguous")
    state[pairs < MIN_PAIRS[group]] = STATES.index("unseen")
    return state


def projected_height(ref: np.ndarray) -> np.ndarray:
    """(T,) vertical extent of the reference's projected points, px (NaN where none)."""
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanmax(ref[..., 1], axis=1) - np.nanmin(ref[..., 1], axis=1)


def run_lengths(mask: np.ndarray) -> list[int]:
    from inference.kinematics.filters import runs

    return [int(b - a) for a, b in runs(mask)]


@dataclass
class Row:
    """One camera × person × group: frames by state, the swapped runs, and per rule what it flips."""

    states: dict[str, int] = field(default_factory=dict)
    runs: list[int] = field(default_factory=list)
    rules: dict[str, dict[str, int]] = field(
        default_factory=dict
    )  # fixed, missed, broken, flipped unjudged
    swapped_frames: list[int] = field(default_factory=list)
    right_frames: list[int] = field(default_factory=list)

    def add(self, other: Row) -> None:
        for k, v in other.states.items():
            self.states[k] = self.states.get(k, 0) + v
        self.runs += other.runs
        for r, counts in other.rules.items():
            mine = self.rules.setdefault(r, {})
            for k, v in counts.items():
                mine[k] = mine.get(k, 0) + v


def rule_counts(state: np.ndarray, flipped: np.ndarray) -> dict[str, int]:
    swapped, right = state == STATES.index("swapped"), state == STATES.index("right")
    return {"fixed": int((swapped & flipped).sum()), "missed": int((swapped & ~flipped).sum()),
            "broken": int((right & flipped).sum()), "flipped, not judged": int((~swapped & ~right & flipped).sum())}  # fmt: skip


def person_rows(
    demo: Demo,
    slot: int,
    rules: dict[str, Callable[..., dict[str, np.ndarray]]],
    sides: str = "face",
) -> tuple[dict[str, Row], np.ndarray, np.ndarray]:
    """Rows per group for ``demo``'s judged camera and person ``slot``; and the 2D and projected
    reference named points (T, N, 2) for drawing."""
    named, doubt = sided_reference(demo, slot, sides)
    ref = demo.cameras[demo.anchor].project(named)
    xy = named_2d(demo.keypoints[demo.anchor][:, slot])[: ref.shape[0]]
    t = np.asarray(demo.poses.timestamps, np.float64)[: ref.shape[0]]
    height = projected_height(ref)
    flips = {name: rule(xy, t) for name, rule in rules.items()}
    out = {}
    for group in GROUPS:
        state = judge(xy, ref, height, group)
        state[doubt & (state != STATES.index("unseen"))] = STATES.index("reference in doubt")
        swapped = state == STATES.index("swapped")
        out[group] = Row(
            states={s: int((state == i).sum()) for i, s in enumerate(STATES)},
            runs=run_lengths(swapped),
            rules={name: rule_counts(state, f[RULE_GROUP[group]]) for name, f in flips.items()},
            swapped_frames=np.flatnonzero(swapped).tolist(),
            right_frames=np.flatnonzero(state == STATES.index("right")).tolist(),
        )
    return out, xy, ref


LIMBS = (("Hip", "Knee"), ("Knee", "Ankle"), ("Ankle", "Heel"), ("Heel", "BigToe"), ("Ankle", "BigToe"),
         ("Shoulder", "Elbow"), ("Elbow", "Wrist"), ("Wrist", "Index"), ("Shoulder", "Hip"))  # fmt: skip


def draw_crop(frame: np.ndarray, xy: np.ndarray, ref: np.ndarray, label: str) -> np.ndarray:
    """A crop of ``frame`` around the person: our 2D limbs thick (left blue, right red), the
    reference's thin (left cyan, right orange); xy, ref (N, 2) named points."""
    import cv2

    from inference.kinematics.points import point_index

    out = frame.copy()
    for pts, width, colours in (
        (xy, 4, {"L": (255, 0, 0), "R": (0, 0, 255)}),
        (ref, 2, {"L": (255, 255, 0), "R": (0, 165, 255)}),
    ):
        for side, colour in colours.items():
            for a, b in LIMBS:
                pa, pb = pts[point_index(side + a)], pts[point_index(side + b)]
                if np.isfinite(pa).all() and np.isfinite(pb).all():
                    cv2.line(out, (int(pa[0]), int(pa[1])), (int(pb[0]), int(pb[1])), colour, width)
    both = np.concatenate([xy, ref])
    both = both[np.isfinite(both).all(axis=1)]
    if both.size:
        lo = np.maximum(both.min(axis=0) - 60, 0).astype(int)
        hi = np.minimum(both.max(axis=0) + 60, [frame.shape[1], frame.shape[0]]).astype(int)
        out = out[lo[1] : hi[1], lo[0] : hi[0]]
    out = np.ascontiguousarray(out)
    cv2.putText(out, label, (5, 25), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (255, 255, 255), 2)
    return out


def draw(
    demo: Demo,
    slot: int,
    rows: dict[str, Row],
    xy: np.ndarray,
    ref: np.ndarray,
    folder: Path,
    right_samples: int = 3,
) -> None:
    import cv2

    from inference.video import iter_frames

    wanted: dict[int, str] = {}
    for group, row in rows.items():
        for f in row.swapped_frames:
            wanted[f] = wanted.get(f, "") + f" {group}:swapped"
        picks = row.right_frames[:: max(1, len(row.right_frames) // right_samples)][:right_samples]
        for f in picks:
            wanted.setdefault(f, f" {group}:right")
    if not wanted:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for i, (frame, _) in enumerate(iter_frames(multiview_dir(demo.name) / f"{demo.camera}.mp4")):
        if i in wanted and i < xy.shape[0]:
            name = f"{demo.name}_{demo.camera}_p{slot}_f{i:03d}.png"
            cv2.imwrite(
                str(folder / name),
                draw_crop(frame, xy[i], ref[i], f"{demo.camera} p{slot} f{i}{wanted[i]}"),
            )


def mocap_rows(
    cameras: int, rules: dict[str, Callable[..., dict[str, np.ndarray]]]
) -> dict[str, dict[str, int]]:
    """Per rule, the frames it flips on motion capture (no swaps there) and the frames seen."""
    from bench.events_mocap import CLIP_SECONDS, CLIPS, SECONDS, random_camera
    from bench.mocap_motion import load_motion, render
    from inference.actions.data import data_dir
    from inference.actions.mocap import load_humanoid

    folder = data_dir()
    humanoid = load_humanoid(folder / "humanoid.urdf")
    out = {name: {"views": 0, "frames": 0, "legs flipped": 0, "arms flipped": 0} for name in rules}
    for clip in CLIPS:
        motion = load_motion(folder, clip, CLIP_SECONDS.get(clip, SECONDS), humanoid)
        for fps in (30.0, 60.0):
            rng = np.random.default_rng([0, CLIPS.index(clip), int(fps)])
            for _ in range(cameras):
                keypoints, t = render(
                    motion, random_camera(rng, motion), fps, rng, rng.uniform(0.003, 0.012)
                )
                xy = named_2d(keypoints)
                for name, rule in rules.items():
                    f = rule(xy, t)
                    out[name]["views"] += 1
                    out[name]["frames"] += len(t)
                    out[name]["legs flipped"] += int(f["legs"].sum())
                    out[name]["arms flipped"] += int(f["arms"].sum())
    return out


def _runs_cell(runs: list[int]) -> str:
    return f"{len(runs)}: " + ", ".join(str(r) for r in sorted(runs, reverse=True)) if runs else "0"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reuse", type=Path, help="cache folder for the pose stage's output (development)"
    )
    parser.add_argument(
        "--draw", type=Path, help="write crops of the swapped frames and a few right ones here"
    )
    parser.add_argument("--json", type=Path, help="write the numbers to this file")
    parser.add_argument(
        "--sides",
        choices=("face", "views"),
        default="face",
        help="the reference's left/right: the face (anatomical_sides; default) or the other cameras' majority",
    )
    parser.add_argument(
        "--mocap",
        type=int,
        default=0,
        help="also run the rules on motion capture, N cameras per clip and fps",
    )
    args = parser.parse_args(argv)
    if not all((multiview_dir(d) / "Calib.qca.txt").is_file() for d in POSE2SIM_DEMOS):
        print(missing_advice(), file=sys.stderr)
        return 1
    rules = RULES()
    table: dict[str, dict[str, Row]] = {}
    for name in POSE2SIM_DEMOS:
        demo = load_demo(name, args.reuse)
        for anchor in range(len(POSE2SIM_CAMERAS)):
            demo.anchor = anchor
            for slot in range(demo.poses.num_people):
                if np.isfinite(demo.keypoints[anchor][:, slot, 0, 0]).sum() < MIN_TRACK_FRAMES:
                    continue
                rows, xy, ref = person_rows(demo, slot, rules, args.sides)
                table[f"{name} {demo.camera} person {slot}"] = rows
                if args.draw:
                    draw(demo, slot, rows, xy, ref, args.draw)
    print(
        f"# Left/right swaps of our 2D limbs against the multi-view reference (other three cameras; sides: {args.sides})\n\n"
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; python {platform.python_version()}\n"
        f"swapped / right: the other labelling's distance to the reference < {RATIO} × this one's; ambiguous: "
        f"sides within {SEPARATION:.0%} of the person's height; unseen: < {MIN_PAIRS} pairs\n"
    )
    totals: dict[str, Row] = {g: Row() for g in GROUPS}
    rule_names = list(rules)
    head = (
        "| camera, person | group | "
        + " | ".join(STATES)
        + " | swapped runs: count: lengths (frames) | "
        + " | ".join(f"{r}: fixed / missed / broken / flipped unjudged" for r in rule_names)
        + " |"
    )
    print(head)
    print("|" + " --- |" * (head.count("|") - 1))
    for who, rows in table.items():
        for group, row in rows.items():
            totals[group].add(row)
            cells = [str(row.states[s]) for s in STATES] + [_runs_cell(row.runs)]
            cells += [
                "{fixed} / {missed} / {broken} / {flipped, not judged}".format(**row.rules[r])
                for r in rule_names
            ]
            print(f"| {who} | {group} | " + " | ".join(cells) + " |")
    for group, row in totals.items():
        cells = [str(row.states.get(s, 0)) for s in STATES] + [_runs_cell(row.runs)]
        cells += [
            "{fixed} / {missed} / {broken} / {flipped, not judged}".format(**row.rules[r])
            for r in rule_names
        ]
        print(f"| **all** | {group} | " + " | ".join(cells) + " |")
    mocap = mocap_rows(args.mocap, rules) if args.mocap else {}
    if mocap:
        print("\n## Motion capture (never swapped): frames each rule flips\n")
        print(
            "| rule | views | frames | legs flipped | arms flipped |\n| --- | --- | --- | --- | --- |"
        )
        for r, c in mocap.items():
            print(
                f"| {r} | {c['views']} | {c['frames']} | {c['legs flipped']} | {c['arms flipped']} |"
            )
    if args.json:
        data = {who: {g: {"states": r.states, "runs": r.runs, "rules": r.rules, "swapped_frames": r.swapped_frames}
                      for g, r in rows.items()} for who, rows in table.items()}  # fmt: skip
        args.json.write_text(json.dumps({"rows": data, "mocap": mocap}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
