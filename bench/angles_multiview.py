"""The 2D angles of one camera judged against a 3D reference triangulated from the others (not scored).

    python bench/angles_multiview.py [--camera cam01|...|every] [--views others|all] [--sides views|face]
        [--blazepose-depth] [--draw DIR] [--reuse DIR] [--json OUT]

Needs ``make eval-data`` (bench/eval_data.py: the pose2sim 0.10.49 wheel's Demo_SinglePerson and
Demo_MultiPerson, four synchronised 60 fps cameras each and their Qualisys calibration; cam01 is
../shared/media's lab_walk_portrait_60fps.mp4 / lab_two_people_portrait_60fps.mp4, byte for byte).

1. Our pose stage (``analyze(..., AnalysisConfig(until="tracking"))``, BlazePose) on every camera.
2. Each person of the judged camera (``--camera``, cam01 by default) is found in the other views
   frame by frame (:func:`bench.multiview.match_views`: epipolar distance, left/right swaps
   allowed), and its keypoints are triangulated (:func:`bench.multiview.triangulate`:
   confidence-weighted DLT, views beyond :data:`MAX_ERROR_PX` of reprojection error dropped) from
   the three other cameras (``--views others``, the default: the reference owes nothing to the
   judged camera's detections) or from all four. Left and right of the 3D body are those of the
   other cameras' majority (``--sides views``, the default: matching took each view's person or its
   mirror, whichever fits the judged camera, :func:`bench.multiview.mirror_votes`; a tie leaves the
   frame without a reference) or of its face (``--sides face``, nose ahead of the ears,
   :func:`bench.angles_3d.anatomical_sides`; wrong in every frame looked at where the two differ),
   then the points are median-filtered over :data:`SMOOTH_FRAMES` frames.
3. The 3D angles with the definitions of inference/kinematics/angles.py
   (:func:`bench.angles_3d.angles_3d`) against what ``compute_kinematics`` reports on the judged
   camera (a sample is reported at confidence >= 0.5, the charts', rules' and CSV's floor), per
   joint: the error of the reported samples, the share off by more than 15°, the same without each
   trust signal of the confidence, the elbow's candidate signals (:mod:`bench.elbow_trust`), and
   the reference's own noise (the other camera triplets' 3D value).

Honest limit: the reference comes from the same 2D detector, so what it gets wrong in every view
alike (a joint centre placed inside the body, a hand guessed behind the back) is shared; what
triangulation removes is the depth ambiguity of a single view, the subject here.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.angles_3d import SIDES, angles_3d, set_sides  # noqa: E402
from bench.elbow_trust import (  # noqa: E402
    CANDIDATES,
    FACING_GATES,
    SPREAD_GATES,
    blazepose_world,
    elbow_signals,
    world_signals,
)
from bench.eval_data import POSE2SIM_CAMERAS, POSE2SIM_DEMOS, multiview_dir  # noqa: E402
from bench.multiview import Camera, match_views, mirror_votes, read_qca, triangulate  # noqa: E402

MAX_ERROR_PX = 15.0  # Pose2Sim's default reproj_error_threshold_triangulation
SMOOTH_FRAMES = 5  # 83 ms at 60 fps
OFF_DEG = 15.0
STABLE_DEG = 10.0  # a sample's reference is 'stable' when every other camera triplet's is this close
REPORTED = 0.5  # inference.kinematics.storage.CSV_MIN_CONFIDENCE
MIN_TRACK_FRAMES = 30
UP = np.array([0.0, 0.0, 1.0])  # the Qualisys world: z up (the cameras hang 1.7-2.1 m above its origin)
VIEWS = ("others", "all")
TRIPLETS = ((False, True, True, True), (True, False, True, True), (True, True, False, True), (True, True, True, False))
JOINTS = ("knee", "elbow", "hip", "shoulder", "ankle", "shoulder_elevation", "hip_elevation")
BODY = ("left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
        "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle")  # fmt: skip


def missing_advice() -> str:
    return f"the multi-view set is not in {multiview_dir('')}: run `make eval-data`"


@dataclass
class Demo:
    name: str
    cameras: tuple[Camera, ...]
    keypoints: list[np.ndarray]  # per camera (T, P, K, 3)
    sequences: list[Any]  # per camera, the pose stage's PoseSequence
    anchor: int = 0  # the camera judged (its 2D angles against the others' 3D)

    @property
    def poses(self) -> Any:
        return self.sequences[self.anchor]

    @property
    def camera(self) -> str:
        return POSE2SIM_CAMERAS[self.anchor]

    def use(self, views: str) -> tuple[bool, ...]:
        """The cameras the reference is triangulated from: all but the judged one, or all."""
        return tuple(views == "all" or v != self.anchor for v in range(len(self.cameras)))


def load_demo(name: str, reuse: Path | None) -> Demo:
    from inference.pipeline import AnalysisConfig, analyze
    from inference.posedata import PoseSequence

    folder = multiview_dir(name)
    cameras = read_qca(folder / "Calib.qca.txt")
    sequences = []
    for cam in POSE2SIM_CAMERAS:
        cached = reuse / f"{name}_{cam}.npz" if reuse else None
        if cached and cached.is_file():
            sequences.append(PoseSequence.load(cached))
            continue
        poses = analyze(folder / f"{cam}.mp4", AnalysisConfig(until="tracking")).pose.poses
        if cached:
            cached.parent.mkdir(parents=True, exist_ok=True)
            poses.save(cached)
        sequences.append(poses)
    frames = min(p.num_frames for p in sequences)
    return Demo(name, cameras, [np.asarray(p.keypoints[:frames], np.float64) for p in sequences], sequences)


def _median_filter(points: np.ndarray, frames: int) -> np.ndarray:
    """NaN-aware running median over time of (T, ...)."""
    half = frames // 2
    padded = np.concatenate([np.full((half, *points.shape[1:]), np.nan), points, np.full((half, *points.shape[1:]), np.nan)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, frames, axis=0)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = np.nanmedian(windows, axis=-1)
    out[~np.isfinite(points)] = np.nan  # never fill a frame the views did not give
    return out


def _triangulate_all(cameras: tuple[Camera, ...], xy: np.ndarray, conf: np.ndarray, use: np.ndarray
                     ) -> tuple[np.ndarray, list[float]]:
    """(T, K, 3) from the views ``use`` (V,) bool of xy (V, T, K, 2); and the kept views'
    reprojection errors (px)."""
    cams = tuple(c for c, u in zip(cameras, use, strict=True) if u)
    X = np.full((*xy.shape[1:3], 3), np.nan)
    errors: list[float] = []
    for f in range(xy.shape[1]):
        X[f], used, err = triangulate(cams, xy[use, f], conf[use, f], MAX_ERROR_PX)
        errors.extend(err[used].tolist())
    return X, errors


def held_out_error(cameras: tuple[Camera, ...], xy: np.ndarray, conf: np.ndarray) -> dict[str, float]:
    """The calibration check: for each camera, the points triangulated from the other three
    projected into it, against its own confident detections (median and 90th percentile, px)."""
    out = {}
    for v, cam in enumerate(cameras):
        use = np.arange(len(cameras)) != v
        X, _ = _triangulate_all(cameras, xy, conf, use)
        seen = np.isfinite(X).all(axis=-1) & (conf[v] >= REPORTED)
        e = np.hypot(*(cam.project(X[seen]) - xy[v][seen]).T)
        out[f"{cam.name} held out: median px"] = float(np.median(e)) if e.size else float("nan")
        out[f"{cam.name} held out: p90 px"] = float(np.percentile(e, 90)) if e.size else float("nan")
    return out


def reference(demo: Demo, slot: int, use: tuple[bool, ...], sides: str = "views") -> tuple[np.ndarray, dict[str, float]]:
    """Named 3D points (T, N, 3) of the judged camera's person ``slot`` triangulated from the cameras
    ``use`` (V,) selects, and the checks: each camera's
    held-out reprojection error (:func:`held_out_error`), the reference's own (views kept), the
    share of body points triangulated, and the frames whose sides were in doubt.

    Left/right (:func:`bench.angles_3d.set_sides`): ``sides="views"``, the other cameras' majority
    (:func:`bench.multiview.mirror_votes`); the frames where they tie (one view kept, one mirrored)
    get no reference, so they are not judged (the judged camera's labels would decide, the detector
    judged by itself). ``sides="face"``, the face (:func:`bench.angles_3d.anatomical_sides`) in
    every frame, the reference before 2026-12-01: it is wrong wherever it differs from the views'
    majority in the frames looked at (docs/angles_multiview.md, "Left and right of the reference")."""
    from inference.kinematics.points import point_sources
    from inference.skeleton import get_skeleton

    skeleton = get_skeleton("blazepose33")
    body = tuple(skeleton.index(n) for n in BODY)
    xy, conf = match_views(demo.cameras, demo.keypoints, demo.anchor, slot, skeleton.mirror, body)
    X, errors = _triangulate_all(demo.cameras, xy, conf, np.asarray(use))
    check = held_out_error(demo.cameras, xy, conf)
    check["reference, views kept: median px"] = float(np.median(errors)) if errors else float("nan")
    check["reference, views kept: p90 px"] = float(np.percentile(errors, 90)) if errors else float("nan")
    check["body points triangulated"] = float(np.isfinite(X[:, list(body), 0]).mean())
    seen = np.isfinite(X[:, list(body), 0]).any(axis=1)
    X, doubt = set_sides(X, skeleton.keypoints, UP, mirror_votes(demo.keypoints, xy, demo.anchor, skeleton.mirror), sides)
    check["frames in doubt (sides), of those triangulated"] = float((doubt & seen).sum() / max(seen.sum(), 1))
    if sides == "views":
        X[doubt] = np.nan  # not judged; the median below never fills a frame in
    X = _median_filter(X, SMOOTH_FRAMES)
    named = np.full((X.shape[0], len(point_sources("blazepose33")), 3), np.nan)
    for n, idx in enumerate(point_sources("blazepose33")):
        if idx:
            named[:, n] = X[:, list(idx)].mean(axis=1)
    return named, check


def trust_factors(kin: Any) -> dict[str, dict[str, np.ndarray]]:
    """Per angle, the factors its confidence is the product of (angles.compute_angles), on the
    kinematics' own points: points, foreshortening, side view, foot view, and the hinge cap."""
    from inference.kinematics import angles as ang
    from inference.kinematics.points import point_index

    xy = kin.points * np.stack([kin.facing, np.ones_like(kin.facing)], axis=-1)[:, None, :]
    sideways = ang.side_view(ang.frontalness(kin.points))
    out = {}
    for d in ang.ANGLES:
        idx = [point_index(n) for n in d.points]
        pts = [xy[:, i] for i in idx]
        f = {"points": kin.point_confidence[:, idx].min(axis=1), "foreshortening": ang.foreshortening(ang._vectors(pts))}
        if ang.needs_side_view(d.name):
            f["side view"] = sideways
        if d.name.split("_", 1)[-1] == "ankle":
            s = d.points[0][0]
            at = {n: xy[:, point_index(f"{s}{n}")] for n in ("BigToe", "Heel", "Knee", "Ankle")}
            f["foot view"] = ang.foot_in_view(at["BigToe"] - at["Heel"], at["Ankle"] - at["Knee"])
        f.update(elbow_signals(pts) if d.name.endswith(("_elbow", "_knee")) else {})  # [distal, vertex, proximal]
        out[d.name] = f
    return out




