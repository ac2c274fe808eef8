"""Events in a movement: repetitions, jumps (and drops, box jumps) and steps, each with a time
range in seconds and a confidence.

- Repetitions (``rep``): peaks of a chosen signal (:data:`REP_SIGNALS`: the mean knee flexion, or
  the hip centre's drop towards the ground line in % of leg length, which works from the side and
  from the front) found with :func:`scipy.signal.find_peaks` with a prominence and a minimum
  period; each repetition runs from where the signal leaves its base to where it returns
  (``peak_widths`` at 95 % of the prominence).
- Jumps, drops and box jumps: from the foot contacts of :mod:`.ground` — both feet leave the
  ground and both land (:func:`find_jumps`); take-off when the second foot's sole rises
  :data:`LIFT_HEIGHT` above where it stood, landing when the first one's comes back within it
  (:func:`swings`); flight time from those two instants. A ``jump``
  (take-off and landing at one level) gets its height from the flight time, ``h = g t² / 8``
  (Bosco et al., 1983, Eur J Appl Physiol 50:273; valid when take-off and landing postures
  match); a ``drop`` (landing lower) or ``box_jump`` (landing higher) does not.
- Steps (``step``): a foot's touch-down after a swing (its frames off the ground) during which the
  other foot stood on the ground and that put it down :data:`MIN_STEP_DISPLACEMENT` or more from where it left
  (:func:`find_steps`), from lift-off (``start``) to the foot coming to rest (``end``); steps of
  alternating feet make the cadence over whole strides (:func:`alternating_steps`, :func:`cadence`).

An event's ``confidence`` is the lowest detector confidence of the feet's points around its
instants (0 where they were interpolated), lowered for an athlete smaller than
:data:`RESOLVED_STATURE_PX` in the picture. Events below :data:`SURE_CONFIDENCE` are kept and
shown as uncertain (:func:`is_uncertain`). Events are never found across frames where the athlete
or a foot is not seen: a swing or flight must have the feet present in every frame.

Shapes: T frames. Times are seconds from the video's timestamps (never frame / fps).
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import signal

from inference.kinematics.filters import runs
from inference.kinematics.ground import (
    GROUND_SMOOTH_S,
    SIDES,
    STILL_SPEED,
    FootContacts,
    G,
    foot_contacts,
)
from inference.kinematics.scale import stature_series
from inference.movements import Movement

if TYPE_CHECKING:
    from inference.kinematics.core import Kinematics

FLIGHT_KINDS = ("jump", "drop", "box_jump")
# Frames searched into the contacts on either side of a swing when refining its instants: the
# contact low-pass (12 Hz) spreads a stop over about ±1 frame at 30 fps, ±2 at 60 fps.
REFINE_FRAMES = 3
# Share of the top of a swing's speed ramp at which its lift-off and touch-down are read (swings()).
LIFT_SPEED_FRACTION = 0.5
TOUCH_SPEED_FRACTION = 0.5
# A foot has left the ground once its sole is this many statures (≈ 4.4 cm at 1.75 m) above where
# it stood, and touches down where it comes back within it: above the 95th percentile of a planted
# foot's sole-row scatter about its 0.25 s running median on every dev clip's truth athlete
# (basketball_pan_240p 0.023 at 30 fps and ~95 px tall, lab_two_people_portrait_60fps 0.021,
# lab_walk_portrait_60fps 0.012, indoor_two_people_1080p 0.009; tests/inference/kinematics/
# test_events_real.py), so noise on a planted foot stays under it. On noise-free points it reads a
# take-off LIFT_HEIGHT × stature / v late and a landing as early (docs/kinematics.md, "Swings").
LIFT_HEIGHT = 0.025
# Statures the foot's points must have moved between the contacts before and after a swing for its
# touch-down to be a step (≈ 9 cm at 1.75 m): twice LIFT_HEIGHT, and above the drift of a planted
# foot over a whole contact of 0.3 s or more on the dev clips with a static camera (≤ 0.044), so a
# foot point that jumps away and back while the foot stays (an arm swinging past it, the other foot
# crossing it) makes no step. Walking steps move the foot 0.25-0.45 statures (step length ≈ 0.4 ×
# stature at natural speed; lab_walk_portrait_60fps' step out: 0.32).
MIN_STEP_DISPLACEMENT = 0.05
# Cadence is read over whole strides: runs of at least three alternating steps (right, left, right).
# One interval is one step time, which differs between the feet and carries one contact's timing
# error whole (2 frames at 30 fps are 11 % of a 0.6 s step); a stride's two intervals cancel the
# feet's difference. On motion capture (bench/events_mocap.py, walk and run, 48 views) the mean
# cadence error fell from 6.9 % to 4.5 % and the worst from 58 % to 13 % against runs of two.
MIN_CADENCE_STEPS = 3
# Seconds between two touch-downs beyond which they are not one gait: 40 steps/min, well under the
# slowest continuous walking (very slow walking is still about 60 steps/min; natural adult walking
# 100-120, running 150-190). Without it a run of steps read seconds apart (basketball_pan_240p:
# left at 2.84 s, right 7.25 s, left 7.41 s) gave a "cadence" of 26 steps/min.
MAX_STEP_TIME_S = 1.5
# An athlete this tall in the picture (pixels) or taller is seen at full detail: MediaPipe's pose
# landmark model looks at the person through a 256 × 256 crop (pose_landmark_full input); a smaller
# person is upsampled into it, and their foot points jitter by a larger share of their size.
RESOLVED_STATURE_PX = 256.0
# A step's value set to 1 where its swing began before the clip's first frame (find_steps): its
# start is the first frame, not a lift-off.
CUT_FLAG = "swing_began_before_clip"


# Below this an event is reported as uncertain, not dropped: the floor the charts, rules and CSV put
# on a keypoint's confidence (0.5), which an athlete under half of RESOLVED_STATURE_PX (128 px) never
# reaches. On the real clips the found events read 0.63-0.88 (Sports2D's hops and steps, the lab
# walk's step: 0.82), the basketball player's two false steps (90-130 px tall) 0.30-0.31.
SURE_CONFIDENCE = 0.5


def is_uncertain(event: Event | dict[str, Any]) -> bool:
    """Whether an event (or its stored dict; those stored before confidences: sure) is below
    :data:`SURE_CONFIDENCE`."""
    confidence = event.confidence if isinstance(event, Event) else event.get("confidence", 1.0)
    return confidence is not None and float(confidence) < SURE_CONFIDENCE


@dataclass(frozen=True)
class Event:
    """kind: "rep", "jump", "drop", "box_jump" or "step"; start/end: seconds; side:
    "left"/"right" for steps; values: numbers describing it (degrees, seconds, metres), keyed by
    name with their unit; confidence: 0-1 (module docstring)."""

    kind: str
    start: float
    end: float
    side: str | None = None
    values: dict[str, float] = field(default_factory=dict)
    confidence: float = 1.0

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        """The event back from :meth:`as_dict` (a stored one without a confidence: sure)."""
        values = {k: (float("nan") if v is None else float(v)) for k, v in (d.get("values") or {}).items()}
        confidence = d.get("confidence")
        return cls(str(d["kind"]), float(d["start"]), float(d["end"]), d.get("side"), values,
                   1.0 if confidence is None else float(confidence))  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["start"], out["end"] = round(self.start, 4), round(self.end, 4)
        out["values"] = {k: (round(v, 4) if np.isfinite(v) else None) for k, v in self.values.items()}
        out["confidence"] = round(float(self.confidence), 3)
        return out


@dataclass(frozen=True)
class EventConfig:
    """rep_relative_prominence: a repetition's peak stands out by at least this fraction of the
    signal's 5–95 % range (and by the signal's own minimum, :data:`REP_SIGNALS`);
    rep_min_period_s: shortest repetition.
    min_flight_s: shortest flight, the flight of a 5 cm jump, 2 √(2h/g) ≈ 0.2 s (lower jumps are
        lost in keypoint noise; it also leaves out running strides' flights, ~0.1-0.15 s).
    max_flight_s: longest flight: ~1.0 s is the flight of a 1.2 m vertical jump, beyond the best
        athletes' (~1 m); drops from 1.5 m take 0.55 s.
    both_feet_s: the two feet of a two-footed take-off (or landing) leave (land) within this of each
        other; a running stride's swing foot left a whole swing (≥ 0.33 s, Weyand et al. 2000)
        earlier. It allows the contact low-pass and 30 fps frames (3 frames).
    level_change: landing this many statures (≈ 17 cm) above or below the take-off is a box jump
        or a drop; lower boxes and drops read as jumps. In a front view a landing well in front of
        or behind the take-off shifts the feet's row too (~0.05 statures per 30 cm at 4 m).
    level_window_s: contact frames before take-off and after landing whose sole rows give the two
        levels."""

    rep_relative_prominence: float = 0.35
    rep_min_period_s: float = 0.6
    min_flight_s: float = 2 * np.sqrt(2 * 0.05 / G)
    max_flight_s: float = 2 * np.sqrt(2 * 1.2 / G)
    both_feet_s: float = 0.1
    level_change: float = 0.1
    level_window_s: float = 0.2


# Which detectors run for each movement (every Movement has an entry), and the signal a
# repetition is counted on. Steps are found for "general" and "jump" too (review #12: a coach who
# picks "General" because no movement fits got no foot contacts; Sports2D's jump clip has four
# walking and running steps): the scoreboard runs the step detector on every clip whatever its
# movement (bench/realworld_adapter.py), and it finds no false step on any of the five real clips
# (found / missed / false: lab walk 1/0/0, Sports2D 1/3/0, lab two people 0/1/0, indoor 0/0/0;
# basketball's truth does not say).
MOVEMENT_EVENTS: dict[Movement, tuple[str, ...]] = {
    Movement.SQUAT: ("reps",), Movement.JUMP: ("jumps", "steps"), Movement.RUN: ("steps",), Movement.WALK: ("steps",),
    Movement.DANCE: (), Movement.GENERAL: ("steps",),
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


def _crossing(x: np.ndarray, t: np.ndarray, lo: int, hi: int, level: float, upward: bool, earliest: bool) -> float | None:
    """Time where ``x`` crosses ``level`` upward (or downward) between two frames of [lo, hi), the
    earliest such crossing or the latest, interpolated between the frames; None when it does not."""
    lo, hi = max(lo, 0), min(hi, x.size)
    starts = range(lo, hi - 1) if earliest else range(hi - 2, lo - 1, -1)
    for j in starts:
        a, b = x[j], x[j + 1]
        if np.isfinite(a) and np.isfinite(b) and (a < level <= b if upward else a >= level > b):
            return float(t[j] + (level - a) / (b - a) * (t[j + 1] - t[j]))
    return None


def _speed_crossing(speed: np.ndarray, t: np.ndarray, lo: int, hi: int, level: float, rising: bool) -> float | None:
    """Time where ``speed`` crosses ``level`` inside frames [lo, hi): the first upward crossing
    (``rising``) or the last downward one, interpolated between frames; None when it does not."""
    lo, hi = max(lo, 1), min(hi, speed.size - 1)
    if rising:
        return _crossing(speed, t, lo - 1, hi, level, upward=True, earliest=True)
    return _crossing(speed, t, lo, hi + 1, level, upward=False, earliest=False)


@dataclass(frozen=True)
class Swing:
    """One foot off the ground between two contacts: frames [first, stop) of ``side``.
    lift_off / touch_down: seconds where the foot starts moving and comes to rest, on its speed;
    leaves / lands: seconds where its sole rises above and comes back within :data:`LIFT_HEIGHT`
    of where it stood (NaN where the sole never rises that far); displacement: statures between
    where the foot stood before and after (NaN unknown). ``cut``: the swing began before the first
    frame (``first`` is 0; ``lift_off`` is the first frame's time and ``leaves`` NaN, as neither
    was seen, and ``displacement`` is from where the foot was in the first frames, a lower bound
    of a forward swing's). See :func:`swings`."""

    side: str
    first: int
    stop: int
    lift_off: float
    touch_down: float
    leaves: float = float("nan")
    lands: float = float("nan")
    displacement: float = float("nan")
    cut: bool = False

    @property
    def off_ground(self) -> tuple[float, float]:
        """(leaves, lands), each falling back on the speed's instant where the height has none."""
        leaves = self.leaves if np.isfinite(self.leaves) else self.lift_off
        lands = self.lands if np.isfinite(self.lands) else self.touch_down
        return leaves, max(lands, leaves)


def _edge_peak(speed: np.ndarray, start: int, step: int, stop: int) -> int:
    """From frame ``start``, walk in direction ``step`` (not reaching ``stop``) while the speed
    keeps rising; the frame where it stops rising (the top of the lift-off's or landing's ramp)."""
    i = start
    while i + step != stop and 0 <= i + step < speed.size and speed[i + step] >= speed[i]:
        i += step
    return i


def _floor_row(contacts: FootContacts, side: str, edge: int, direction: int) -> float:
    """Where the foot stood: the lower quartile of the heights (75th percentile of the image rows, y
    down) of ``side``'s sole over its contact frames within GROUND_SMOOTH_S of frame ``edge`` (a
    contact frame), looking back (``direction`` -1) or ahead (+1). A quartile, not the median, so
    the frames of a short contact in which the foot was still settling (or its points still
    flying) do not lift the floor; on a planted foot it lies 0.67 σ of the keypoint scatter (≈ 0.001
    statures on the dev clips) below the median."""
    t, on = contacts.timestamps, contacts.contact[side]
    near = (np.abs(t - t[edge]) <= GROUND_SMOOTH_S) & on & (np.sign(np.arange(t.size) - edge) != -direction)
    rows = contacts.sole[side][near]
    rows = rows[np.isfinite(rows)]
    return float(np.percentile(rows, 75)) if rows.size else float(contacts.sole[side][edge])


def _height_instant(height: np.ndarray, t: np.ndarray, first: int, stop: int, rising: bool) -> float | None:
    """Where ``height`` (statures above where the foot stood) crosses :data:`LIFT_HEIGHT`: the last
    upward crossing before the swing's highest frame (``rising``), or the first downward one after
    it; searched up to :data:`REFINE_FRAMES` into the contacts. None when the foot never rises
    above it (a foot sliding along the floor, or seen end-on)."""
    inside = height[first:stop]
    if not np.isfinite(inside).any() or np.nanmax(inside) < LIFT_HEIGHT:
        return None
    apex = first + int(np.nanargmax(inside))
    if rising:
        return _crossing(height, t, first - REFINE_FRAMES, apex + 1, LIFT_HEIGHT, upward=True, earliest=False)
    return _crossing(height, t, apex, stop + REFINE_FRAMES, LIFT_HEIGHT, upward=False, earliest=True)


def _displacement(contacts: FootContacts, side: str, first: int, stop: int) -> float:
    """Statures between the foot's points in the contact frames just before and after a swing
    (median of up to 3 frames each side, then the least over the foot's points: as one still point
    makes a contact, one point put back where it stood says the foot was not moved; a foot fitted
    wandering off a planted shoe moves some points, a step all of them); NaN unknown."""
    xy = contacts.feet.get(side)
    if xy is None or xy.shape[1] == 0:
        return float("nan")
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices: unknown, NaN
        before = np.nanmedian(xy[max(0, first - 3) : first] if first else xy[:3], axis=0)  # first 0: a cut swing
        after = np.nanmedian(xy[stop : stop + 3], axis=0)
        moved = np.nanmin(np.linalg.norm(after - before, axis=-1))
    return float(moved / contacts.stature_px[stop])


def swings(contacts: FootContacts, cut: bool = False) -> list[Swing]:
    """Every time a foot leaves the ground and comes back, with the foot seen all along, sorted by
    touch-down; with ``cut`` also a foot off the ground from the first frame that comes back
    (``Swing.cut``: a clip trimmed mid-stride; its lift-off was not seen). Two pairs of instants,
    interpolated between frames:

    - on the foot's speed (``lift_off``, ``touch_down``: when it starts moving and comes to rest):
      from the first (last) frame off the ground, up the ramp of rising speed to its top, then
      back to where the speed crosses half that top — a start or stop blurred by any symmetric
      spread (the detector's smoothing, motion blur, the contact low-pass) crosses half its height
      at the true instant; searched up to :data:`REFINE_FRAMES` into the contact.
    - on the sole's height (``leaves``, ``lands``: when it is off the ground): the last upward
      crossing of :data:`LIFT_HEIGHT` above where the foot stood before the swing (the lower
      quartile of its sole's heights over GROUND_SMOOTH_S of contact) before the swing's highest
      frame, and the first downward crossing after it of that height above where it stands after.
      NaN where the sole never rises that far (a foot sliding along the floor, or seen end-on)."""
    t, out = contacts.timestamps, []
    for side in SIDES:
        on, known, speed = contacts.contact[side], contacts.known[side], contacts.speed[side]
        sole, stature = contacts.sole[side], contacts.stature_px
        for first, stop in runs(~on):
            if (first == 0 and not cut) or stop == on.size or not known[first:stop].all():
                continue  # the clip's ends, or frames where the foot is not seen: no swing to time
            lift, leaves = float(t[0]), None
            if first:
                top = _edge_peak(speed, first, +1, stop)
                rises = _speed_crossing(speed, t, first - REFINE_FRAMES, top + 1, LIFT_SPEED_FRACTION * speed[top], rising=True)
                lift = float(t[first]) if rises is None else rises
                leaves = _height_instant((_floor_row(contacts, side, first - 1, -1) - sole) / stature, t, first, stop, True)
            top = _edge_peak(speed, stop - 1, -1, first - 1)
            touch = _speed_crossing(speed, t, top, stop + REFINE_FRAMES, TOUCH_SPEED_FRACTION * speed[top], rising=False)
            touch = float(t[stop]) if touch is None else touch
            lands = _height_instant((_floor_row(contacts, side, stop, +1) - sole) / stature, t, first, stop, False)
            out.append(Swing(side, first, stop, lift, max(touch, lift), np.nan if leaves is None else leaves,
                             np.nan if lands is None else lands, _displacement(contacts, side, first, stop),
                             first == 0))  # fmt: skip
    return sorted(out, key=lambda s: s.touch_down)


def _foot_confidence(contacts: FootContacts, side: str, *times: float) -> float:
    """Lowest mean confidence of a foot's points in the frames around ``times``, times the share of
    :data:`RESOLVED_STATURE_PX` the athlete's stature covers there (a smaller athlete's feet are a
    few source pixels wide: their jitter reaches the still speed)."""
    t, conf = contacts.timestamps, contacts.confidence[side]
    frames = np.searchsorted(t, times).clip(0, t.size - 1)
    values = [conf[max(0, i - 1) : i + 2].min() * min(1.0, contacts.stature_px[i] / RESOLVED_STATURE_PX) for i in frames]
    return float(min(values)) if values else 0.0


def _level(contacts: FootContacts, lo: float, hi: float) -> float:
    """Median sole row of the feet on the ground between lo and hi seconds (NaN if none)."""
    inside = (contacts.timestamps >= lo) & (contacts.timestamps <= hi)
    rows = np.concatenate([contacts.sole[s][inside & contacts.contact[s]] for s in SIDES])
    return float(np.median(rows)) if rows.size else float("nan")


def find_jumps(contacts: FootContacts, stature_m: float | None = None, config: EventConfig = EventConfig()) -> list[Event]:
    """Flights: both feet start moving within :attr:`EventConfig.both_feet_s` of each other and
    both come to rest within it (the speed's instants of :func:`swings`), the feet seen all along.
    Take-off is when the second foot's sole leaves the ground and landing when the first one's comes
    back to it (``Swing.off_ground``: the sole's height, the speed's instants where the height has
    none); flights outside [min_flight_s, max_flight_s]
    are not jumps. Where the landing is more than :attr:`EventConfig.level_change` statures above
    or below the take-off, the event is a ``box_jump`` or a ``drop`` and has no height (h = g t²/8
    needs take-off and landing at one level); otherwise a ``jump`` with ``height_m``."""
    found = []
    by_side = {side: [s for s in swings(contacts) if s.side == side] for side in SIDES}
    for right in by_side["right"]:
        left = next((s for s in by_side["left"] if abs(s.lift_off - right.lift_off) <= config.both_feet_s
                     and abs(s.touch_down - right.touch_down) <= config.both_feet_s), None)  # fmt: skip
        if left is None:
            continue
        (right_leaves, right_lands), (left_leaves, left_lands) = right.off_ground, left.off_ground
        take_off, landing = max(right_leaves, left_leaves), min(right_lands, left_lands)
        flight = landing - take_off
        if not config.min_flight_s <= flight <= config.max_flight_s:
            continue
        before = _level(contacts, take_off - config.level_window_s, take_off)
        after = _level(contacts, landing, landing + config.level_window_s)
        stature = float(np.interp(take_off, contacts.timestamps, contacts.stature_px))
        rise = (before - after) / stature  # landing above take-off, statures (y up)
        kind = "jump" if not abs(rise) > config.level_change else ("box_jump" if rise > 0 else "drop")
        values: dict[str, float] = {"flight_time_s": flight, "landing_above_takeoff_statures": rise}
        if stature_m is not None:
            values["landing_above_takeoff_m"] = rise * stature_m
        if kind == "jump":
            values["height_m"] = G * flight**2 / 8
        confidence = min(_foot_confidence(contacts, side, take_off, landing) for side in SIDES)
        found.append(Event(kind, take_off, landing, None, values, confidence))
    return sorted(found, key=lambda e: e.start)


def _at_rest(contacts: FootContacts, swing: Swing) -> float:
    """When a stepping foot has come to rest: the last time its speed falls below
    :data:`~inference.kinematics.ground.STILL_SPEED` (what a contact is) between the swing's first
    frame off the ground and :data:`REFINE_FRAMES` into the contact, where that is later than the
    speed's ``touch_down`` (half the top of the landing ramp), else ``touch_down``. A foot that slows
    through terminal swing and lowers itself onto the floor crosses half its ramp's top while it is
    still in the air (docs/kinematics.md: the Pose2Sim landing seen by four cameras, motion capture)."""
    t = contacts.timestamps
    still = _crossing(contacts.speed[swing.side], t, swing.first, swing.stop + REFINE_FRAMES, STILL_SPEED,
                      upward=False, earliest=False)  # fmt: skip
    return swing.touch_down if still is None else max(swing.touch_down, still)


def _flight_landing(contacts: FootContacts, swing: Swing, config: EventConfig) -> bool:
    """Whether the other foot, seen, is off the ground when ``swing``'s foot touches down and lands
    more than :attr:`EventConfig.both_feet_s` and at most :data:`MAX_STEP_TIME_S` after it: the
    landing of a running stride, whose other foot's stance lay before a cut swing's first frame
    (a two-footed landing has the feet down within ``both_feet_s``; a hop's other foot stays up)."""
    other = "left" if swing.side == "right" else "right"
    t, on, known = contacts.timestamps, contacts.contact[other], contacts.known[other]
    later = np.flatnonzero(on[swing.stop :])
    if not later.size or later[0] == 0:
        return False
    lands = swing.stop + int(later[0])
    return bool(known[swing.stop : lands + 1].all()) and config.both_feet_s < t[lands] - t[swing.stop] <= MAX_STEP_TIME_S


def find_steps(contacts: FootContacts, config: EventConfig = EventConfig()) -> list[Event]:
    """Steps: a foot's touch-down after a swing during which the other foot was on the ground, not
    only at the swing's first and last :attr:`EventConfig.both_feet_s` (that is a two-footed jump's
    staggered take-off and landing), and that put the foot down at least
    :data:`MIN_STEP_DISPLACEMENT` statures from where it left (a foot point jumping away and back
    while the foot stands is no step). The swing spans its frames off the ground and its speed
    instants, whichever reach further: a kick's foot accelerates all the way, so half the top of
    its ramp (the speed's lift-off) comes late, after the other foot of a hop-step had left the
    ground. ``start`` is the lift-off, ``end`` when the foot has come to rest (:func:`_at_rest`);
    sorted by ``end``.

    A swing already under way in the first frame (a clip trimmed mid-stride: ``Swing.cut``) is a
    step when its seen part meets the same rules (single support from the first frame on, as that
    is no take-off; or, where the other foot is in the air all along, a running stride's landing:
    :func:`_flight_landing`), its displacement read from the first frames (a lower bound), and
    ending within :data:`MAX_STEP_TIME_S` of the first frame (a foot seen moving for longer, e.g.
    in a turning camera's picture, may never have stood); its ``start`` is the first frame, it has
    no ``swing_time_s`` and its :data:`CUT_FLAG` value is 1 (:func:`swing_seen`). On motion
    capture cut mid-movement (bench/events_mocap.py --cut, docs/kinematics.md) this finds the first
    touch-down of the clip that was otherwise lost."""
    t, steps = contacts.timestamps, []
    for swing in swings(contacts, cut=True):
        other = "left" if swing.side == "right" else "right"
        begin, end = min(swing.lift_off, t[swing.first]), max(swing.touch_down, t[swing.stop - 1])
        # a cut swing's first frame is no take-off: single support counts from it
        inside = (t >= begin if swing.cut else t > begin + config.both_feet_s) & (t < end - config.both_feet_s)
        if not (contacts.contact[other] & inside).any() and not (swing.cut and _flight_landing(contacts, swing, config)):
            continue
        if not swing.displacement >= MIN_STEP_DISPLACEMENT:  # put back where it was (or unknown)
            continue
        if swing.cut and end - t[0] > MAX_STEP_TIME_S:  # longer than a step takes: a foot never still in the picture
            continue
        rest = _at_rest(contacts, swing)
        confidence = _foot_confidence(contacts, swing.side, swing.lift_off, rest)
        values = {"displacement_statures": swing.displacement}
        values |= {CUT_FLAG: 1.0} if swing.cut else {"swing_time_s": rest - swing.lift_off}
        steps.append(Event("step", swing.lift_off, rest, swing.side, values, confidence))
    return sorted(steps, key=lambda e: e.end)


def swing_seen(step: Event | dict[str, Any]) -> bool:
    """Whether a step (or its stored dict) had its lift-off seen (its ``start`` is the lift-off and
    it has a swing time), rather than its swing having begun before the clip (:data:`CUT_FLAG`,
    :func:`find_steps`)."""
    values = step.values if isinstance(step, Event) else (step.get("values") or {})
    return not values.get(CUT_FLAG)


def alternating_steps(steps: list[Event]) -> list[list[Event]]:
    """The runs of steps that alternate feet (right, left, right…), in touch-down order; a run
    breaks where one foot steps twice in a row, or where a touch-down comes more than
    :data:`MAX_STEP_TIME_S` after the one before. Steps without a side break runs too. Use it on
    :func:`find_steps`' output (``detect_events(kin, "walk").of_kind("step")``) for gait: a step
    is a foot's touch-down after a swing while the other foot stood, so two steps in a row of
    alternating feet are one gait cycle's half each."""
    chains: list[list[Event]] = []
    for step in sorted(steps, key=lambda e: e.end):
        last = chains[-1][-1] if chains else None
        if (last is not None and step.side in SIDES and last.side in SIDES and last.side != step.side
                and step.end - last.end <= MAX_STEP_TIME_S):
            chains[-1].append(step)
        else:
            chains.append([step])
    return chains


def cadence(steps: list[Event]) -> float | None:
    """Steps per minute over the runs of alternating steps (:func:`alternating_steps`) of at least
    :data:`MIN_CADENCE_STEPS`: 60 over the median step time, each step time read as half a stride
    (two consecutive intervals, so the feet's different step times cancel), between touch-downs
    (``end``) and between lift-offs (``start``), pooled (None without such a run). Each step's two
    instants are timed separately, each to about a frame, so the two read the same period with
    independent errors; the median leaves out one mistimed instant where a run is long enough to
    outvote it (a run of three steps has one stride each way: their mean). On motion capture
    (bench/events_mocap.py --clips walk run, 48 views a seed), mean / worst cadence error, seeds
    0-4: touch-downs' span only 2.9/4.1/3.3 % and 10.1/16.2/13.4 % (seeds 0-2); touch-down and
    lift-off spans pooled 2.0/2.8/2.7/2.1/2.5 % and 7.3/11.8/10.0/9.1/12.9 %; the median half
    stride 1.6/1.8/1.5/1.9/1.9 % and 6.1/6.8/10.0/7.5/12.9 % (seeds 3-4 drawn after the choice);
    the 90th percentile under 5 % in 7 of 8 runs against 3 (seeds 0-3, static and panned views;
    docs/kinematics.md, "Cadence"). Only steps whose lift-off was seen count (:func:`swing_seen`):
    with the first touch-down of a swing cut by the clip's start counted too, the worst view of
    seed 0 went 7.3 -> 10.4 % (a front view's foot seen to stop 0.2 s early)."""
    whole = [s for s in steps if swing_seen(s)]  # a swing cut by the clip's start has no lift-off
    chains = [c for c in alternating_steps(whole) if len(c) >= MIN_CADENCE_STEPS]
    halves = [(c[i + 2].end - c[i].end) / 2 for c in chains for i in range(len(c) - 2)]
    halves += [(c[i + 2].start - c[i].start) / 2 for c in chains for i in range(len(c) - 2)]
    period = float(np.median(halves)) if halves else 0.0
    if period <= 0:
        return None
    return 60.0 / period


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


def _knee_flexion(kin: Kinematics) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.nanmean(np.stack([kin.angle("right_knee"), kin.angle("left_knee")], axis=1), axis=1)


def _hip_drop(kin: Kinematics) -> np.ndarray:
    """Depth of the hip centre below the ground line's height, % leg length (image y where the
    ground is unknown): measured from the floor, so a camera tilting during a set does not count."""
    hip = kin.point("Hip")[:, 1]
    below = hip - kin.ground if np.isfinite(kin.ground).any() else hip
    return 100.0 * below / leg_length_px(kin)


# Signals repetitions are counted on: (function, least prominence, unit).
REP_SIGNALS: dict[str, tuple[Any, float, str]] = {
    "knee_flexion": (_knee_flexion, 20.0, "deg"),
    "hip_drop": (_hip_drop, 15.0, "% leg length"),
}


def _summary(found: dict[str, list[Event]]) -> dict[str, Any]:
    reps, flights, steps = found.get("reps"), found.get("jumps"), found.get("steps")
    jumps = [e for e in flights or [] if e.kind == "jump"]
    heights = [e.values["height_m"] for e in jumps]
    steps_per_minute = cadence(steps) if steps else None
    return {
        "rep_count": None if reps is None else len(reps),
        "jump_count": None if flights is None else len(jumps),
        "drop_count": None if flights is None else sum(e.kind == "drop" for e in flights),
        "box_jump_count": None if flights is None else sum(e.kind == "box_jump" for e in flights),
        "best_jump_height_m": round(max(heights), 3) if heights else None,
        "mean_flight_time_s": round(float(np.mean([e.values["flight_time_s"] for e in jumps])), 3) if jumps else None,
        "step_count": None if steps is None else len(steps),
        "cadence_spm": None if steps_per_minute is None else round(steps_per_minute, 1),
    }


def _stature_m(kin: Kinematics) -> float | None:
    """The athlete's height in metres when the analysis was given a usable one."""
    return kin.config.height_cm / 100 if kin.scale.metres_per_pixel is not None and kin.config.height_cm else None


def contacts_of(kin: Kinematics, background: np.ndarray | None = None) -> FootContacts | None:
    """The athlete's foot contacts (:func:`.ground.foot_contacts`); None when the body was never
    seen whole enough to know its size in pixels. ``background``: (T, 2) where the background has
    moved in the picture since the first frame, source pixels (:func:`.camera.background_track`),
    by default the one the kinematics carry (:attr:`.Kinematics.background`); the feet are then
    read in background-stabilised coordinates (:meth:`.Kinematics.ground_points`), where a planted
    foot stays still while the camera pans, and the contacts' sole rows, ground line and foot
    points are in those coordinates. Neither: the picture's coordinates."""
    stature = stature_series(kin.points, kin.timestamps)
    if kin.timestamps.size < 2 or not (stature > 0).all():
        return None
    return foot_contacts(kin.ground_points(background), kin.point_confidence, kin.timestamps, stature, _stature_m(kin))


def detect_events(kin: Kinematics, movement: str = Movement.GENERAL, config: EventConfig | None = None,
                  background: np.ndarray | None = None) -> Events:
    """The events that ``movement`` (a :class:`Movement` or its value) calls for
    (:data:`MOVEMENT_EVENTS`), from one athlete's kinematics; an unknown name raises ValueError.
    ``background``: the camera's track (:func:`contacts_of`; by default the kinematics' own)."""
    movement = Movement.parse(movement)
    config = config or EventConfig()
    t, leg = kin.timestamps, leg_length_px(kin)
    contacts = contacts_of(kin, background) if {"jumps", "steps"} & set(MOVEMENT_EVENTS[movement]) else None
    found: dict[str, list[Event]] = {}
    for detector in MOVEMENT_EVENTS[movement]:
        if detector == "reps":
            compute, min_prominence, _ = REP_SIGNALS[REP_SIGNAL_FOR[movement]]
            found["reps"] = find_reps(compute(kin), t, min_prominence, config) if np.isfinite(leg) else []
        elif detector == "jumps":
            found["jumps"] = [] if contacts is None else find_jumps(contacts, _stature_m(kin), config)
        elif detector == "steps":
            found["steps"] = [] if contacts is None else find_steps(contacts, config)
    events = sorted((e for group in found.values() for e in group), key=lambda e: e.start)
    summary = _summary(found)
    if "reps" in found:
        name = REP_SIGNAL_FOR[movement]
        summary["rep_signal"] = {"name": name, "unit": REP_SIGNALS[name][2]}
    return Events(movement, tuple(events), summary)
