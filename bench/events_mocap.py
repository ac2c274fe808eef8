"""Jump and step detection on motion capture seen by many cameras: an evaluation that is not scored.

    python bench/events_mocap.py [--cameras N] [--seed S] [--fps 30 60] [--clips walk run ...] [--json OUT] [--pan]

Development footage with steps and jumps is scarce (two dev clips hold one foot contact each), so
the event detectors' constants are tuned here instead: DeepMimic clips (:mod:`bench.mocap_motion`)
give 3D heels, toes and joints, from which the true foot contacts, steps and jumps follow; each
clip is seen by ``--cameras`` static pinhole cameras (any azimuth, 0-20° elevation, framed so the
whole path is in the picture with the athlete 250-800 px tall, portrait or landscape), points
jittered by 0.3-1.2 % of the athlete's height (the planted-foot scatter measured on the dev clips'
BlazePose points, 0.009-0.023 statures at the 95th percentile: :data:`inference.kinematics.events.
LIFT_HEIGHT`) with 0.3 % wild points, at 30 and 60 fps. Each view goes through
``compute_kinematics`` and ``detect_events`` as the scoreboard's adapter calls them (flights from
"jump", steps from "walk") and is scored with :mod:`bench.scoring.measures` against the truth.
Events touching down within :data:`EDGE_S` of a view's ends are not judged (a detection matched to
such a true event neither). Prints one row per
clip and frame rate and the totals, with issue 18's targets; cadence is judged on walk and run;
then why each missed true step was missed (:data:`MISS_CAUSES`).

``--pan`` also turns each view's camera about the vertical as a phone following the athlete does
(:func:`pan_yaw`: it follows the hips' bearing and sways, the background moving up to a few
statures per second in the picture; same points and noise as the static view) and reads its events
twice: in the picture's coordinates, and against the background's track made from the true
per-frame background shift (:func:`panned`: the median displacement of a grid over the frame, the
translation the product measures, rounded as it stores it). That tests the compensation, not the
optical-flow measurement (tests/inference/kinematics/test_camera.py checks that on real frames).
It is also read against the true per-frame homography of the turning camera (K R_t R_(t-1)^T K^-1,
stored as the product stores its measured one): "pan, homography" takes each frame's shift where
the athlete's feet are (:func:`inference.kinematics.camera.athlete_track`, what the product does),
"pan, cumulative map" maps each frame's points through the composed homographies into the first
frame's picture (the alternative that was measured and not kept: a large turn stretches that
picture, docs/kinematics.md "Camera motion").
The static rows are printed first and are those of a run without ``--pan``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.mocap_motion import Motion, implausible_flights, load_motion, motion_truth, render  # noqa: E402
from bench.scoring import measures as mes  # noqa: E402
from inference.actions.mocap import Camera, load_humanoid, project  # noqa: E402
from inference.skeleton import get_skeleton  # noqa: E402

CLIPS = ("walk", "run", "jump", "kick", "spinkick", "punch", "dance_a", "dance_b", "spin", "backflip")
# Clips captured more coarsely than this are left out (backflip, 16 Hz: its feet's contacts break
# up between frames, and an instant is known to ±62 ms); walk, run, kicks and punch are 30 Hz, jump,
# dances and spinkick 60 Hz, so their truth instants are known to about one capture frame.
MAX_CAPTURE_DT = 1 / 29.0
# Left out: their truth has flights the hips do not rise for (implausible_flights: dance_b's feet hover
# up to 16 cm for 0.58 s with the hips rising 2 cm, where 42 cm is needed; spin 12 cm for 38 cm).
GAIT_CLIPS = ("walk", "run")  # cadence is judged on these: the others' steps are no gait
SECONDS = 4.0
# The run covers 2.8 m per 0.83 s cycle: a static camera framing 4 s of it sees the athlete ~40-110 px
# tall, smaller than any dev clip's athlete (basketball's ~95 px is the smallest); 2.4 s keeps them larger.
CLIP_SECONDS = {"run": 2.4}
# Events touching down this close to either end of a view are not judged (truth or detection): the
# swing or the contact before them may have begun before the first frame (a walking swing lasts ~0.4 s).
EDGE_S = 0.6
STATURE_PX = (250.0, 800.0)
NOISE_STATURES = (0.003, 0.012)


def random_camera(rng: np.random.Generator, motion: Motion) -> Camera:
    """A static camera anywhere around the motion's path, framing all of it (module docstring)."""
    size = (1080, 1920) if rng.random() < 0.5 else (1920, 1080)
    probe = Camera(rng.uniform(0, 360), rng.uniform(0, 20), rng.uniform(4, 9), 1.0, (0, 0))
    target = np.concatenate(list(motion.points.values())).mean(axis=0)
    xy = np.concatenate([project(p, probe, target) for p in motion.points.values()])
    span = np.nanmax(xy, axis=0) - np.nanmin(xy, axis=0)  # pixels at focal 1, centred on the target
    reach = np.nanmax(np.abs(xy), axis=0)
    nose, heel = project(motion.points["nose"], probe, target), project(motion.feet["right"][:, 0], probe, target)
    stature = float(np.median(np.abs(heel[:, 1] - nose[:, 1])))  # nose to heel, at focal 1
    focal = rng.uniform(*STATURE_PX) / max(stature, 1e-6)
    fit = min(0.45 * size[0] / reach[0], 0.45 * size[1] / reach[1], 0.9 * size[0] / span[0], 0.9 * size[1] / span[1])
    return Camera(probe.azimuth, probe.elevation, probe.distance, float(min(focal, fit)), size)


