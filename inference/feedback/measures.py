"""Measures that technique rules compare with thresholds.

A measure takes the athlete's kinematics and events and returns one :class:`Instance` per thing it
judged (a repetition, a landing, a step, the whole clip) — a value and a time range — or a string
saying why it could not be measured (no repetitions found, a side view needed, a keypoint set without
heels...). Angles follow :mod:`inference.kinematics.angles` (x flipped to the facing direction, so
"forward" is +x).

Shapes: T frames; times in seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from inference.kinematics.core import Kinematics
from inference.kinematics.events import Event, Events

LANDING_WINDOW_S = 0.5  # after touch-down, where peak knee flexion of a landing is looked for


@dataclass(frozen=True)
class Instance:
    value: float
    start: float
    end: float


@dataclass(frozen=True)
class Context:
    """What measures read: kinematics, events, and the athlete's prior best ranges of motion
    {angle name: degrees}."""

    kin: Kinematics
    events: Events
    prior_bests: dict[str, float] = field(default_factory=dict)


Measured = list[Instance] | str
Measure = Callable[..., Measured]


def _both(kin: Kinematics, joint: str) -> np.ndarray:
    """(T,) mean of the right and left angle where either is measured."""
    pair = np.stack([kin.angle(f"right_{joint}"), kin.angle(f"left_{joint}")], axis=1)
    out = np.full(pair.shape[0], np.nan)
    seen = np.isfinite(pair).any(axis=1)
    out[seen] = np.nanmean(pair[seen], axis=1)
    return out


def _at(t: np.ndarray, x: np.ndarray, time: float) -> float:
    good = np.isfinite(x)
    if not good.any():
        return float("nan")
    return float(np.interp(time, t[good], x[good]))


def _window(t: np.ndarray, x: np.ndarray, start: float, end: float) -> np.ndarray:
    return x[(t >= start) & (t <= end)]


def _reps(ctx: Context) -> list[Event] | str:
    reps = ctx.events.of_kind("rep")
    return reps or "no repetitions were found"


def _per_rep(ctx: Context, value: Callable[[Event], float]) -> Measured:
    reps = _reps(ctx)
    if isinstance(reps, str):
        return reps
    found = [Instance(v, r.start, r.end) for r in reps if np.isfinite(v := value(r))]
    return found or "the joints needed were not seen during the repetitions"


def squat_depth(ctx: Context) -> Measured:
    """Thigh angle to the horizontal at the deepest point of each repetition (Sports2D thigh
    angle, hip→knee): 0 = thigh parallel, > 0 = hip below knee."""
    kin, thigh = ctx.kin, _both(ctx.kin, "thigh")
    return _per_rep(ctx, lambda r: np.nanmax(_window(kin.timestamps, thigh, r.start, r.end), initial=np.nan))


# Frontal widths as fractions of the trunk (hip centre → neck, 0.288 H): hip joint centres about
# 0.19 H apart, shoulders 0.26 H (Winter 2009, Fig. 4.1) → 0.65 and 0.90 of the trunk.
FRONTAL_WIDTH_OF_TRUNK = {"Hip": 0.65, "Shoulder": 0.90}
VIEW_LIMITS = (0.35, 0.6)  # frontalness at most → "side", at least → "front", between → "oblique"


def frontalness(kin: Kinematics) -> float:
    """≈ |cos(yaw)| of the athlete to the camera: hip and shoulder widths relative to the trunk
    length, divided by their frontal values (1 front or back view, 0 side view)."""
    trunk = np.linalg.norm(kin.point("Neck") - kin.point("Hip"), axis=1)
    ratios = [np.abs(kin.point(f"R{j}")[:, 0] - kin.point(f"L{j}")[:, 0]) / trunk / full
              for j, full in FRONTAL_WIDTH_OF_TRUNK.items()]  # fmt: skip
    values = np.concatenate(ratios)
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else float("nan")


def view_of(kin: Kinematics) -> str:
    """"side", "front" (or back), "oblique" or "unknown" from :func:`frontalness`."""
    f = frontalness(kin)
    if not np.isfinite(f):
        return "unknown"
    return "side" if f <= VIEW_LIMITS[0] else "front" if f >= VIEW_LIMITS[1] else "oblique"


def knee_separation(ctx: Context) -> Measured:
    """Knee separation / ankle separation at the deepest point of each repetition (frontal view).
    < 1: knees closer together than the ankles (valgus proxy)."""
    kin = ctx.kin

    def ratio(r: Event) -> float:
        tb = r.values["peak_time_s"]
        knees = abs(_at(kin.timestamps, kin.point("RKnee")[:, 0], tb) - _at(kin.timestamps, kin.point("LKnee")[:, 0], tb))
        ankles = abs(_at(kin.timestamps, kin.point("RAnkle")[:, 0], tb) - _at(kin.timestamps, kin.point("LAnkle")[:, 0], tb))
        return knees / ankles if ankles > 0 else float("nan")

    return _per_rep(ctx, ratio)


def _forward_lean(kin: Kinematics) -> np.ndarray:
    """(T,) trunk lean from vertical, + forward (Sports2D trunk angle 90 = upright)."""
    return 90.0 - kin.angle("trunk")


def trunk_shank_difference(ctx: Context) -> Measured:
    """Trunk forward lean minus shank forward inclination (knee ahead of ankle) at each rep's
    deepest point; 0 = trunk parallel to the shins."""
    kin = ctx.kin
    shank_incline = -90.0 - _both(kin, "shank")
    diff = (_forward_lean(kin) - shank_incline + 180.0) % 360.0 - 180.0
    return _per_rep(ctx, lambda r: _at(kin.timestamps, diff, r.values["peak_time_s"]))


def heel_lift(ctx: Context) -> Measured:
    """Largest drop of the foot angle (heel rising) during each rep, relative to the rep's start."""
    kin, foot = ctx.kin, _both(ctx.kin, "foot")
    if not np.isfinite(foot).any():
        return "this keypoint set has no heels and toes"

    def lift(r: Event) -> float:
        return _at(kin.timestamps, foot, r.start) - np.nanmin(_window(kin.timestamps, foot, r.start, r.end), initial=np.nan)

    return _per_rep(ctx, lift)