@dataclass
class Samples:
    """One joint's samples (sides, people and demos pooled): the 2D − 3D error (degrees), the
    factors of the product's confidence and the candidate signals, the product's confidence, the
    frames with a 3D value (the denominator of 'kept'), how far the references from the other
    triplets of cameras are from this one (the reference's own noise), and the error of
    BlazePose's world-landmark flexion (``--blazepose-depth``)."""

    error: list[float] = field(default_factory=list)
    factors: dict[str, list[float]] = field(default_factory=dict)
    reported: list[float] = field(default_factory=list)
    frames: int = 0
    reference_spread: list[float] = field(default_factory=list)  # frames with a 3D value
    stable: list[bool] = field(default_factory=list)  # per sample: every triplet within STABLE_DEG
    world_error: list[float] = field(default_factory=list)


def _truth(demo: Demo, slot: int, use: tuple[bool, ...], sides: str = "views"
           ) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    named, check = reference(demo, slot, use, sides)
    truth = angles_3d(named)
    from inference.kinematics.angles import angle_def

    for name, true in truth.items():
        d = angle_def(name)
        if d.window is not None and d.signed:  # the product's 360° window (a shoulder overhead reads 180)
            truth[name] = d.window[0] + (true - d.window[0]) % 360.0
    return truth, check


