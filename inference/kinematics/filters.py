"""Cleaning of time series sampled at video timestamps: Hampel outlier rejection, gap filling,
zero-phase Butterworth low-pass, unwrapping and derivatives.

All functions take time along axis 0: x (T,) or (T, C) with any trailing channel axes, NaN where a
value is absent, and timestamps t (T,) seconds (presentation timestamps, possibly irregular).

Irregular timestamps: a digital Butterworth filter assumes a constant sample rate. When the
intervals between timestamps vary by more than :data:`IRREGULAR_TOLERANCE` of their median (variable
frame rate phone video, dropped frames), :func:`butterworth` interpolates each series linearly onto
a uniform grid at the median interval, filters there and interpolates back to the original
timestamps; otherwise it filters the samples as they are.

Sources: Hampel (1974), JASA 69(346), with the MAD scaled by 1.4826 to estimate a standard
deviation (Pearson et al., 2016, "Generalized Hampel filters", EURASIP J. Adv. Signal Process.);
Winter (2009), Biomechanics and Motor Control of Human Movement, 4th ed., §3.4 (low-pass filtering
of marker data, dual-pass for zero phase lag, 6 Hz typical for gait); SciPy's ``butter`` and
``sosfiltfilt``.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import signal

IRREGULAR_TOLERANCE = 0.05
MAD_TO_SIGMA = 1.4826
HAMPEL_CHUNK = 8  # channels per block


def _as_2d(x: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
    x = np.asarray(x, np.float64)
    return x.reshape(x.shape[0], -1), x.shape


def runs(valid: np.ndarray) -> list[tuple[int, int]]:
    """Start and stop (exclusive) of each run of True in a (T,) boolean array."""
    edges = np.diff(np.concatenate(([0], valid.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def hampel(x: np.ndarray, window: int = 7, n_sigma: float = 3.0) -> np.ndarray:
    """Replace outliers by the median of their window.

    A sample is an outlier when it differs from the median of the ``window`` samples centred on it
    by more than ``n_sigma`` × 1.4826 × MAD of that window. Windows that hold a NaN, and the
    half-window at each end, are left as they are. Returns an array of x's shape.
    """
    flat, shape = _as_2d(x)
    half = window // 2
    out = flat.copy()
    cols = np.flatnonzero(np.isfinite(flat).any(axis=0))  # all-NaN channels: nothing to do
    if flat.shape[0] < 2 * half + 1 or cols.size == 0:
        return out.reshape(shape)
    # Channel-major float32 so each window is contiguous, a few channels at a time so the (C, T, W)
    # temporaries stay small (5x faster than time-major float64 on 10-minute clips); windows holding
    # a NaN are masked out, so no NaN-aware median is needed.
    data = np.ascontiguousarray(flat[:, cols].T, dtype=np.float32)  # (C, T)
    inner = slice(half, flat.shape[0] - half)
    for first in range(0, cols.size, HAMPEL_CHUNK):
        chunk = slice(first, first + HAMPEL_CHUNK)
        ordered = np.sort(sliding_window_view(data[chunk], 2 * half + 1, axis=1), axis=-1)  # (c, T-2h, W)
        median = ordered[..., half]
        mad = np.partition(np.abs(ordered - median[..., None]), half, axis=-1)[..., half]
        centre = flat[inner, cols[chunk]].T
        outlier = ~np.isnan(ordered).any(axis=-1) & (np.abs(centre - median) > n_sigma * MAD_TO_SIGMA * mad)
        out[inner, cols[chunk]] = np.where(outlier, median, centre).T
    return out.reshape(shape)


def fill_gaps(x: np.ndarray, t: np.ndarray, max_gap_s: float = 0.25) -> np.ndarray:
    """Linear interpolation over interior gaps lasting at most ``max_gap_s`` seconds (from the last
    sample before to the first after); longer gaps and the ends stay NaN."""
    flat, shape = _as_2d(x)
    t = np.asarray(t, np.float64)
    out = flat.copy()
    for c in range(flat.shape[1]):
        col = flat[:, c]
        good = np.isfinite(col)
        if good.all() or good.sum() < 2:
            continue
        idx = np.flatnonzero(good)
        before = np.searchsorted(idx, np.arange(col.size)) - 1  # last good sample before
        inside = (~good) & (before >= 0) & (before < idx.size - 1)
        span = np.zeros(col.size)
        span[inside] = t[idx[before[inside] + 1]] - t[idx[before[inside]]]
        fill = inside & (span <= max_gap_s + 1e-9)
        out[fill, c] = np.interp(t[fill], t[idx], col[idx])
    return out.reshape(shape)


def is_regular(t: np.ndarray) -> bool:
    """True when every interval is within :data:`IRREGULAR_TOLERANCE` of the median interval."""
    dt = np.diff(np.asarray(t, np.float64))
    if dt.size == 0:
        return True
    median = np.median(dt)
    return bool(np.all(np.abs(dt - median) <= IRREGULAR_TOLERANCE * median))


def _filter_run(y: np.ndarray, sos: np.ndarray, zi: np.ndarray) -> np.ndarray:
    """Forward-backward ``sosfilt`` along axis 0 of a gap-free (n, C) run with odd extension at
    both ends and steady-state initial conditions — what ``scipy.signal.sosfiltfilt`` does, with
    ``zi = sosfilt_zi(sos)`` computed once per call of :func:`butterworth` rather than per run.
    Runs too short to pad stay as they are."""
    n = y.shape[0]
    if n < 4:
        return y
    pad = min(3 * (2 * len(sos) + 1), n - 1)
    ext = np.concatenate([2 * y[:1] - y[pad:0:-1], y, 2 * y[-1:] - y[-2 : -pad - 2 : -1]])
    forward, _ = signal.sosfilt(sos, ext, axis=0, zi=zi[:, :, None] * ext[:1])
    backward, _ = signal.sosfilt(sos, forward[::-1], axis=0, zi=zi[:, :, None] * forward[-1:])
    return backward[::-1][pad : pad + n]


def butterworth(x: np.ndarray, t: np.ndarray, cutoff_hz: float = 6.0, order: int = 4) -> np.ndarray:
    """Zero-phase Butterworth low-pass (forward and backward passes, so the effective order is
    2 × ``order`` and the -3 dB point of one pass becomes -6 dB at ``cutoff_hz``).

    Each run of frames where a channel is finite is filtered on its own (NaN gaps stay NaN).
    Irregular timestamps are handled by resampling (module docstring). A cut-off at or above the
    Nyquist frequency leaves x unchanged.
    """
    flat, shape = _as_2d(x)
    t = np.asarray(t, np.float64)
    if flat.shape[0] < 4:
        return flat.reshape(shape).copy()
    dt = float(np.median(np.diff(t)))
    fs = 1.0 / dt
    if cutoff_hz >= fs / 2:
        return flat.reshape(shape).copy()
    sos = signal.butter(order, cutoff_hz, btype="low", fs=fs, output="sos")
    zi = signal.sosfilt_zi(sos)
    regular = is_regular(t)
    out = np.full_like(flat, np.nan)
    groups: dict[tuple[bool, ...], list[int]] = {}
    for c in range(flat.shape[1]):  # channels that share a NaN pattern are filtered together
        groups.setdefault(tuple(np.isfinite(flat[:, c])), []).append(c)
    for pattern, cols in groups.items():
        for start, stop in runs(np.array(pattern)):
            seg, ts = flat[start:stop][:, cols], t[start:stop]
            if regular:
                out[start:stop, cols] = _filter_run(seg, sos, zi)
                continue
            grid = np.arange(ts[0], ts[-1] + dt / 2, dt)
            uniform = np.stack([np.interp(grid, ts, seg[:, j]) for j in range(len(cols))], axis=1)
            smooth = _filter_run(uniform, sos, zi)
            out[start:stop, cols] = np.stack(
                [np.interp(ts, grid, smooth[:, j]) for j in range(len(cols))], axis=1
            )
    return out.reshape(shape)


def unwrap_degrees(x: np.ndarray) -> np.ndarray:
    """Remove ±360° jumps along time within each run of consecutive finite samples; each run
    starts at its own first value. A turn is counted only where it was seen: across a NaN gap
    (longer than the gaps the cleaning fills) nobody knows which way, or how often, the segment
    turned, and carrying the count over made an upright trunk read −270° after a gap (a 381°
    "range" on basketball_pan_240p.mp4)."""
    flat, shape = _as_2d(x)
    out = flat.copy()
    for c in range(flat.shape[1]):
        good = np.isfinite(flat[:, c])
        edges = np.flatnonzero(np.diff(np.concatenate([[False], good, [False]]).astype(np.int8)))
        for start, stop in zip(edges[::2], edges[1::2], strict=True):
            if stop - start > 1:
                out[start:stop, c] = np.degrees(np.unwrap(np.radians(flat[start:stop, c])))
    return out.reshape(shape)


def derivative(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """d x / d t along axis 0 by second-order central differences on the actual timestamps
    (one-sided at the ends and next to NaN gaps, NaN where a sample or both neighbours are NaN)."""
    flat, shape = _as_2d(x)
    t = np.asarray(t, np.float64)
    out = np.full_like(flat, np.nan)
    if flat.shape[0] < 2:
        return out.reshape(shape)
    forward = np.diff(flat, axis=0) / np.diff(t)[:, None]  # (T-1, C) between samples
    # Non-uniform central difference (np.gradient's second-order formula).
    h1, h2 = np.diff(t)[:-1, None], np.diff(t)[1:, None]
    central = (h1 * forward[1:] + h2 * forward[:-1]) / (h1 + h2)
    out[1:-1] = central
    back, ahead = forward[:-1], forward[1:]
    out[1:-1] = np.where(np.isfinite(central), central, np.where(np.isfinite(back), back, ahead))
    out[0], out[-1] = forward[0], forward[-1]
    out[~np.isfinite(flat)] = np.nan
    return out.reshape(shape)
