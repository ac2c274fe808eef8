"""A DTW path as a map between the clocks of two videos, and per-frame pairs along it.

The player of video A drives; video B follows: ``map_time(t_a)`` is where B should be. A path
can hold A still while B advances (and the reverse); each distinct A frame is given the mean of
its B frames, so the map is a function, non-decreasing, that a browser interpolates linearly.

Shapes: L path steps; N, M frames of A and B; K knots of the map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TimeMap:
    """ta: (K,) strictly increasing seconds in A; tb: (K,) non-decreasing seconds in B."""

    ta: np.ndarray
    tb: np.ndarray

    def __call__(self, t: np.ndarray | float) -> np.ndarray:
        """Time in B for time(s) t in A (held at the ends)."""
        return np.interp(t, self.ta, self.tb)

    def rate(self) -> np.ndarray:
        """(K-1,) dtb/dta between knots: B's playback rate relative to A's."""
        return np.diff(self.tb) / np.diff(self.ta)

    def as_dict(self, decimals: int = 3) -> dict[str, list[float]]:
        return {"ta": np.round(self.ta, decimals).tolist(), "tb": np.round(self.tb, decimals).tolist()}


def time_map(path: np.ndarray, times_a: np.ndarray, times_b: np.ndarray) -> TimeMap:
    """The map from A's clock to B's along ``path`` (L, 2) over frames at times_a (N,) and
    times_b (M,) seconds."""
    path = np.asarray(path, np.int64)
    ta_all = np.asarray(times_a, np.float64)[path[:, 0]]
    tb_all = np.asarray(times_b, np.float64)[path[:, 1]]
    _, first = np.unique(path[:, 0], return_index=True)
    counts = np.diff(np.append(first, len(path)))
    sums = np.add.reduceat(tb_all, first)
    ta, tb = ta_all[first], sums / counts
    keep = np.append(np.diff(ta) > 0, True)  # duplicate timestamps would make the map ambiguous
    return TimeMap(ta=ta[keep], tb=np.maximum.accumulate(tb[keep]))


def decimate_map(tmap: TimeMap, max_knots: int = 600) -> TimeMap:
    """At most max_knots evenly spaced knots (first and last kept), for the page."""
    if len(tmap.ta) <= max_knots:
        return tmap
    idx = np.unique(np.linspace(0, len(tmap.ta) - 1, max_knots).round().astype(np.int64))
    return TimeMap(ta=tmap.ta[idx], tb=tmap.tb[idx])


def pairs_by_a(path: np.ndarray) -> np.ndarray:
    """(N,) for each frame i of A the (first) frame of B it is aligned with."""
    path = np.asarray(path, np.int64)
    _, first = np.unique(path[:, 0], return_index=True)
    return path[first, 1]
