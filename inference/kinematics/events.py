"""Events in a movement: repetitions, jumps and steps, each with a time range in seconds.

- Repetitions (``rep``): peaks of a chosen signal (:data:`REP_SIGNALS`: the mean knee flexion, or
  the hip centre's drop in % of leg length, which works from the side and from the front) found
  with :func:`scipy.signal.find_peaks` with a prominence and a minimum period; each repetition runs
  from where the signal leaves its base to where it returns (``peak_widths`` at 95 % of the
  prominence).
- Jumps (``jump``): flight = both feet above the ground line. The ground line is a running median
  of the lowest foot point's image height; a flight is detected where the feet are higher than
  :attr:`EventConfig.flight_threshold` leg lengths and its take-off and landing are refined to where
  they cross :attr:`EventConfig.contact_threshold` (linear interpolation between frames). Jump height
  from the flight time ``h = g t² / 8`` (Bosco et al., 1983, Eur J Appl Physiol 50:273; valid when
  take-off and landing postures match).
- Steps (``step``): a foot's swing, from lift-off to touch-down: the ankle moves faster than
  :attr:`EventConfig.swing_speed` leg lengths per second (a foot in stance is still on the image of a
  static camera; this holds in any view, unlike heel-to-pelvis methods that need a side view — but
  not on a treadmill or with a panning camera). Cadence = steps per minute between the first and
  last touch-down.

Shapes: T frames. Times are seconds from the video's timestamps.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import signal
from scipy.ndimage import median_filter

from inference.kinematics.filters import derivative, runs
from inference.kinematics.points import point_index
from inference.movements import Movement

if TYPE_CHECKING:
    from inference.kinematics.core import Kinematics

G = 9.81  # m/s²


@dataclass(frozen=True)
class Event:
    """kind: "rep", "jump" or "step"; start/end: seconds; side: "left"/"right" for steps;
    values: numbers describing it (degrees, seconds, metres), keyed by name with their unit."""

    kind: str
    start: float
    end: float
    side: str | None = None
    values: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["start"], out["end"] = round(self.start, 4), round(self.end, 4)
        out["values"] = {k: (round(v, 4) if np.isfinite(v) else None) for k, v in self.values.items()}
        return out


@dataclass(frozen=True)
class EventConfig:
    """rep_relative_prominence: a repetition's peak stands out by at least this fraction of the
    signal's 5–95 % range (and by the signal's own minimum, :data:`REP_SIGNALS`);
    rep_min_period_s: shortest repetition.
    flight_threshold / contact_threshold: feet above the ground, in leg lengths (detect / refine).
    min_flight_s / max_flight_s: plausible flights. ground_window_s: running median of the ground.
    swing_speed: ankle speed (leg lengths / s) above which a foot is swinging; min_swing_s: shortest
    swing; max_swing_s: longest (walking ≈ 0.4 s, running ≈ 0.5 s; a foot moving longer is not
    stepping); min_stance_s: shortest stance (swings closer than this are one swing: even sprinters
    stand about 0.1 s per step)."""

    rep_relative_prominence: float = 0.35
    rep_min_period_s: float = 0.6
    flight_threshold: float = 0.08
    contact_threshold: float = 0.02
    min_flight_s: float = 0.08
    max_flight_s: float = 1.2
    ground_window_s: float = 2.0
    swing_speed: float = 0.8
    min_swing_s: float = 0.1
    max_swing_s: float = 0.8
    min_stance_s: float = 0.1


# Which detectors run for each movement (every Movement has an entry), and the signal a
# repetition is counted on.
MOVEMENT_EVENTS: dict[Movement, tuple[str, ...]] = {
    Movement.SQUAT: ("reps",), Movement.JUMP: ("jumps",), Movement.RUN: ("steps",), Movement.WALK: ("steps",),
    Movement.DANCE: (), Movement.GENERAL: (),
}  # fmt: skip
REP_SIGNAL_FOR: dict[Movement, str] = {Movement.SQUAT: "hip_drop"}


def _filled(x: np.ndarray) -> np.ndarray:
    """NaN-free copy for peak finding: linear inside, edge values at the ends (all-NaN → zeros)."""
    good = np.isfinite(x)
    if not good.any():
        return np.zeros_like(x)
    return np.interp(np.arange(x.size), np.flatnonzero(good), x[good])


def _time_at(t: np.ndarray, index: np.ndarray | float) -> np.ndarray:
    """Time at fractional frame indices."""
    return np.interp(index, np.arange(t.size), t)


def find_reps(x: np.ndarray, t: np.ndarray, min_prominence: float = 20.0, config: EventConfig = EventConfig()) -> list[Event]:
    """Repetitions as peaks of x (T,) at timestamps t (T,); ``min_prominence`` in x's unit."""
    y = _filled(np.asarray(x, np.float64))
    if y.size < 3:
        return []
    spread = np.subtract(*np.percentile(y, [95, 5]))
    prominence = max(min_prominence, config.rep_relative_prominence * spread)
    dt = float(np.median(np.diff(t)))
    distance = max(1, int(round(config.rep_min_period_s / dt)))
    peaks, props = signal.find_peaks(y, prominence=prominence, distance=distance)
    if peaks.size == 0:
        return []
    _, _, left, right = signal.peak_widths(y, peaks, rel_height=0.95)
    return [
        Event("rep", float(_time_at(t, lo)), float(_time_at(t, hi)), None,
              {"peak_time_s": float(t[p]), "peak": float(y[p]), "prominence": float(prom)})
        for p, lo, hi, prom in zip(peaks, left, right, props["prominences"], strict=True)
    ]  # fmt: skip


