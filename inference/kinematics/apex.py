"""The still top of a flight mistaken for a foot contact, found and given back to the flight.

:func:`inference.kinematics.ground.foot_contacts` calls a foot on the ground where its points are
still in the picture. At the top of a flight the feet stop rising before they fall, and where the
camera sees the athlete's forward travel end-on (a jump towards or away from it) nothing else moves
them in the picture: on motion capture of a 22 cm forward jump seen from behind at eye level
(``bench/events_mocap.py``, jump clip) both feet looked still for ~0.27 s at the top, longer than
the ballistic bound ``min_contact_s`` allows for (the feet also move against the falling body: a
tuck), so the flight split into two short swings and no jump was found.

:func:`.ground.foot_contacts` drops these before it turns short swings into contacts. Such a
"contact" differs from a real one in three ways, all required here (:func:`flight_apexes`):

- it is higher in the picture than the same foot's contacts just before and just after it, by more
  than :data:`APEX_RISE` statures (above a planted foot's keypoint scatter). Walking or running towards the camera moves each contact lower in the picture than the
  last (or higher, going away), never above both neighbours;
- the other foot is not on the ground meanwhile, except at its own such top (both feet are in the
  air in a flight; stepping up onto a stair, the other foot stands below);
- it is shorter than :data:`APEX_MAX_S`.

Shapes: T frames.
"""

from __future__ import annotations

import numpy as np

from inference.kinematics.filters import runs

# Longest still top of a flight: ~0.27 s measured (module docstring), below the ~0.42 s flight it
# came from; standing between two jumps (on a box, or rebounding) usually lasts longer. A reactive
# rebound shorter than this onto a higher surface would be read as one flight.
APEX_MAX_S = 0.35
# Statures above the neighbouring contacts (≈ 4.4 cm at 1.75 m): above the 95th percentile of a
# planted foot's sole-row scatter on every dev clip (≤ 0.023), as events.LIFT_HEIGHT.
APEX_RISE = 0.025
SIDES = ("right", "left")


def _level(sole: np.ndarray, frames: np.ndarray) -> float:
    """Median sole row (pixels, y down) over the given frames (NaN if none)."""
    rows = sole[frames]
    rows = rows[np.isfinite(rows)]
    return float(np.median(rows)) if rows.size else float("nan")


def _candidates(on: np.ndarray, sole: np.ndarray, stature_px: np.ndarray, t: np.ndarray, window_s: float
                ) -> list[tuple[int, int]]:
    """Contact runs [first, stop) of one foot between two swings, shorter than APEX_MAX_S, whose sole
    is more than APEX_RISE statures above the foot's contacts within ``window_s`` before and after
    them."""
    spans = runs(on)
    frames = np.arange(t.size)
    out = []
    for k in range(1, len(spans) - 1):
        first, stop = spans[k]
        if t[stop - 1] - t[first] >= APEX_MAX_S:
            continue
        (b_first, b_stop), (a_first, a_stop) = spans[k - 1], spans[k + 1]
        before = _level(sole, frames[b_first:b_stop][t[b_first:b_stop] >= t[b_stop - 1] - window_s])
        after = _level(sole, frames[a_first:a_stop][t[a_first:a_stop] <= t[a_first] + window_s])
        here = _level(sole, frames[first:stop])
        if min(before - here, after - here) / float(np.median(stature_px[first:stop])) > APEX_RISE:
            out.append((first, stop))
    return out


def flight_apexes(contact: dict[str, np.ndarray], sole: dict[str, np.ndarray], stature_px: np.ndarray,
                  t: np.ndarray, window_s: float) -> dict[str, np.ndarray]:
    """{side: (T,) bool} the contact frames that are the still top of a flight (module docstring).
    contact / sole: {"right"|"left": (T,)} a foot's contact flags and its sole's image row (pixels,
    y down); stature_px (T,); t (T,) seconds; window_s: how far into the neighbouring contacts
    their level is taken."""
    candidate = {side: np.zeros(t.size, bool) for side in SIDES}
    for side in SIDES:
        for first, stop in _candidates(contact[side], sole[side], stature_px, t, window_s):
            candidate[side][first:stop] = True
    apex = {side: np.zeros(t.size, bool) for side in SIDES}
    for side in SIDES:
        other = "left" if side == "right" else "right"
        for first, stop in runs(candidate[side]):
            if not (contact[other][first:stop] & ~candidate[other][first:stop]).any():
                apex[side][first:stop] = True
    return apex