def _span(x: np.ndarray) -> float:
    """5th to 95th percentile span of the finite values (NaN with fewer than two)."""
    x = x[np.isfinite(x)]
    return float(np.subtract(*np.percentile(x, [95, 5]))) if x.size >= 2 else float("nan")


def rom_pair(kin: Any, name: str, true: np.ndarray, others: list[np.ndarray]) -> tuple[float, float, float] | None:
    """(the report's range of motion of ``name``, the reference's over the same frames, the
    reference's own noise), degrees: :func:`inference.feedback.measures.range_of_motion`
    (5th-95th percentile of the samples reported with confidence >= 0.5, its minimum of samples)
    over the frames with a 3D value; the same span of the 3D angle over the frames the product
    used; the median distance of the other camera triplets' spans over those frames from it. None
    where the report would show no range."""
    from inference.feedback.measures import range_of_motion, tracked_angle

    frames = np.zeros(kin.timestamps.size, bool)
    frames[: true.size] = np.isfinite(true)
    product = range_of_motion(kin, name, frames)
    if not np.isfinite(product):
        return None
    used = np.isfinite(tracked_angle(kin, name)[: true.size]) & np.isfinite(true)
    reference = _span(true[used])
    apart = [abs(_span(o[: true.size][used]) - reference) for o in others]
    return product, reference, float(np.nanmedian(apart)) if np.isfinite(apart).any() else float("nan")


