"""Per-joint differences between two aligned performances, per phase, named in words.

Phases are cut on A (the performance B is compared with):

- "rep" (and a segment of a movement that counts repetitions, :func:`counts_reps`, whose knee
  flexion swings by more than :data:`MIN_SWING_DEG`): descent, bottom, ascent around the deepest
  knee flexion; the bottom is where the flexion is within :data:`BOTTOM_SHARE` of its range from
  the deepest;
- "jump": preparation before take-off, flight, landing (from the event's flight times);
- otherwise: start, middle, end thirds. These are thirds of the segment's time, not phases of
  the movement (a general clip, a walk, a dance define none): the differences are grouped by them,
  but :func:`movement_phases` leaves them out of what is drawn as phases.

Each difference is the mean of angle_B[j] - angle_A[i] over the DTW pairs (i, j) whose i lies
in the phase, in degrees; the sign is named with the angle's convention (inference.kinematics
.angles: flexion +; trunk 90° upright, less is leaning forward).

Shapes: N, M frames of A and B; L path steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from inference.compare.segments import Segment
from inference.kinematics.angles import PLAUSIBLE
from inference.kinematics.events import MOVEMENT_EVENTS
from inference.movements import Movement

# Angles aligned by DTW (the timing of the movement) and those compared (also the arms).
ALIGN_ANGLES = ("left_knee", "right_knee", "left_hip", "right_hip", "left_ankle", "right_ankle", "trunk")
COMPARE_ANGLES = ALIGN_ANGLES + ("left_shoulder", "right_shoulder", "left_elbow", "right_elbow")
# Words for a positive and a negative difference (B minus A), per joint.
WORDS: dict[str, tuple[str, str]] = {
    "knee": ("more flexed", "less flexed"), "hip": ("more flexed", "less flexed"),
    "ankle": ("more dorsiflexed", "less dorsiflexed"), "elbow": ("more flexed", "less flexed"),
    "shoulder": ("more flexed (arm further forward)", "less flexed (arm further back)"),
    "trunk": ("more upright", "leaning further forward"),
}  # fmt: skip
PHASES: dict[str, tuple[tuple[str, str], ...]] = {
    "rep": (("descent", "during the descent"), ("bottom", "at the bottom"), ("ascent", "during the ascent")),
    "jump": (("preparation", "before take-off"), ("flight", "in the air"), ("landing", "on landing")),
    "even": (("start", "at the start"), ("middle", "in the middle"), ("end", "at the end")),
}  # fmt: skip
# The phases a movement defines (drawn over the compare chart); PHASES["even"] are only time thirds.
MOVEMENT_PHASE_KINDS = ("rep", "jump")
MIN_SWING_DEG = 25.0
BOTTOM_SHARE = 0.15
MIN_NAMED_DEG = 5.0  # smaller differences are within what 2D pose estimation can tell apart
MAX_NAMED = 6


@dataclass(frozen=True)
class Phase:
    name: str
    phrase: str
    start: int  # first frame of A (inclusive)
    end: int  # last frame of A (exclusive)


def _thirds(n: int, names: tuple[tuple[str, str], ...], cuts: tuple[int, int]) -> list[Phase]:
    bounds = (0, *cuts, n)
    return [Phase(name, phrase, bounds[k], bounds[k + 1])
            for k, (name, phrase) in enumerate(names) if bounds[k + 1] > bounds[k]]


def counts_reps(action: str) -> bool:
    """Whether ``action`` is a movement whose events are repetitions (inference.kinematics.events
    MOVEMENT_EVENTS), the movements that have a descent, a bottom and an ascent."""
    try:
        movement = Movement(action)
    except ValueError:  # an action model's label that is not a movement (kick, punch, …)
        return False
    return "reps" in MOVEMENT_EVENTS[movement]


def movement_phases(phase_list: list[Phase]) -> list[Phase]:
    """The phases of ``phase_list`` that its movement defines (a rep's or a jump's), without the
    time thirds of a segment whose movement defines none."""
    names = {name for kind in MOVEMENT_PHASE_KINDS for name, _ in PHASES[kind]}
    return [p for p in phase_list if p.name in names]


def phases(segment: Segment, times: np.ndarray, knee_flexion: np.ndarray) -> list[Phase]:
    """Phases of A's segment: times (N,) seconds, knee_flexion (N,) degrees (NaN allowed)."""
    n = len(times)
    if segment.kind == "jump" and segment.core:
        take_off, landing = np.searchsorted(times, segment.core)
        return _thirds(n, PHASES["jump"], (int(take_off), int(landing)))
    flex = np.asarray(knee_flexion, np.float64)
    seen = np.isfinite(flex)
    swing = float(np.ptp(flex[seen])) if seen.sum() > 2 else 0.0
    if segment.kind == "rep" or (counts_reps(segment.action) and swing >= MIN_SWING_DEG):
        if swing > 0:
            deepest = int(np.nanargmax(flex))
            low = np.nanmax(flex) - BOTTOM_SHARE * swing
            bottom = np.where(seen, flex >= low, False)
            lo = deepest
            while lo > 0 and bottom[lo - 1]:
                lo -= 1
            hi = deepest + 1
            while hi < n and bottom[hi]:
                hi += 1
            return _thirds(n, PHASES["rep"], (lo, hi))
    return _thirds(n, PHASES["even"], (n // 3, 2 * n // 3))


def _joint(name: str) -> str:
    return name.split("_", 1)[-1]


def describe(name: str, diff: float, phrase: str) -> str:
    """"left knee 12° less flexed at the bottom"."""
    positive, negative = WORDS[_joint(name)]
    return f"{name.replace('_', ' ')} {abs(diff):.0f}° {positive if diff > 0 else negative} {phrase}"


def _anatomical(name: str, degrees: np.ndarray) -> np.ndarray:
    """Unwrapped angles brought into their joint's plausible interval [low, low + 360)."""
    low = PLAUSIBLE.get(_joint(name), (-180.0, 180.0))[0]
    return low + (degrees - low) % 360.0


def differences(path: np.ndarray, angles_a: dict[str, np.ndarray], angles_b: dict[str, np.ndarray],
                phase_list: list[Phase]) -> list[dict[str, Any]]:
    """[{"angle", "phase", "a", "b", "difference", "text"}] for every angle measured in both
    (angles_*: name → (N,) / (M,) degrees) and phase; a and b are the phase means."""
    path = np.asarray(path, np.int64)
    rows = []
    for name in COMPARE_ANGLES:
        if name not in angles_a or name not in angles_b:
            continue
        va, vb = angles_a[name][path[:, 0]], angles_b[name][path[:, 1]]
        for phase in phase_list:
            inside = (path[:, 0] >= phase.start) & (path[:, 0] < phase.end)
            ok = inside & np.isfinite(va) & np.isfinite(vb)
            if ok.sum() < 2:
                continue
            # Shoulders are unwrapped over time, so two clips can differ by whole turns: both
            # are compared in the joint's anatomical interval.
            a = float(_anatomical(name, va[ok]).mean())
            b = float(_anatomical(name, vb[ok]).mean())
            diff = b - a
            rows.append({"angle": name, "phase": phase.name, "a": round(a, 1), "b": round(b, 1),
                         "difference": round(diff, 1), "text": describe(name, diff, phase.phrase)})
    return rows


def named(rows: list[dict[str, Any]], limit: int = MAX_NAMED) -> list[dict[str, Any]]:
    """The largest differences worth saying (at least :data:`MIN_NAMED_DEG`), largest first."""
    big = [r for r in rows if abs(r["difference"]) >= MIN_NAMED_DEG]
    return sorted(big, key=lambda r: -abs(r["difference"]))[:limit]