# --pan: each view's camera turns about the vertical (yaw) as a phone following the athlete does:
# it follows the hips' bearing (a share FOLLOW of it, low-passed at FOLLOW_HZ: the hand lags) and
# sways on top (a sine of period PAN_PERIOD_S whose peak moves the picture PAN_STATURES_PER_S
# statures per second). The sway is capped so the athlete stays in the picture (PAN_MAX_OFF_CENTRE
# of the frame's width off its centre).
FOLLOW = (0.5, 1.0)
FOLLOW_HZ = 1.0
PAN_STATURES_PER_S = (0.5, 3.0)
PAN_PERIOD_S = (1.0, 3.0)
PAN_MAX_OFF_CENTRE = 0.25
# The background's shift is the median displacement of a grid of this many points a side over the
# frame, frame to frame, as the product measures it on corners (translation only).
PAN_GRID = 9


def _basis(camera: Camera, yaw: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(right, up, forward) of ``camera`` (inference.actions.mocap.project) turned by ``yaw``
    radians about the world's vertical (positive: towards its right)."""
    az, el = np.radians(camera.azimuth), np.radians(camera.elevation)
    forward = -np.array([np.cos(el) * np.cos(az), np.sin(el), np.cos(el) * np.sin(az)])
    right = np.cross(forward, [0.0, 1.0, 0.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    c, s = np.cos(yaw), np.sin(yaw)
    turn = np.array([[c, 0.0, -s], [0.0, 1.0, 0.0], [s, 0.0, c]])  # about y, forward towards right for yaw > 0
    return turn @ right, turn @ up, turn @ forward


def _rays(pixels: np.ndarray, camera: Camera, basis: tuple[np.ndarray, ...]) -> np.ndarray:
    """(..., 3) world directions of ``pixels`` (..., 2) seen with ``basis``."""
    right, up, forward = basis
    x = (pixels[..., :1] - camera.size[0] / 2) / camera.focal
    y = -(pixels[..., 1:2] - camera.size[1] / 2) / camera.focal
    return x * right + y * up + forward


def _pixels(rays: np.ndarray, camera: Camera, basis: tuple[np.ndarray, ...]) -> np.ndarray:
    """(..., 2) pixels of world directions ``rays`` (..., 3) seen with ``basis`` (in front)."""
    right, up, forward = basis
    depth = np.maximum(rays @ forward, 1e-6)
    u = camera.focal * (rays @ right) / depth + camera.size[0] / 2
    v = -camera.focal * (rays @ up) / depth + camera.size[1] / 2
    return np.stack([u, v], axis=-1)


def pan_yaw(motion: Motion, camera: Camera, t: np.ndarray, stature_px: float, rng: np.random.Generator) -> np.ndarray:
    """(T,) the camera's yaw at times ``t``, radians (the --pan comment above)."""
    from bench.mocap_motion import resample
    from inference.kinematics.filters import butterworth

    target = np.concatenate(list(motion.points.values())).mean(axis=0)
    forward = _basis(camera, 0.0)[2]
    eye = target - camera.distance * forward
    hips = resample((motion.points["left_hip"] + motion.points["right_hip"]) / 2, motion.t, t) - eye
    bearing = np.unwrap(np.arctan2(hips[:, 0], hips[:, 2])) - np.arctan2(forward[0], forward[2])
    bearing = (bearing + np.pi) % (2 * np.pi) - np.pi
    follow = rng.uniform(*FOLLOW) * butterworth(bearing, t, FOLLOW_HZ)
    period, peak = rng.uniform(*PAN_PERIOD_S), rng.uniform(*PAN_STATURES_PER_S)
    amplitude = min(peak * stature_px * period / (2 * np.pi * camera.focal),
                    np.arctan(PAN_MAX_OFF_CENTRE * camera.size[0] / camera.focal))
    return -follow + amplitude * np.sin(2 * np.pi * t / period + rng.uniform(0, 2 * np.pi))


def true_homography(camera: Camera, before: float, after: float) -> np.ndarray:
    """3 × 3 homography taking pixels of ``camera`` turned by yaw ``before`` to the same camera
    turned by ``after`` (a turn about the camera's centre: K R_after^T R_before K^-1)."""
    width, height = camera.size
    k = np.array([[camera.focal, 0.0, width / 2], [0.0, -camera.focal, height / 2], [0.0, 0.0, 1.0]])  # _pixels
    old, new = np.stack(_basis(camera, before), axis=1), np.stack(_basis(camera, after), axis=1)  # columns right, up, forward
    matrix = k @ new.T @ old @ np.linalg.inv(k)
    return matrix / matrix[2, 2]


def panned(keypoints: np.ndarray, camera: Camera, yaw: np.ndarray) -> tuple[np.ndarray, dict[str, list[Any]]]:
    """The keypoints (T, K, 3) a static ``camera`` saw, as the same camera turned by ``yaw`` (T,)
    sees them (points leaving the frame dropped, as render does), and the background's true motion
    from frame to frame as the pose stage stores it (inference.kinematics.camera.CameraMotion.
    to_json: dx, dy source pixels, 0.1 px, and h, the homography's 8 entries, None for the first
    frame)."""
    out = keypoints.copy()
    still = _basis(camera, 0.0)
    width, height = camera.size
    grid = np.stack(np.meshgrid(np.linspace(0.05, 0.95, PAN_GRID) * width, np.linspace(0.05, 0.95, PAN_GRID) * height), -1)
    grid = grid.reshape(-1, 2)
    track: dict[str, list[Any]] = {"dx": [None], "dy": [None], "h": [None]}
    for i, angle in enumerate(yaw):
        basis = _basis(camera, float(angle))
        out[i, :, :2] = _pixels(_rays(keypoints[i, :, :2], camera, still), camera, basis)
        if i:
            moved = _pixels(_rays(grid, camera, _basis(camera, float(yaw[i - 1]))), camera, basis) - grid
            dx, dy = np.median(moved, axis=0)
            track["dx"].append(round(float(dx), 1))
            track["dy"].append(round(float(dy), 1))
            track["h"].append([float(f"{v:.6g}") for v in true_homography(camera, float(yaw[i - 1]), float(angle)).ravel()[:8]])
    outside = ~((out[..., 0] >= 0) & (out[..., 0] < width) & (out[..., 1] >= 0) & (out[..., 1] < height))
    out[outside] = (np.nan, np.nan, 0.0)
    return out, track


@dataclass
class Tally:
    """Sums over views of one clip and frame rate (or all)."""

    jumps: list[int] = field(default_factory=lambda: [0, 0, 0])  # found, missed, false
    steps: list[int] = field(default_factory=lambda: [0, 0, 0])
    jump_frames: list[float] = field(default_factory=list)
    step_frames: list[float] = field(default_factory=list)
    flight_errors: list[float] = field(default_factory=list)
    cadence_errors: list[float] = field(default_factory=list)
    cadence_missing: int = 0  # gait views without a detected cadence
    views: int = 0
    step_misses: Counter[str] = field(default_factory=Counter)  # why each missed true step was missed

    def add(self, other: Tally) -> None:
        for name in ("jumps", "steps"):
            setattr(self, name, [a + b for a, b in zip(getattr(self, name), getattr(other, name), strict=True)])
        for name in ("jump_frames", "step_frames", "flight_errors", "cadence_errors"):
            getattr(self, name).extend(getattr(other, name))
        self.views += other.views
        self.cadence_missing += other.cadence_missing
        self.step_misses.update(other.step_misses)

    def summary(self) -> dict[str, Any]:
        def ratio(a: int, b: int) -> float | None:
            return a / b if b else None

        def stats(x: list[float]) -> dict[str, float] | None:
            return {"mean": float(np.mean(x)), "p90": float(np.percentile(x, 90)), "worst": float(np.max(x))} if x else None

        (jf, jm, jx), (sf, sm, sx) = self.jumps, self.steps
        return {
            "views": self.views,
            "jumps": {"found": jf, "missed": jm, "false": jx, "recall": ratio(jf, jf + jm), "precision": ratio(jf, jf + jx),
                      "timing_frames": stats(self.jump_frames),
                      "within_2_frames": ratio(sum(f <= 2 for f in self.jump_frames), len(self.jump_frames)),
                      "flight_error": stats(self.flight_errors)},
            "steps": {"found": sf, "missed": sm, "false": sx, "recall": ratio(sf, sf + sm), "precision": ratio(sf, sf + sx),
                      "timing_frames": stats(self.step_frames),
                      "within_2_frames": ratio(sum(f <= 2 for f in self.step_frames), len(self.step_frames)),
                      "cadence_error": stats(self.cadence_errors), "cadence_missing": self.cadence_missing,
                      "misses": dict(self.step_misses)},
        }  # fmt: skip


# Why a true step was missed, judged on the detector's swings of that foot (inference.kinematics.
# events.swings) whose touch-down lies within SWING_SEARCH_S of the true contact.
SWING_SEARCH_S = 0.3
MISS_CAUSES = {
    "no swing": "no swing of that foot near it: the foot looked still all along (seen end-on, a pivot)",
    "read off": "its swing's touch-down is more than the match tolerance off (a miss and a false step)",
    "no single support": "the other foot was not on the ground during the swing in the detected contacts",
    "moved too little": "the foot's points moved less than MIN_STEP_DISPLACEMENT",
    "found elsewhere": "the swing gave a step, matched to another true contact (matching is by time alone)",
}


def miss_causes(kin: Any, steps: list[Any], missed: list[tuple[float, str]], background: np.ndarray | None = None) -> Counter[str]:
    """One :data:`MISS_CAUSES` key per missed true step (contact time, foot) of a view."""
    from inference.kinematics.events import MIN_STEP_DISPLACEMENT, contacts_of, swings

    contacts = contacts_of(kin, background)
    found = {(e.side, round(e.end, 6)) for e in steps}
    out: Counter[str] = Counter()
    for time, side in missed:
        near = [s for s in (swings(contacts, cut=True) if contacts else []) if s.side == side and abs(s.touch_down - time) <= SWING_SEARCH_S]
        if not near:
            out["no swing"] += 1
            continue
        swing = min(near, key=lambda s: abs(s.touch_down - time))
        if abs(swing.touch_down - time) > mes.MATCH_TOLERANCE_S:
            out["read off"] += 1
        elif (side, round(swing.touch_down, 6)) in found:
            out["found elsewhere"] += 1
        elif not swing.displacement >= MIN_STEP_DISPLACEMENT:
            out["moved too little"] += 1
        else:
            out["no single support"] += 1
    return out


def _kinematics(keypoints: np.ndarray, t: np.ndarray, fps: float, camera: Camera) -> Any:
    from inference.kinematics import compute_kinematics
    from inference.posedata import PoseSequence

    poses = PoseSequence(keypoints=keypoints[:, None].astype(np.float32), skeleton="blazepose33", timestamps=t,
                         fps=fps, size=camera.size, track_ids=np.zeros(1, np.int64))  # fmt: skip
    return compute_kinematics(poses, 0)


def _score(motion: Motion, kin: Any, t: np.ndarray, fps: float, background: np.ndarray | None = None,
           judge_start: bool = False) -> Tally:
    """One view's tally: flights from detect_events(kin, "jump"), steps from (kin, "walk"), both
    given ``background`` (the camera's track; None: picture coordinates). ``judge_start``: events
    are judged from the view's first frame (a view cut from a longer take: the truth there is the
    whole motion's), not from :data:`EDGE_S` after it."""
    from inference.kinematics.events import FLIGHT_KINDS, cadence, detect_events

    truth = motion_truth(motion)
    jumps = [(e.start, e.end) for e in detect_events(kin, "jump", background=background).events if e.kind in FLIGHT_KINDS]
    step_events = detect_events(kin, "walk", background=background).of_kind("step")
    lo, hi = t[0] + (0.0 if judge_start else EDGE_S), t[-1] - EDGE_S

    def judged(found: list[Any], true: list[Any], times: slice) -> tuple[list[Any], list[Any]]:
        """The true events whose last instant lies inside [lo, hi], and the detected ones matched
        (on the instants ``times``) to those or, unmatched, inside it: a detection matched to a true
        event outside is judged neither way (its instant may fall on the other side of the edge)."""
        pairs = dict(mes.match_events([e[times] for e in found], [e[times] for e in true]))
        inside = [lo <= e[times][-1] <= hi for e in true]
        kept = [e for i, e in enumerate(found) if (inside[pairs[i]] if i in pairs else lo <= e[times][-1] <= hi)]
        return kept, [e for e, keep in zip(true, inside, strict=True) if keep]

    j = mes.score_jumps(*judged(jumps, list(truth.jumps), slice(0, 2)))
    detected, true_steps = judged([(e.end, e.side or "") for e in step_events], list(truth.steps), slice(0, 1))
    s = mes.score_steps(detected, true_steps)
    matched = {k for _, k in mes.match_events([(c,) for c, _ in detected], [(c,) for c, _ in true_steps])}
    missed = [x for k, x in enumerate(true_steps) if k not in matched]
    tally = Tally(jumps=[j.found, j.missed, j.false], steps=[s.found, s.missed, s.false], views=1,
                  step_misses=miss_causes(kin, step_events, missed, background))
    tally.jump_frames = [e * fps for e in j.timing_errors_s]
    tally.step_frames = [e * fps for e in s.timing_errors_s]
    tally.flight_errors = list(j.flight_errors)
    error = mes.cadence_error_fraction(cadence(step_events), [c for c, _ in truth.steps])
    if motion.name in GAIT_CLIPS:
        tally.cadence_errors = [] if error is None else [error]
        tally.cadence_missing = int(error is None)
    return tally


MODES = ("static", "pan, picture", "pan, stabilised", "pan, homography", "pan, cumulative map")
# --cut: each static view also cut to begin this many seconds (uniform) after EDGE_S into the
# motion, as a clip trimmed mid-stride begins: the touch-downs of swings that began before its first
# frame are judged (the truth knows them from the whole motion).
CUT_S = (0.0, 1.0)


def cumulative_map(kin: Any, camera: dict[str, Any]) -> Any:
    """``kin`` with its contact points mapped through the composed homographies into the first
    frame's picture (the alternative to athlete_track, measured and not kept)."""
    from dataclasses import replace

    from inference.kinematics.camera import homographies

    h = homographies(camera, kin.timestamps.size)
    assert h is not None
    to_first = np.eye(3)
    mapped = kin.points_unsmoothed.copy()
    for i in range(1, h.shape[0]):
        to_first = to_first @ np.linalg.inv(h[i])
        xyz = np.concatenate([mapped[i], np.ones((mapped.shape[1], 1))], axis=1) @ to_first.T
        mapped[i] = xyz[:, :2] / xyz[:, 2:]
    return replace(kin, points_unsmoothed=mapped, background=None)


def score_view(motion: Motion, camera: Camera, fps: float, rng: np.random.Generator,
               pan_rng: np.random.Generator | None = None, cut_rng: np.random.Generator | None = None) -> dict[str, Tally]:
    """{mode: tally} of one view: "static" always; with ``pan_rng`` the same view (same points and
    noise) panned (:func:`pan_yaw`), its events read in the picture's coordinates and in
    background-stabilised ones from the true background shift (not the optical-flow measure); with
    ``cut_rng`` the static view cut to start mid-movement (:data:`CUT_S` after :data:`EDGE_S`) and
    judged from its first frame (views with less than 2 EDGE_S left after the cut are not read)."""
    from inference.kinematics.camera import athlete_track, background_track

    keypoints, t = render(motion, camera, fps, rng, rng.uniform(*NOISE_STATURES))
    out = {"static": _score(motion, _kinematics(keypoints, t, fps, camera), t, fps)}
    if cut_rng is not None:
        k = int(np.searchsorted(t, EDGE_S + cut_rng.uniform(*CUT_S)))
        if t[-1] - t[min(k, t.size - 1)] >= 2 * EDGE_S:  # a short motion (jump): nothing left to judge
            out["cut start"] = _score(motion, _kinematics(keypoints[k:], t[k:], fps, camera), t[k:], fps, judge_start=True)
    if pan_rng is not None:
        names = get_skeleton("blazepose33").keypoints
        head, ankles = keypoints[:, names.index("nose"), :2], keypoints[:, [names.index("right_ankle"), names.index("left_ankle")], :2]
        stature = float(np.median(np.linalg.norm(head - ankles.mean(axis=1), axis=1))) * 1.1
        seen, track = panned(keypoints, camera, pan_yaw(motion, camera, t, stature, pan_rng))
        kin = _kinematics(seen, t, fps, camera)
        out["pan, picture"] = _score(motion, kin, t, fps)
        out["pan, stabilised"] = _score(motion, kin, t, fps, background_track({"dx": track["dx"], "dy": track["dy"]}, t))
        out["pan, homography"] = _score(motion, kin, t, fps, athlete_track(track, kin))
        out["pan, cumulative map"] = _score(motion, cumulative_map(kin, track), t, fps)
        speed = np.abs(np.array(track["dx"][1:], np.float64)) * fps / stature
        PAN_SPEEDS.append((float(np.median(speed)), float(speed.max())))
    return out


PAN_SPEEDS: list[tuple[float, float]] = []  # (median, peak) background speed of each panned view, statures/s


def _fmt(x: float | None, pattern: str = "{:.2f}") -> str:
    return "—" if x is None else pattern.format(x)


def row(label: str, s: dict[str, Any]) -> str:
    j, st = s["jumps"], s["steps"]
    jt, stt, fl, cad = j["timing_frames"], st["timing_frames"], j["flight_error"], st["cadence_error"]
    return " | ".join([
        label, str(s["views"]),
        f"{j['found']}/{j['missed']}/{j['false']}", f"{_fmt(j['recall'])} / {_fmt(j['precision'])}",
        "—" if jt is None else f"{jt['mean']:.1f} / {jt['worst']:.1f} ({_fmt(j['within_2_frames'], '{:.0%}')})",
        "—" if fl is None else f"{fl['mean']:.0%} / {fl['p90']:.0%}",
        f"{st['found']}/{st['missed']}/{st['false']}", f"{_fmt(st['recall'])} / {_fmt(st['precision'])}",
        "—" if stt is None else f"{stt['mean']:.1f} / {stt['worst']:.1f} ({_fmt(st['within_2_frames'], '{:.0%}')})",
        "—" if cad is None else f"{cad['mean']:.1%} / {cad['worst']:.1%}" + (f" ({st['cadence_missing']} views none)" if st["cadence_missing"] else ""),
    ])  # fmt: skip


HEADER = ("clip @ fps | views | jumps f/m/x | jump R / P | jump timing mean / worst frames (≤ 2) | "
          "flight error mean / p90 | steps f/m/x | step R / P | step timing mean / worst frames (≤ 2) | cadence error mean / worst")


def main(argv: list[str] | None = None) -> int:
    from inference.actions.data import data_dir

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cameras", type=int, default=12, help="views per clip and frame rate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fps", type=float, nargs="*", default=[30.0, 60.0])
    parser.add_argument("--clips", nargs="*", default=list(CLIPS))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--cut", action="store_true",
                        help="also read each static view cut to start mid-movement (CUT_S), judged from its first frame")
    parser.add_argument("--pan", action="store_true",
                        help="also pan each view (pan_yaw) and read its events in the picture and against the true camera motion (translation, homography)")
    args = parser.parse_args(argv)
    folder = data_dir()
    humanoid = load_humanoid(folder / "humanoid.urdf")
    modes = (MODES if args.pan else MODES[:1]) + (("cut start",) if args.cut else ())
    tables = len(modes) > 1  # one table per mode, printed at the end
    total, per = {m: Tally() for m in modes}, {m: {} for m in modes}
    rows: dict[str, list[str]] = {m: [] for m in modes}

    def emit(mode: str, line: str) -> None:  # one table, printed as it goes; with --pan or --cut, tables at the end
        rows[mode].append(line)
        if not tables:
            print(line, flush=True)

    print("targets: recall and precision ≥ 0.9, timing ≤ 2 frames, flight-time error ≤ 20 %, cadence within 5 %\n")
    if not tables:
        print("| " + HEADER + " |\n|" + " --- |" * len(HEADER.split(" | ")))
    for name in args.clips:
        motion = load_motion(folder, name, CLIP_SECONDS.get(name, SECONDS), humanoid)
        bad = implausible_flights(motion, motion_truth(motion))
        if motion.dt > MAX_CAPTURE_DT:
            emit(modes[0], f"| {name} | left out: captured at {1 / motion.dt:.0f} Hz, too coarse to time contacts |")
            continue
        if bad:
            emit(modes[0], f"| {name} | left out: its feet leave y = 0 for {bad[0][1] - bad[0][0]:.2f} s without the hips rising (no floor truth) |")
            continue
        for fps in args.fps:
            clip = CLIPS.index(name) if name in CLIPS else 99
            rng = np.random.default_rng([args.seed, clip, int(fps)])
            pan_rng = np.random.default_rng([args.seed, clip, int(fps), 1]) if args.pan else None  # the static draws stay as they were
            cut_rng = np.random.default_rng([args.seed, clip, int(fps), 2]) if args.cut else None
            tally = {m: Tally() for m in modes}
            for _ in range(args.cameras):
                for mode, view in score_view(motion, random_camera(rng, motion), fps, rng, pan_rng, cut_rng).items():
                    tally[mode].add(view)
            for mode in modes:
                per[mode][f"{name}@{fps:g}"] = tally[mode].summary()
                total[mode].add(tally[mode])
                emit(mode, "| " + row(f"{name} @ {fps:g}", per[mode][f"{name}@{fps:g}"]) + " |")
            if tables:
                print(f"done: {name} @ {fps:g}", flush=True)
    for mode in modes:
        if tables:
            print(f"\n{mode}:\n\n| " + HEADER + " |\n|" + " --- |" * len(HEADER.split(" | ")))
            print("\n".join(rows[mode]))
        print("| " + row("**all**", total[mode].summary()) + " |")
        print(f"\nmissed true steps, by cause ({mode}, all views):" if tables else "\nmissed true steps, by cause (all views):")
        for cause, why in MISS_CAUSES.items():
            print(f"- {cause}: {total[mode].step_misses[cause]} ({why})")
    if PAN_SPEEDS:
        medians, peaks = np.array(PAN_SPEEDS).T
        print(f"\nbackground speed in the panned views, statures/s: median of the views' medians {np.median(medians):.2f}, "
              f"of their peaks {np.median(peaks):.2f}, largest peak {peaks.max():.2f}")
    if args.json:
        out = {"per_clip": per[modes[0]], "total": total[modes[0]].summary()}
        if args.pan:
            out["pan"] = {m: {"per_clip": per[m], "total": total[m].summary()} for m in modes[1:] if m.startswith("pan")}
        if args.cut:
            out["cut"] = {"per_clip": per["cut start"], "total": total["cut start"].summary()}
        args.json.write_text(json.dumps(out | {"args": vars(args) | {"json": str(args.json)}}, indent=1, default=float) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