def collect(demo: Demo, views: str, pooled: dict[str, Samples], check: dict[str, Any], depth: bool,
            sides: str = "views", roms: list[dict[str, Any]] | None = None) -> None:
    """Add every person of ``demo``'s judged camera to ``pooled`` (per joint), and to ``roms`` each
    range of motion the report would show with the reference's (:func:`rom_pair`)."""
    from inference.kinematics import compute_kinematics
    from inference.kinematics.angles import HINGE_STOP, OUTSIDE_RANGE_CONFIDENCE

    video = multiview_dir(demo.name) / f"{demo.camera}.mp4"
    world = blazepose_world(video, demo.keypoints[demo.anchor], demo.poses.size) if depth else None
    for slot in range(demo.poses.num_people):
        if np.isfinite(demo.keypoints[demo.anchor][:, slot, 0, 0]).sum() < MIN_TRACK_FRAMES:
            continue
        truth, check[f"{demo.name} {demo.camera} person {slot}"] = _truth(demo, slot, demo.use(views), sides)
        others = [_truth(demo, slot, use, sides)[0] for use in TRIPLETS if use != demo.use(views)]
        kin = compute_kinematics(demo.poses, slot)
        factors = trust_factors(kin)
        for name, true in truth.items():
            got = kin.angle(name)[: len(true)]
            conf = kin.angle_confidence[: len(true), kin.angle_names.index(name)]
            f = {k: v[: len(true)] for k, v in factors[name].items()}
            joint, side = name.split("_", 1)[1], name.split("_", 1)[0]
            if world is not None and joint == "elbow":
                f[CANDIDATES[3]], flexion = world_signals(world[: len(true), slot], side)
            product = np.prod([v for k, v in f.items() if k not in CANDIDATES], axis=0)
            if joint in HINGE_STOP:
                product = np.where(got > HINGE_STOP[joint], np.minimum(product, OUTSIDE_RANGE_CONFIDENCE), product)
            ok = np.isfinite(got)
            assert np.allclose(product[ok], conf[ok], atol=1e-6), f"{name}: the factors do not make the confidence"
            sel = ok & np.isfinite(true)
            if roms is not None and (pair := rom_pair(kin, name, true, [o[name] for o in others])) is not None:
                roms.append({"demo": demo.name, "camera": demo.camera, "person": slot, "angle": name,
                             "report": pair[0], "reference": pair[1], "reference_noise": pair[2]})
            s = pooled.setdefault(joint, Samples(factors={k: [] for k in f}))
            s.frames += int(np.isfinite(true).sum())
            s.error.extend((got[sel] - true[sel]).tolist())
            s.reported.extend(conf[sel].tolist())
            for k, v in f.items():
                s.factors[k].extend(v[sel].tolist())
            apart = np.abs(np.stack([o[name] for o in others]) - true)  # NaN where a triplet has none
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                s.reference_spread.extend(np.nanmedian(apart, axis=0)[np.isfinite(true)].tolist())
            s.stable.extend((np.isfinite(apart).all(axis=0) & (apart.max(axis=0, initial=0.0) <= STABLE_DEG))[sel].tolist())
            if world is not None and joint == "elbow":
                s.world_error.extend((flexion[sel] - true[sel]).tolist())


