"""Measure scores: joint angles outside their anatomical interval, jumps and steps against the
true ones, flight time and cadence.

- Angles: every finite sample of an angle that has an interval counts; it is outside when below
  its low or above its high bound. The intervals come from the caller (the kinematics module's
  ``AngleDef.plausible``), so there is one definition of them.
- Events are matched one to one, greedily by increasing time difference, within
  :data:`MATCH_TOLERANCE_S`: a jump's difference is the larger of its take-off's and its landing's
  differences; a step's is the difference of its foot contact (the detector's touch-down). Found =
  matched true events, missed = true events left, false = detected events left. Timing error: the
  mean absolute difference over the matched take-offs and landings (jumps) or contacts (steps);
  flight-time error: mean |detected flight − true flight| over matched jumps.
- Cadence: steps per minute between the first and the last contact, (n − 1) / span, as
  ``inference.kinematics.events.cadence`` computes it; the error is |detected − true|.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MATCH_TOLERANCE_S = 0.15


@dataclass(frozen=True)
class AngleScores:
    samples: int
    outside: int
    worst: str | None  # the angle with the largest share outside
    worst_share: float

    @property
    def share(self) -> float | None:
        return self.outside / self.samples if self.samples else None


def angles_outside(angles: np.ndarray, names: Sequence[str], intervals: dict[str, tuple[float, float]]) -> AngleScores:
    """angles (T, A) degrees with column ``names`` (A,); ``intervals`` {name: (low, high)}."""
    samples = outside = 0
    worst, worst_share = None, 0.0
    for a, name in enumerate(names):
        if name not in intervals:
            continue
        values = angles[:, a][np.isfinite(angles[:, a])]
        low, high = intervals[name]
        out = int(((values < low) | (values > high)).sum())
        samples += values.size
        outside += out
        if values.size and out / values.size > worst_share:
            worst, worst_share = name, out / values.size
    return AngleScores(samples, outside, worst, worst_share)


def match_events(detected: Sequence[Sequence[float]], true: Sequence[Sequence[float]],
                 tolerance: float = MATCH_TOLERANCE_S) -> list[tuple[int, int]]:
    """One-to-one pairs (detected index, true index) of events given as tuples of times, whose
    largest time difference is within ``tolerance``, closest pairs first."""
    pairs = sorted(
        (max(abs(a - b) for a, b in zip(d, t, strict=True)), i, j)
        for i, d in enumerate(detected) for j, t in enumerate(true)
    )  # fmt: skip
    used_d: set[int] = set()
    used_t: set[int] = set()
    out = []
    for gap, i, j in pairs:
        if gap <= tolerance and i not in used_d and j not in used_t:
            used_d.add(i)
            used_t.add(j)
            out.append((i, j))
    return sorted(out)


@dataclass(frozen=True)
class EventScores:
    """found / missed / false counts; timing_error_s and flight_error_s None without matches;
    wrong_side: matched steps whose foot differs from the truth's."""

    found: int
    missed: int
    false: int
    timing_error_s: float | None
    flight_error_s: float | None = None
    wrong_side: int = 0


def score_jumps(detected: Sequence[tuple[float, float]], true: Sequence[tuple[float, float]],
                tolerance: float = MATCH_TOLERANCE_S) -> EventScores:
    """Jumps as (take-off, landing) seconds."""
    pairs = match_events(detected, true, tolerance)
    timing = [abs(detected[i][k] - true[j][k]) for i, j in pairs for k in (0, 1)]
    flight = [abs((detected[i][1] - detected[i][0]) - (true[j][1] - true[j][0])) for i, j in pairs]
    return EventScores(found=len(pairs), missed=len(true) - len(pairs), false=len(detected) - len(pairs),
                       timing_error_s=float(np.mean(timing)) if timing else None,
                       flight_error_s=float(np.mean(flight)) if flight else None)  # fmt: skip


def score_steps(detected: Sequence[tuple[float, str]], true: Sequence[tuple[float, str]],
                tolerance: float = MATCH_TOLERANCE_S) -> EventScores:
    """Steps as (contact time, foot) — foot "left"/"right" ("" unknown)."""
    pairs = match_events([(t,) for t, _ in detected], [(t,) for t, _ in true], tolerance)
    timing = [abs(detected[i][0] - true[j][0]) for i, j in pairs]
    wrong = sum(1 for i, j in pairs if detected[i][1] and true[j][1] and detected[i][1] != true[j][1])
    return EventScores(found=len(pairs), missed=len(true) - len(pairs), false=len(detected) - len(pairs),
                       timing_error_s=float(np.mean(timing)) if timing else None, wrong_side=wrong)  # fmt: skip


def cadence_spm(contacts: Sequence[float]) -> float | None:
    """Steps per minute between the first and last contact; None for fewer than two."""
    times = sorted(contacts)
    if len(times) < 2 or times[-1] <= times[0]:
        return None
    return 60.0 * (len(times) - 1) / (times[-1] - times[0])


def cadence_error(detected_spm: float | None, true_contacts: Sequence[float]) -> float | None:
    """|detected − true| steps per minute; None when either is undefined."""
    true_spm = cadence_spm(true_contacts)
    if detected_spm is None or true_spm is None:
        return None
    return abs(detected_spm - true_spm)