def _landings(ctx: Context) -> list[Event] | str:
    jumps = ctx.events.of_kind("jump")
    return jumps or "no jumps were found"


def landing_knee_flexion(ctx: Context, at: str = "contact") -> Measured:
    """Knee flexion (mean of both) at touch-down ("contact") or its increase over the next 0.5 s
    ("displacement")."""
    jumps = _landings(ctx)
    if isinstance(jumps, str):
        return jumps
    kin, knee = ctx.kin, _both(ctx.kin, "knee")
    found = []
    for j in jumps:
        contact = _at(kin.timestamps, knee, j.end)
        peak = np.nanmax(_window(kin.timestamps, knee, j.end, j.end + LANDING_WINDOW_S), initial=np.nan)
        value = contact if at == "contact" else peak - contact
        if np.isfinite(value):
            found.append(Instance(float(value), j.end, j.end + LANDING_WINDOW_S))
    return found or "the knees were not seen at landing"


def _symmetry(left: float, right: float) -> float:
    """Limb symmetry index, % (smaller / larger)."""
    big = max(abs(left), abs(right))
    return 100.0 * min(abs(left), abs(right)) / big if big > 0 else float("nan")


def landing_symmetry(ctx: Context) -> Measured:
    """Symmetry of peak knee flexion in the 0.5 s after each landing, % (100 = equal)."""
    jumps = _landings(ctx)
    if isinstance(jumps, str):
        return jumps
    kin, found = ctx.kin, []
    for j in jumps:
        peaks = [np.nanmax(_window(kin.timestamps, kin.angle(f"{s}_knee"), j.end, j.end + LANDING_WINDOW_S), initial=np.nan)
                 for s in ("left", "right")]  # fmt: skip
        if np.isfinite(peaks).all():
            found.append(Instance(_symmetry(*peaks), j.end, j.end + LANDING_WINDOW_S))
    return found or "the knees were not seen at landing"