def _row(error: np.ndarray, keep: np.ndarray, frames: int, stable: np.ndarray) -> dict[str, float]:
    keep = keep & np.isfinite(error)
    e, calm = np.abs(error[keep]), np.abs(error[keep & stable])
    return {"samples": int(keep.sum()), "kept": keep.sum() / max(frames, 1),
            "median": float(np.median(error[keep])) if e.size else float("nan"),
            "abs_median": float(np.median(e)) if e.size else float("nan"),
            "abs_p90": float(np.percentile(e, 90)) if e.size else float("nan"),
            "off": float(np.mean(e > OFF_DEG)) if e.size else float("nan"), "within": int((e <= OFF_DEG).sum()),
            "stable_samples": int(calm.size), "stable_off": float(np.mean(calm > OFF_DEG)) if calm.size else float("nan")}  # fmt: skip


def variants(s: Samples) -> dict[str, dict[str, float]]:
    """Rows of one joint: reported, no trust signal, without each factor, the elbow's candidates."""
    error, stable = np.asarray(s.error), np.asarray(s.stable, bool)
    f = {k: np.asarray(v) for k, v in s.factors.items()}
    reported = np.asarray(s.reported) >= REPORTED

    def row(keep: np.ndarray, err: np.ndarray = error) -> dict[str, float]:
        return _row(err, keep, s.frames, stable)

    rows = {"reported (confidence >= 0.5)": row(reported), "every 2D value (no trust signal)": row(np.ones(error.size, bool))}
    product_factors = [k for k in f if k not in CANDIDATES]
    for drop in product_factors:
        conf = np.prod([f[k] for k in product_factors if k != drop], axis=0)
        rows[f"without {drop}"] = row(conf >= REPORTED)
    for gate in SPREAD_GATES if "depth spread" in f else ():
        rows[f"reported, depth spread <= {gate:.0f}°"] = row(reported & (f["depth spread"] <= gate))
    for gate in FACING_GATES if CANDIDATES[3] in f else ():
        rows[f"reported, {CANDIDATES[3]} >= {gate}"] = row(reported & (f[CANDIDATES[3]] >= gate))
    if s.world_error:
        rows["BlazePose world landmarks' 3D flexion, reported frames"] = row(reported, np.asarray(s.world_error))
    spread = np.asarray(s.reference_spread)
    rows["reference noise: the other camera triplets' 3D value (median of 3)"] = {
        "samples": int(np.isfinite(spread).sum()), "kept": float("nan"), "median": float("nan"), "abs_median": float(np.nanmedian(spread)),
        "abs_p90": float(np.nanpercentile(spread, 90)), "off": float(np.mean(spread[np.isfinite(spread)] > OFF_DEG)),
        "within": int((spread <= OFF_DEG).sum()), "stable_samples": 0, "stable_off": float("nan")}  # fmt: skip
    return rows


