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
- Issue 18's targets (recall and precision ≥ 0.9, timing error ≤ 2 frames, flight-time error
  ≤ 20 %, cadence within 5 %): recall = found / true events, precision = found / detected events
  (None where the denominator is 0); timing errors also per matched instant in frames at the clip's
  frame rate (:func:`frame_rate`), their mean and worst; the flight-time error also as a fraction of
  each matched jump's true flight, mean and worst; the cadence error as a fraction of the true
  cadence.
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
    wrong_side: matched steps whose foot differs from the truth's. timing_errors_s: every matched
    instant's |difference| (take-off and landing of each jump, each step's contact);
    flight_errors: each matched jump's |detected − true flight| / true flight."""

    found: int
    missed: int
    false: int
    timing_error_s: float | None
    flight_error_s: float | None = None
    wrong_side: int = 0
    timing_errors_s: tuple[float, ...] = ()
    flight_errors: tuple[float, ...] = ()

    @property
    def recall(self) -> float | None:
        """Found over true events; None when the truth has none."""
        true = self.found + self.missed
        return self.found / true if true else None

    @property
    def precision(self) -> float | None:
        """Found over detected events; None when nothing was detected."""
        detected = self.found + self.false
        return self.found / detected if detected else None

    def timing_frames(self, fps: float) -> tuple[float, float] | None:
        """(mean, worst) timing error in frames at ``fps``; None without matches."""
        if not self.timing_errors_s:
            return None
        frames = np.asarray(self.timing_errors_s) * fps
        return float(frames.mean()), float(frames.max())

    @property
    def flight_error_fraction(self) -> tuple[float, float] | None:
        """(mean, worst) flight-time error as a fraction of the true flight; None without matches."""
        if not self.flight_errors:
            return None
        return float(np.mean(self.flight_errors)), float(np.max(self.flight_errors))


def score_jumps(detected: Sequence[tuple[float, float]], true: Sequence[tuple[float, float]],
                tolerance: float = MATCH_TOLERANCE_S) -> EventScores:
    """Jumps as (take-off, landing) seconds."""
    pairs = match_events(detected, true, tolerance)
    timing = [abs(detected[i][k] - true[j][k]) for i, j in pairs for k in (0, 1)]
    flight = [abs((detected[i][1] - detected[i][0]) - (true[j][1] - true[j][0])) for i, j in pairs]
    relative = [f / (true[j][1] - true[j][0]) for f, (_, j) in zip(flight, pairs, strict=True) if true[j][1] > true[j][0]]
    return EventScores(found=len(pairs), missed=len(true) - len(pairs), false=len(detected) - len(pairs),
                       timing_error_s=float(np.mean(timing)) if timing else None,
                       flight_error_s=float(np.mean(flight)) if flight else None,
                       timing_errors_s=tuple(timing), flight_errors=tuple(relative))  # fmt: skip


def score_steps(detected: Sequence[tuple[float, str]], true: Sequence[tuple[float, str]],
                tolerance: float = MATCH_TOLERANCE_S) -> EventScores:
    """Steps as (contact time, foot) — foot "left"/"right" ("" unknown)."""
    pairs = match_events([(t,) for t, _ in detected], [(t,) for t, _ in true], tolerance)
    timing = [abs(detected[i][0] - true[j][0]) for i, j in pairs]
    wrong = sum(1 for i, j in pairs if detected[i][1] and true[j][1] and detected[i][1] != true[j][1])
    return EventScores(found=len(pairs), missed=len(true) - len(pairs), false=len(detected) - len(pairs),
                       timing_error_s=float(np.mean(timing)) if timing else None, wrong_side=wrong,
                       timing_errors_s=tuple(timing))  # fmt: skip


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


def cadence_error_fraction(detected_spm: float | None, true_contacts: Sequence[float]) -> float | None:
    """|detected − true| / true cadence; None when either is undefined."""
    error, true_spm = cadence_error(detected_spm, true_contacts), cadence_spm(true_contacts)
    return None if error is None or not true_spm else error / true_spm


def frame_rate(timestamps: np.ndarray) -> float | None:
    """Frames per second of a clip: 1 / the median interval of its timestamps (T,) seconds; None
    for fewer than two frames."""
    t = np.asarray(timestamps, np.float64)
    if t.size < 2:
        return None
    dt = float(np.median(np.diff(t)))
    return 1.0 / dt if dt > 0 else None