def _crossing(h: np.ndarray, t: np.ndarray, start: int, step: int, level: float) -> float:
    """Walk from frame ``start`` in direction ``step`` while h stays above ``level``; then extend
    the line through the last frame above and the first at or below it down to h = 0 (the foot's
    contact), at most one frame beyond. Without that the contact level's height would shorten every
    flight by twice its rise time."""
    i = start
    while 0 <= i + step < h.size and h[i + step] > level:
        i += step
    j = i + step
    if not 0 <= j < h.size:
        return float(t[i])
    if h[i] <= h[j]:
        return float(t[j])
    frac = h[i] / (h[i] - h[j])  # 0 at frame i, 1 at frame j, > 1 beyond j
    return float(t[i] + min(frac, 2.0) * (t[j] - t[i]))


def find_jumps(foot_y: np.ndarray, leg_px: float, t: np.ndarray, config: EventConfig = EventConfig()) -> list[Event]:
    """Jumps from the lowest foot point's image y (T,) pixels (y down), leg length in pixels."""
    y = _filled(np.asarray(foot_y, np.float64))
    if y.size < 3 or not np.isfinite(leg_px) or leg_px <= 0:
        return []
    dt = float(np.median(np.diff(t)))
    ground = median_filter(y, size=max(3, int(config.ground_window_s / dt)) | 1, mode="nearest")
    h = (ground - y) / leg_px  # height of the lower foot above the ground, leg lengths
    jumps: list[Event] = []
    for start, stop in runs(h > config.flight_threshold):
        take_off = _crossing(h, t, start, -1, config.contact_threshold)
        landing = _crossing(h, t, stop - 1, +1, config.contact_threshold)
        flight = landing - take_off
        if not config.min_flight_s <= flight <= config.max_flight_s:
            continue
        if jumps and take_off < jumps[-1].end:  # one flight seen as two runs (noise at the apex)
            continue
        jumps.append(Event("jump", take_off, landing, None, {
            "flight_time_s": flight, "height_m": G * flight**2 / 8,
            "peak_foot_height_legs": float(h[start:stop].max()),
        }))  # fmt: skip
    return jumps


def find_steps(ankle_xy: dict[str, np.ndarray], leg_px: float, t: np.ndarray, config: EventConfig = EventConfig()) -> list[Event]:
    """Swings of each foot from ankle positions {side: (T, 2) pixels}; sorted by start time."""
    steps = []
    for side, xy in ankle_xy.items():
        speed = np.linalg.norm(derivative(np.asarray(xy, np.float64), t), axis=1) / leg_px
        moving = np.nan_to_num(speed) > config.swing_speed
        # Blips under half a minimum swing are noise; then a stance too short to be real joins the
        # swings around it; then swings too short are dropped.
        swings = [(a, b) for a, b in runs(moving) if t[b - 1] - t[a] >= config.min_swing_s / 2]
        for start, stop in _merge_short_stances(swings, t, config.min_stance_s):
            lift, touch = float(t[start]), float(t[stop - 1])
            if config.min_swing_s <= touch - lift <= config.max_swing_s and start > 0 and stop < t.size:
                steps.append(Event("step", lift, touch, side, {"swing_time_s": touch - lift}))
    return sorted(steps, key=lambda e: e.start)


def _merge_short_stances(swings: list[tuple[int, int]], t: np.ndarray, min_stance_s: float) -> list[tuple[int, int]]:
    """Join swings of one foot separated by less than ``min_stance_s`` of stance (noise that dips
    below the speed threshold mid-swing)."""
    merged: list[tuple[int, int]] = []
    for start, stop in swings:
        if merged and t[start] - t[merged[-1][1] - 1] < min_stance_s:
            merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    return merged