def _cell(value: float, unit: str) -> str:
    if isinstance(value, float) and np.isnan(value):
        return "–"
    return f"{value:.0%}" if unit == "%" else f"{value:.1f}°" if unit == "°" else str(value)


DEV_CLIPS = {"Demo_SinglePerson": "lab_walk_portrait_60fps.mp4", "Demo_MultiPerson": "lab_two_people_portrait_60fps.mp4"}


def same_as_dev_clip(demo: str) -> str:
    """Whether cam01 of ``demo`` is the dev clip byte for byte (so its frames are the same)."""
    from bench.realworld import media_dir
    from inference.fetch import sha256_file

    clip = media_dir() / DEV_CLIPS[demo]
    if not clip.is_file():
        return f"unknown ({clip} absent)"
    return "yes (sha256)" if sha256_file(clip) == sha256_file(multiview_dir(demo) / "cam01.mp4") else "NO"


def draw(demo: Demo, views: str, folder: Path) -> None:
    """The judged camera's middle frame, per person: detections green, the reference reprojected red."""
    import cv2

    from bench.multiview import draw_skeletons
    from inference.skeleton import get_skeleton
    from inference.video import iter_frames

    skeleton = get_skeleton("blazepose33")
    middle, v = demo.keypoints[demo.anchor].shape[0] // 2, demo.anchor
    frame = next(f for i, (f, _) in enumerate(iter_frames(multiview_dir(demo.name) / f"{demo.camera}.mp4")) if i == middle)
    folder.mkdir(parents=True, exist_ok=True)
    for slot in range(demo.poses.num_people):
        xy, conf = match_views(demo.cameras, demo.keypoints, v, slot, skeleton.mirror, tuple(skeleton.index(n) for n in BODY))
        X, _ = _triangulate_all(demo.cameras, xy[:, middle : middle + 1], conf[:, middle : middle + 1], np.asarray(demo.use(views)))
        image = draw_skeletons(frame, [(xy[v, middle], (0, 255, 0)), (demo.cameras[v].project(X[0]), (0, 0, 255))],
                               skeleton.limbs)  # fmt: skip
        cv2.imwrite(str(folder / f"{demo.name}_{demo.camera}_person{slot}_frame{middle}.png"), image)


