"""Foot contacts and the ground frame: when each foot is on the floor, and where the floor is.

A foot is **on the ground** when it is still in the picture and not held up above the other still
foot:

1. The foot's points (ankle, heel, big toe — whichever the keypoint set has) before the 6 Hz
   low-pass, low-passed at :data:`CONTACT_CUTOFF_HZ` instead. The foot's speed is the speed of its
   *slowest* point, in statures per second: a foot on the floor rolls about the point that touches
   it (heel at first, the whole sole, then the toes), and that point does not slide; in the air
   every point of the foot moves.
2. Still = slower than :data:`STILL_SPEED`, except a still foot more than
   :data:`MAX_CONTACT_HEIGHT` statures above the lowest still foot of the same frame: that one is
   held up in the air. Moving blips up to :data:`JITTER_S` between still frames are jitter and
   become still. Still runs shorter than :func:`min_contact_s` are dropped: a foot in flight
   is momentarily still at the top of its arc, for at most ``2 × STILL_SPEED × stature / g``
   seconds, and so are the still tops of flights that a camera seeing the travel end-on shows
   (:mod:`.apex`). Then runs of "moving" shorter than :data:`MIN_SWING_S` between contacts are keypoint
   noise (no real swing is that short) and become contact.

The **sole level** of a foot is the image row of its lowest heel or toe point, or where the
keypoint set has neither (COCO-18) the ankle's row plus the ankle's height above the sole
(:data:`SOLE_OFFSET`, statures). Each foot's **floor row** is its sole level while it is on the
ground, smoothed by a running median over :data:`GROUND_SMOOTH_S` of its contact frames, and
linearly interpolated across its swings (held at the clip's ends). The **ground line** (T,) is the
mean of the two feet's floor rows: the floor under the body (with the camera in front the two feet
stand at different depths and rows), and it does not jump when one foot lifts. Heights are ``ground − y`` in pixels, y up: positive above the floor.

What is assumed: a static camera, or one that pans or tilts slowly compared with a step (the
ground line follows the contact levels over time, so a slow tilt or a walk towards the camera is
followed; a fast pan makes a planted foot move in the picture, so fewer contacts are found and
fewer events are reported, never invented ones — unless the points are given in background-
stabilised coordinates, as :func:`.events.contacts_of` does where the camera's motion was measured);
a floor that is level between contacts. A clip in
which no foot is ever still has no contact levels: the ground line is then the running median of
the lowest sole over :data:`FALLBACK_WINDOW_S` (``FootContacts.from_contacts`` False).

Frames where the athlete is not tracked (no keypoint detected, even where the kinematics' gap
filling drew the points across), or where a foot's points are absent, are *unknown* for that
foot: neither on the ground nor in the air, so no event spans them.

Shapes: T frames, N named points.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.ndimage import median_filter

from inference.kinematics.apex import flight_apexes
from inference.kinematics.filters import butterworth, derivative, runs
from inference.kinematics.points import point_index

G = 9.81  # m/s²
# A 6 Hz low-pass spreads a landing's stop over ~0.1 s; impacts need higher cut-offs (Winter 2009,
# §3.4: 10-12 Hz and more for impacts); raw keypoints jitter by ~0.1-0.2 statures/s at 60 fps.
CONTACT_CUTOFF_HZ = 12.0
# Statures/s below which a foot counts as still (0.3 × 1.75 m ≈ 0.5 m/s): above the stance jitter
# of BlazePose feet at 60 fps measured on the lab clips (95th percentile ~0.2 statures/s after the
# 12 Hz low-pass), well below a swinging foot (walking swing ≈ 2.5-4 m/s at its peak, Winter 2009).
STILL_SPEED = 0.3
# Without the athlete's height, the apex bound below assumes the tallest athletes (basketball and
# volleyball players up to ~2.1 m), so no flight's apex passes for a contact.
TALLEST_STATURE_M = 2.1


def min_contact_s(stature_m: float | None = None) -> float:
    """The longest a foot can look still at the top of a flight — |v| < STILL_SPEED statures/s for
    2 v / g seconds (0.128 s at 2.1 m, 0.107 s at 1.75 m); a contact must last longer. Elite sprint
    contacts (≈ 0.09-0.1 s, Weyand et al. 2000, J Appl Physiol 89:1991) are below it and missed."""
    return 2 * STILL_SPEED * (stature_m or TALLEST_STATURE_M) / G
# Shortest swing of a foot: top-speed sprinting swings last ≈ 0.33-0.37 s (Weyand et al. 2000) and
# a 5 cm jump's flight 0.2 s (2 √(2h/g)); movement shorter than this is keypoint noise (a foot point
# jumping while the other foot passes in front of it).
MIN_SWING_S = 0.2
# A still foot higher than this (statures) above the lowest still foot is held up, not standing
# (≈ 35 cm). In a front view two feet on the floor at different depths stand on different rows: 0.1
# statures apart on the lab walk clip (left foot forward), so a smaller bound would lift one of them.
MAX_CONTACT_HEIGHT = 0.2
# Height of each foot point above the sole, statures: ankle (lateral malleolus) 0.039 H (Drillis &
# Contini via Winter 2009, Fig. 4.1); heel and toe landmarks lie on the sole's outline.
SOLE_OFFSET = {"Ankle": 0.039, "Heel": 0.0, "BigToe": 0.0}
# A foot that "moves" for less than this between still frames is jitter: keypoint noise spikes last
# 1-3 frames (1 at 30 fps) (what the kinematics' 7-sample Hampel window is made for); filled before the apex test
# below, which would otherwise break a noisy stance into pieces too short to be contacts.
JITTER_S = 0.06
GROUND_SMOOTH_S = 0.25  # running median of contact levels: keypoint jitter, not a change of floor
FALLBACK_WINDOW_S = 1.0
SIDES = {"right": "R", "left": "L"}


@dataclass(frozen=True)
class FootContacts:
    """timestamps: (T,) seconds. stature_px: (T,) the athlete's stature in pixels at each frame
    (:func:`.scale.stature_series`: it changes as the athlete nears or leaves the camera).
    contact: {"right"|"left": (T,) bool} the foot is on the ground.
    known: {side: (T,) bool} the foot's points are present (elsewhere contact says nothing).
    speed: {side: (T,) statures/s} speed of the foot's slowest point (NaN unknown).
    sole: {side: (T,) image row of the foot's sole, pixels, y down} (NaN unknown).
    ground: (T,) image row of the floor under the athlete (module docstring), NaN when the feet
        were never seen. from_contacts: False when no contact was found (running-median fallback).
    confidence: {side: (T,) mean detector confidence of the foot's points, 0 where interpolated}.
    feet: {side: (T, F, 2) the foot's F points (ankle, heel, toe: those the keypoint set has), low-
        passed at CONTACT_CUTOFF_HZ, pixels} (NaN unknown).
    """

    timestamps: np.ndarray
    stature_px: np.ndarray
    contact: dict[str, np.ndarray]
    known: dict[str, np.ndarray]
    speed: dict[str, np.ndarray]
    sole: dict[str, np.ndarray]
    ground: np.ndarray
    from_contacts: bool
    confidence: dict[str, np.ndarray]
    feet: dict[str, np.ndarray] = field(default_factory=dict)

    def height(self, side: str) -> np.ndarray:
        """(T,) the foot's sole above the ground line, statures (y up)."""
        return (self.ground - self.sole[side]) / self.stature_px


def foot_points(points: np.ndarray, side: str) -> list[tuple[str, np.ndarray]]:
    """[(point name, (T, 2))] of the foot's points that the keypoint set has (not all NaN)."""
    out = []
    for name in SOLE_OFFSET:
        xy = points[:, point_index(SIDES[side] + name)]
        if np.isfinite(xy).any():
            out.append((name, xy))
    return out


def _fill_short_false(flags: np.ndarray, known: np.ndarray, t: np.ndarray, shortest_s: float) -> np.ndarray:
    """Set to True the runs of False between two True runs that last less than ``shortest_s``
    (from their first frame to the first True frame after: each frame counts one interval) and
    hold no unknown frame."""
    out = flags.copy()
    for start, stop in runs(~flags):
        if start == 0 or stop == flags.size or not known[start:stop].all():
            continue
        if t[stop] - t[start] < shortest_s:
            out[start:stop] = True
    return out


def _drop_short_true(flags: np.ndarray, t: np.ndarray, shortest_s: float) -> np.ndarray:
    """Set to False the runs of True lasting less than ``shortest_s`` (first to last frame, plus
    one frame interval: a run of one frame lasts one interval)."""
    out = flags.copy()
    dt = float(np.median(np.diff(t))) if t.size > 1 else 0.0
    for start, stop in runs(flags):
        if t[stop - 1] - t[start] + dt < shortest_s:
            out[start:stop] = False
    return out


def _foot(points: np.ndarray, conf: np.ndarray, t: np.ndarray, stature_px: np.ndarray, side: str
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(speed statures/s, sole row px, mean confidence) of one foot, (T,) each, and its low-passed
    points (T, F, 2)."""
    feet = foot_points(points, side)
    frames = t.size
    if not feet:
        return np.full(frames, np.nan), np.full(frames, np.nan), np.zeros(frames), np.full((frames, 0, 2), np.nan)
    xy = butterworth(np.stack([p for _, p in feet], axis=1), t, CONTACT_CUTOFF_HZ)  # (T, F, 2)
    with np.errstate(all="ignore"):
        speed = np.linalg.norm(derivative(xy, t), axis=-1) / stature_px[:, None]  # (T, F)
        offsets = np.array([SOLE_OFFSET[name] for name, _ in feet])[None, :] * stature_px[:, None]
        soles = xy[..., 1] + offsets
        on_sole = np.array([SOLE_OFFSET[name] == 0.0 for name, _ in feet])
        if on_sole.any():  # the ankle stands in for the sole only where heel and toe are absent
            soles[:, ~on_sole] = np.where(np.isfinite(soles[:, on_sole]).any(axis=1, keepdims=True), np.nan, soles[:, ~on_sole])
        seen = np.isfinite(speed).any(axis=1)
        slowest = np.full(frames, np.nan)
        slowest[seen] = np.nanmin(speed[seen], axis=1)
        sole = np.full(frames, np.nan)
        has = np.isfinite(soles).any(axis=1)
        sole[has] = np.nanmax(soles[has], axis=1)
    confidence = conf[:, [point_index(SIDES[side] + name) for name, _ in feet]].mean(axis=1)
    return slowest, sole, confidence, xy


def _ground_line(contact: dict[str, np.ndarray], sole: dict[str, np.ndarray], t: np.ndarray
                 ) -> tuple[np.ndarray, bool]:
    """(T,) ground row and whether it came from contacts (module docstring)."""
    dt = float(np.median(np.diff(t))) if t.size > 1 else 1.0
    levels = []
    for side in SIDES:  # each foot's floor row, carried across its swings
        on = contact[side] & np.isfinite(sole[side])
        if on.any():
            level = median_filter(sole[side][on], size=max(1, int(round(GROUND_SMOOTH_S / dt))) | 1, mode="nearest")
            levels.append(np.interp(t, t[on], level))
    if levels:
        return np.mean(levels, axis=0), True
    lowest = np.stack([sole[s] for s in SIDES], axis=1)
    seen = np.isfinite(lowest).any(axis=1)
    if not seen.any():
        return np.full(t.size, np.nan), False
    with np.errstate(all="ignore"):
        low = np.nanmax(lowest[seen], axis=1)
    low = median_filter(low, size=max(1, int(round(FALLBACK_WINDOW_S / dt))) | 1, mode="nearest")
    return np.interp(t, t[seen], low), False


def foot_contacts(points: np.ndarray, point_confidence: np.ndarray, t: np.ndarray, stature_px: np.ndarray | float,
                  stature_m: float | None = None) -> FootContacts:
    """Contacts of both feet and the ground line (module docstring) from named points (T, N, 2)
    pixels — the gap-filled points before the 6 Hz low-pass — their confidence (T, N), timestamps
    (T,), the athlete's stature in pixels ((T,) or one value) and, when known, in metres."""
    t = np.asarray(t, np.float64)
    stature_px = np.broadcast_to(np.asarray(stature_px, np.float64), t.shape).copy()
    speed, sole, confidence, known, still, feet = {}, {}, {}, {}, {}, {}
    tracked = (point_confidence > 0).any(axis=1)  # gap filling does not make an absent athlete seen
    for side in SIDES:
        speed[side], sole[side], confidence[side], feet[side] = _foot(points, point_confidence, t, stature_px, side)
        known[side] = tracked & np.isfinite(speed[side]) & np.isfinite(sole[side])
        still[side] = known[side] & (np.nan_to_num(speed[side], nan=np.inf) < STILL_SPEED)
    stills = np.stack([np.where(still[s], sole[s], np.nan) for s in SIDES], axis=1)
    lowest = np.full(t.size, np.nan)
    any_still = np.isfinite(stills).any(axis=1)
    lowest[any_still] = np.nanmax(stills[any_still], axis=1)
    contact = {}
    for side in SIDES:
        with np.errstate(invalid="ignore"):
            held_up = (lowest - sole[side]) / stature_px > MAX_CONTACT_HEIGHT
        flags = _fill_short_false(still[side] & ~held_up, known[side], t, JITTER_S)
        contact[side] = _drop_short_true(flags, t, min_contact_s(stature_m))
    apex = flight_apexes(contact, sole, stature_px, t, GROUND_SMOOTH_S)  # still tops of flights: in the air
    for side in SIDES:
        contact[side] = _fill_short_false(contact[side] & ~apex[side], known[side], t, MIN_SWING_S)
    ground, from_contacts = _ground_line(contact, sole, t)
    return FootContacts(t, stature_px, contact, known, speed, sole, ground, from_contacts, confidence, feet)


def ground_line(points: np.ndarray, point_confidence: np.ndarray, t: np.ndarray, stature_px: np.ndarray,
                stature_m: float | None = None) -> np.ndarray:
    """(T,) image row of the floor under the athlete (NaN where unknown); see :func:`foot_contacts`.
    ``stature_px`` (T,): :func:`.scale.stature_series` (all NaN: the body was never measured)."""
    if len(t) < 2 or not (np.asarray(stature_px) > 0).all():
        return np.full(len(t), np.nan)
    return foot_contacts(points, point_confidence, t, stature_px, stature_m).ground


# A change of the contact level larger than this (statures, in image rows) between the last
# contact before a time with no foot on the ground and the first after it is a change of surface
# (off a box, onto a step), not the same floor: the same bound as MAX_CONTACT_HEIGHT, the largest
# row difference of two feet on one level floor in the dev clips (0.1 statures, lab walk front view).
SURFACE_STEP = MAX_CONTACT_HEIGHT


@dataclass(frozen=True)
class SurfaceChange:
    """The feet left one surface at ``left_s`` and touched another at ``landed_s`` (seconds);
    ``rows_down`` is how much lower in the picture the new contact level is, in statures of the
    athlete (negative: higher, e.g. onto a box). In 2D this mixes the height of the step with any
    change of distance to the camera (landing nearer the camera also lands lower in the picture),
    so it says that the surface changed, not by how many centimetres."""

    left_s: float
    landed_s: float
    rows_down: float


def surface_changes(contacts: FootContacts) -> list[SurfaceChange]:
    """Changes of surface between contact periods (any foot on the ground) separated by frames
    without a contact (a flight, or an untracked stretch), :data:`SURFACE_STEP` or more apart in
    contact level; the level of a period's end or start is the mean sole row of its feet in
    contact over :data:`GROUND_SMOOTH_S`."""
    t = contacts.timestamps
    on = np.zeros(t.size, bool)
    for side in SIDES:
        on |= contacts.contact[side] & np.isfinite(contacts.sole[side])
    periods = runs(on)
    out = []

    def level(frames: slice) -> float:
        rows = [np.where(contacts.contact[s][frames], contacts.sole[s][frames], np.nan) for s in SIDES]
        with np.errstate(all="ignore"):
            return float(np.nanmean(np.concatenate(rows) / np.tile(contacts.stature_px[frames], len(SIDES))))

    dt = float(np.median(np.diff(t))) if t.size > 1 else 1.0
    span = max(1, int(round(GROUND_SMOOTH_S / dt)))
    for (_, end), (start, stop) in zip(periods[:-1], periods[1:], strict=True):
        before = level(slice(max(0, end - span), end))
        after = level(slice(start, min(stop, start + span)))
        if np.isfinite(before) and np.isfinite(after) and abs(after - before) >= SURFACE_STEP:
            out.append(SurfaceChange(float(t[end - 1]), float(t[start]), round(after - before, 3)))
    return out