def cadence(steps: list[Event]) -> float | None:
    """Steps per minute between the first and the last touch-down (None for fewer than 2 steps)."""
    touch = sorted(e.end for e in steps)
    if len(touch) < 2 or touch[-1] <= touch[0]:
        return None
    return 60.0 * (len(touch) - 1) / (touch[-1] - touch[0])


@dataclass(frozen=True)
class Events:
    """events: sorted by start. summary: rep count, jump heights, cadence... (None when unknown)."""

    movement: str
    events: tuple[Event, ...]
    summary: dict[str, Any]

    def of_kind(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.kind == kind]

    def to_dict(self) -> dict[str, Any]:
        """What DIR/events.json holds."""
        return {"movement": self.movement, "events": [e.as_dict() for e in self.events], "summary": self.summary}


def leg_length_px(kin: Kinematics) -> float:
    """Median hip→knee→ankle length over frames and sides, pixels (NaN when never seen)."""
    lengths = []
    for s in "RL":
        hip, knee, ankle = (kin.point(f"{s}{n}") for n in ("Hip", "Knee", "Ankle"))
        lengths.append(np.linalg.norm(knee - hip, axis=1) + np.linalg.norm(ankle - knee, axis=1))
    values = np.concatenate(lengths)
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else float("nan")


def lowest_foot_y(kin: Kinematics) -> np.ndarray:
    """(T,) image y of the lowest foot point (ankles, heels, toes; the largest y), NaN if none;
    from the points before the low-pass, which would blur take-off and landing."""
    names = ("RAnkle", "LAnkle", "RHeel", "LHeel", "RBigToe", "LBigToe")
    ys = np.stack([kin.points_unsmoothed[:, point_index(n), 1] for n in names], axis=1)
    out = np.full(ys.shape[0], np.nan)
    seen = np.isfinite(ys).any(axis=1)
    out[seen] = np.nanmax(ys[seen], axis=1)
    return out


def _knee_flexion(kin: Kinematics) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.nanmean(np.stack([kin.angle("right_knee"), kin.angle("left_knee")], axis=1), axis=1)


def _hip_drop(kin: Kinematics) -> np.ndarray:
    return 100.0 * kin.point("Hip")[:, 1] / leg_length_px(kin)


# Signals repetitions are counted on: (function, least prominence, unit).
REP_SIGNALS: dict[str, tuple[Any, float, str]] = {
    "knee_flexion": (_knee_flexion, 20.0, "deg"),
    "hip_drop": (_hip_drop, 15.0, "% leg length"),
}


def _summary(found: dict[str, list[Event]]) -> dict[str, Any]:
    reps, jumps, steps = found.get("reps"), found.get("jumps"), found.get("steps")
    heights = [e.values["height_m"] for e in jumps or []]
    steps_per_minute = cadence(steps) if steps else None
    return {
        "rep_count": None if reps is None else len(reps),
        "jump_count": None if jumps is None else len(jumps),
        "best_jump_height_m": round(max(heights), 3) if heights else None,
        "mean_flight_time_s": round(float(np.mean([e.values["flight_time_s"] for e in jumps])), 3) if jumps else None,
        "step_count": None if steps is None else len(steps),
        "cadence_spm": None if steps_per_minute is None else round(steps_per_minute, 1),
    }


def detect_events(kin: Kinematics, movement: str = Movement.GENERAL, config: EventConfig | None = None) -> Events:
    """The events that ``movement`` (a :class:`Movement` or its value) calls for
    (:data:`MOVEMENT_EVENTS`), from one athlete's kinematics; an unknown name raises ValueError."""
    movement = Movement.parse(movement)
    config = config or EventConfig()
    t, leg = kin.timestamps, leg_length_px(kin)
    found: dict[str, list[Event]] = {}
    for detector in MOVEMENT_EVENTS[movement]:
        if detector == "reps":
            compute, min_prominence, _ = REP_SIGNALS[REP_SIGNAL_FOR[movement]]
            found["reps"] = find_reps(compute(kin), t, min_prominence, config) if np.isfinite(leg) else []
        elif detector == "jumps":
            found["jumps"] = find_jumps(lowest_foot_y(kin), leg, t, config)
        elif detector == "steps":
            ankles = {"right": kin.point("RAnkle"), "left": kin.point("LAnkle")}
            found["steps"] = find_steps(ankles, leg, t, config) if np.isfinite(leg) else []
    events = sorted((e for group in found.values() for e in group), key=lambda e: e.start)
    summary = _summary(found)
    if "reps" in found:
        name = REP_SIGNAL_FOR[movement]
        summary["rep_signal"] = {"name": name, "unit": REP_SIGNALS[name][2]}
    return Events(movement, tuple(events), summary)