def rom_table(roms: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per joint (sides pooled): how many ranges the report would show, the median of report −
    reference, the median and worst absolute difference, and the share off by more than OFF_DEG."""
    out = {}
    for joint in JOINTS:
        mine = [r for r in roms if r["angle"].split("_", 1)[1] == joint]
        diff = np.array([r["report"] - r["reference"] for r in mine])
        noise = np.array([r["reference_noise"] for r in mine])
        if diff.size:
            out[joint] = {"ranges": int(diff.size), "median": float(np.median(diff)),
                          "abs_median": float(np.median(np.abs(diff))), "worst": float(np.abs(diff).max()),
                          "off": float(np.mean(np.abs(diff) > OFF_DEG)),
                          "reference_noise": float(np.nanmedian(noise)) if np.isfinite(noise).any() else float("nan"),
                          "reference_off": float(np.mean(noise[np.isfinite(noise)] > OFF_DEG)) if np.isfinite(noise).any() else float("nan")}  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", choices=VIEWS, default="others",
                        help="cameras the reference is triangulated from: the three others (default) or all four")
    parser.add_argument("--sides", choices=SIDES, default="views",
                        help="the reference's left/right: the other cameras' majority, ties not judged (default), "
                        "or the face in every frame (the reference before 2026-12-01)")
    parser.add_argument("--blazepose-depth", action="store_true",
                        help="also run BlazePose again on the judged camera for its world landmarks (elbow candidates)")
    parser.add_argument("--camera", choices=(*POSE2SIM_CAMERAS, "every"), default="cam01",
                        help="the camera whose 2D angles are judged (default cam01, the dev clips); every: each in turn")
    parser.add_argument("--reuse", type=Path, help="cache folder for the pose stage's output (development)")
    parser.add_argument("--json", type=Path, help="write the numbers to this file")
    parser.add_argument("--draw", type=Path, help="write the judged camera's middle frame with its detections (green) and "
                        "the reference reprojected (red) into this folder, one PNG per person")
    args = parser.parse_args(argv)
    if not all((multiview_dir(d) / "Calib.qca.txt").is_file() for d in POSE2SIM_DEMOS):
        print(missing_advice(), file=sys.stderr)
        return 1
    pooled: dict[str, Samples] = {}
    check: dict[str, Any] = {}
    roms: list[dict[str, Any]] = []
    for name in POSE2SIM_DEMOS:
        demo = load_demo(name, args.reuse)
        check[f"{name} cam01"] = {"same file as the dev clip": same_as_dev_clip(name)}
        for anchor in range(len(POSE2SIM_CAMERAS)) if args.camera == "every" else (POSE2SIM_CAMERAS.index(args.camera),):
            demo.anchor = anchor
            collect(demo, args.views, pooled, check, args.blazepose_depth, args.sides, roms)
            if args.draw:
                draw(demo, args.views, args.draw)
    print(f"# 2D angles ({args.camera}) against the multi-view reference (views: {args.views}, sides: {args.sides})\n\n"
          f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; python {platform.python_version()}\n")
    print("## Calibration check: reprojection error of the triangulated points, pixels\n")
    for who, c in check.items():
        print(f"- {who}: " + ", ".join(f"{k} {v:.1f}" if "px" in k else f"{k} {v}" if isinstance(v, str)
                                     else f"{k} {v:.0%}" for k, v in c.items()))  # fmt: skip
    table = {joint: variants(s) for joint, s in pooled.items() if joint in JOINTS}
    print(f"\n## Error of the 2D angle, both sides, both demos (off: |2D − 3D| > {OFF_DEG:.0f}°)\n")
    print(f"Stable: the samples whose reference every other camera triplet gives within {STABLE_DEG:.0f}°.\n")
    print("| joint: samples judged | samples | kept | within 15° | 2D − 3D median | abs median | abs p90 | off | stable samples | off among them |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for joint, rows in table.items():
        for label, r in rows.items():
            cells = [_cell(r[k], unit) for k, unit in (("kept", "%"), ("within", ""), ("median", "°"), ("abs_median", "°"),
                                                        ("abs_p90", "°"), ("off", "%"), ("stable_samples", ""), ("stable_off", "%"))]
            print(f"| {joint}: {label} | {r['samples']} | " + " | ".join(cells) + " |")
    ranges = rom_table(roms)
    print(f"\n## Ranges of motion as the report shows them (5th-95th percentile, confidence >= 0.5) against the "
          f"reference's over the same frames (off: more than {OFF_DEG:.0f}° apart)\n")
    print("Reference noise: the median distance of the other camera triplets' ranges over the same frames.\n")
    print("| joint | ranges shown | report − reference median | abs median | worst | off | reference noise median | reference noise off |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for joint, r in ranges.items():
        print(f"| {joint} | {r['ranges']} | {_cell(r['median'], '°')} | {_cell(r['abs_median'], '°')} | "
              f"{_cell(r['worst'], '°')} | {_cell(r['off'], '%')} | {_cell(r['reference_noise'], '°')} | "
              f"{_cell(r['reference_off'], '%')} |")
    print("\n| demo | camera | person | angle | report | reference | reference noise |\n| --- | --- | --- | --- | --- | --- | --- |")
    for r in roms:
        print(f"| {r['demo']} | {r['camera']} | {r['person']} | {r['angle']} | {r['report']:.0f}° | {r['reference']:.0f}° | "
              f"{_cell(r['reference_noise'], '°')} |")
    if args.json:
        args.json.write_text(json.dumps({"views": args.views, "sides": args.sides, "calibration": check, "angles": table,
                                         "ranges_of_motion": {"table": ranges, "pairs": roms}}, indent=1))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