def trunk_lean(ctx: Context) -> Measured:
    """Median forward trunk lean over the clip (side view)."""
    kin = ctx.kin
    lean = _forward_lean(kin)
    if not np.isfinite(lean).any():
        return "the trunk was not seen"
    return [Instance(float(np.nanmedian(lean)), float(kin.timestamps[0]), float(kin.timestamps[-1]))]


def _steps(ctx: Context) -> list[Event] | str:
    return ctx.events.of_kind("step") or "no steps were found"


def knee_drive(ctx: Context) -> Measured:
    """Peak hip flexion of the swinging leg during each step."""
    steps = _steps(ctx)
    if isinstance(steps, str):
        return steps
    kin = ctx.kin
    found = [Instance(float(v), s.start, s.end) for s in steps
             if np.isfinite(v := np.nanmax(_window(kin.timestamps, kin.angle(f"{s.side}_hip"), s.start, s.end), initial=np.nan))]  # fmt: skip
    return found or "the hips were not seen during the steps"


def shank_at_contact(ctx: Context) -> Measured:
    """Shank inclination at touch-down, + with the ankle ahead of the knee (overstride proxy)."""
    steps = _steps(ctx)
    if isinstance(steps, str):
        return steps
    kin = ctx.kin
    found = [Instance(v, s.end - 0.05, s.end + 0.05) for s in steps
             if np.isfinite(v := 90.0 + _at(kin.timestamps, kin.angle(f"{s.side}_shank"), s.end))]  # fmt: skip
    return found or "the shanks were not seen at touch-down"


MIN_CONFIDENCE = 0.5  # frames below it (interpolated, foreshortened, implausible) are not judged


def range_of_motion(kin: Kinematics, name: str) -> float:
    """5th to 95th percentile range of an angle over its confident frames, degrees (robust to
    single-frame errors); NaN with fewer than 3 such frames."""
    x = kin.angle(name)
    good = x[np.isfinite(x) & (kin.angle_confidence[:, kin.angle_names.index(name)] >= MIN_CONFIDENCE)]
    return float(np.subtract(*np.percentile(good, [95, 5]))) if good.size >= 3 else float("nan")


def rom_symmetry(ctx: Context, joint: str) -> Measured:
    """Symmetry of the left and right ranges of motion of ``joint`` over the clip, %."""
    kin = ctx.kin
    value = _symmetry(range_of_motion(kin, f"left_{joint}"), range_of_motion(kin, f"right_{joint}"))
    if not np.isfinite(value):
        return f"the {joint}s were not seen on both sides"
    return [Instance(value, float(kin.timestamps[0]), float(kin.timestamps[-1]))]


def rom_vs_best(ctx: Context, angle: str) -> Measured:
    """Range of motion of ``angle`` in this clip as % of the athlete's best before."""
    best = ctx.prior_bests.get(angle)
    if not best:
        return f"no earlier best for {angle.replace('_', ' ')}"
    rom = range_of_motion(ctx.kin, angle)
    if not np.isfinite(rom):
        return f"{angle.replace('_', ' ')} was not seen"
    return [Instance(100.0 * rom / best, float(ctx.kin.timestamps[0]), float(ctx.kin.timestamps[-1]))]


# Each measure and the camera view it needs (None: any). Sagittal-plane angles need a side view,
# the knee-separation ratio a front or back view.
MEASURES: dict[str, tuple[Measure, str | None]] = {
    "squat_depth": (squat_depth, "side"),
    "knee_separation": (knee_separation, "front"),
    "trunk_shank_difference": (trunk_shank_difference, "side"),
    "heel_lift": (heel_lift, "side"),
    "landing_knee_flexion": (landing_knee_flexion, "side"),
    "landing_symmetry": (landing_symmetry, None),
    "trunk_lean": (trunk_lean, "side"),
    "knee_drive": (knee_drive, "side"),
    "shank_at_contact": (shank_at_contact, "side"),
    "rom_symmetry": (rom_symmetry, None),
    "rom_vs_best": (rom_vs_best, None),
}


def ranges_of_motion(kin: Kinematics) -> dict[str, Any]:
    """{angle: ROM degrees or None} for every angle (the report's summary; prior bests later)."""
    return {n: (round(v, 1) if np.isfinite(v := range_of_motion(kin, n)) else None) for n in kin.angle_names}
