"""Synchronisation of two or more dancers: who is early or late against the group (or a lead
dancer), how alike their poses are at matched moments, and a sync score over time.

Offsets come from windowed cross-correlation of the dancers' limb-motion signals (per-limb speed
in body units/s, :mod:`inference.dance.motion`): for each window, the lag that best lines a dancer's
limb motion up with the reference's (all limbs at once, Pearson), refined between samples by a
parabola through the correlation peak — so an offset is not limited to whole frames. Positive:
the dancer moves after the reference (late).

Mirrored choreography (one dancer's left is the other's right) is detected by correlating with
the limbs swapped left↔right as well: a dancer whose swapped correlation is clearly higher
(MIRROR_MARGIN) is compared mirrored, signals and poses alike.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from inference.dance.motion import (
    LIMB_MIRROR,
    LIMB_NAMES,
    LIMBS,
    MIN_MOTION,
    POINT_MIRROR,
    POINTS,
    Dancer,
    peak_offset,
)

MAX_LAG_S = 0.5  # the largest offset looked for: half a beat at 60 BPM
WINDOW_COUNTS = 4  # offsets per half phrase ("counts 5-8") when there are beats
WINDOW_S = 2.0  # without beats: 2-s windows (four counts at 120 BPM)
SCORE_WINDOW_S, SCORE_STEP_S = 2.0, 0.25  # the sync-score curve
MIN_OVERLAP = 0.6  # share of a window both signals must be seen in
MIRROR_MARGIN = 0.1  # swapped correlation this much above the plain one: mirrored
# An offset is reported only where the limb motions match at least this well: r = 0.5 shares a
# quarter of the variance (r² = 0.25), the usual floor of a "moderate" correlation. Below it the
# dancers are not doing the same thing and any lag would be a guess.
MIN_CORRELATION = 0.5
_LIMB_POINT_INDEX = [[POINTS.index(p) for p in LIMBS[n]] for n in LIMB_NAMES]


@dataclass(frozen=True)
class Window:
    start: float
    end: float
    label: str
    phrase: int | None = None  # 1-based phrase of eight counts when windows follow the beats


def windows(grid: np.ndarray, beats: np.ndarray | None) -> list[Window]:
    """Half phrases (four counts) of the beats when there are more than four, else WINDOW_S
    windows; a last piece shorter than half a window joins the one before. A half phrase runs
    from half a beat before its first count to half a beat before the next half phrase's, so
    each count's movement falls inside its own window."""
    if beats is not None and len(beats) > WINDOW_COUNTS:
        half = float(np.median(np.diff(beats))) / 2
        out = []
        for start in range(0, len(beats), WINDOW_COUNTS):
            last = min(start + WINDOW_COUNTS, len(beats)) - 1
            first = start % 8 + 1
            counts = f"counts {first}–{first + last - start}" if last > start else f"count {first}"
            out.append(Window(float(beats[start]) - half, float(beats[last]) + half,
                              f"phrase {start // 8 + 1}, {counts}", start // 8 + 1))  # fmt: skip
        return out
    t0, t1 = float(grid[0]), float(grid[-1])
    edges = list(np.arange(t0, t1, WINDOW_S)) + [t1]
    if len(edges) > 2 and edges[-1] - edges[-2] < WINDOW_S / 2:
        edges.pop(-2)
    return [Window(a, b, f"{a:.1f}–{b:.1f} s") for a, b in zip(edges, edges[1:], strict=False)]


def _pearson(x: np.ndarray, y: np.ndarray, min_samples: int) -> float | None:
    """Correlation of two (N, C) multi-channel signals: each channel centred over the samples
    where both are seen, then all channels pooled. None with fewer than ``min_samples`` samples
    seen in both, in each of at least two channels (a dancer whose face is never seen still has
    four limbs)."""
    both = np.isfinite(x) & np.isfinite(y)
    used = both.sum(axis=0) >= max(min_samples, 3)
    if used.sum() < 2:
        return None
    num = sx = sy = 0.0
    for c in np.flatnonzero(used):
        a, b = x[both[:, c], c], y[both[:, c], c]
        a, b = a - a.mean(), b - b.mean()
        num, sx, sy = num + float(a @ b), sx + float(a @ a), sy + float(b @ b)
    den = float(np.sqrt(sx * sy))
    return None if den <= 1e-12 else num / den


def xcorr_lag(x: np.ndarray, y: np.ndarray, i0: int, i1: int, max_lag: int) -> tuple[float, float] | None:
    """The lag (samples, sub-sample) at which x[i0:i1] (N, C) best matches y shifted, and the
    correlation there: x(t) ≈ y(t - lag). None when the window is not seen well enough."""
    need = int(MIN_OVERLAP * (i1 - i0))
    lags = np.arange(-max_lag, max_lag + 1)
    r = np.full(len(lags), np.nan)
    for k, lag in enumerate(lags.tolist()):
        a0, a1 = max(i0, lag, 0), min(i1, len(y) + lag)
        if a1 - a0 < need:
            continue
        value = _pearson(x[a0:a1], y[a0 - lag : a1 - lag], need)
        r[k] = np.nan if value is None else value
    if not np.isfinite(r).any():
        return None
    k = int(np.nanargmax(r))
    if not 0 < k < len(r) - 1 or not (np.isfinite(r[k - 1]) and np.isfinite(r[k + 1])):
        return None  # the best match is at the end of the search: no peak inside it
    return float(lags[k] + peak_offset(r[k - 1], r[k], r[k + 1])), float(r[k])


def _reference(signals: dict[int, np.ndarray], dancer: int, lead: int | None) -> np.ndarray:
    """The lead's signals, or the mean of every other dancer's (NaN where none is seen)."""
    if lead is not None:
        return signals[lead]
    others = np.stack([s for track, s in signals.items() if track != dancer])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN where nobody else is seen
        return np.nanmean(others, axis=0)


def mirrored(dancer: Dancer, anchor: Dancer, dt: float) -> bool:
    """Whether ``dancer`` mirrors ``anchor`` over the whole video (see the module docstring)."""
    n, lag = len(dancer.speed), int(round(MAX_LAG_S / dt))
    plain = xcorr_lag(dancer.speed, anchor.speed, 0, n, lag)
    swapped = xcorr_lag(dancer.speed[:, list(LIMB_MIRROR)], anchor.speed, 0, n, lag)
    if swapped is None or swapped[1] < MIN_CORRELATION:
        return False
    return plain is None or swapped[1] > plain[1] + MIRROR_MARGIN


def mirror_poses(poses: np.ndarray) -> np.ndarray:
    """(N, J, 2) normalised poses as seen in a mirror: sides swapped, x negated."""
    out = poses[:, list(POINT_MIRROR)].copy()
    out[..., 0] *= -1
    return out


def limb_difference(poses: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """(L,) mean distance (body units) between each limb's points over the frames both show."""
    distance = np.linalg.norm(poses - reference, axis=-1)  # (N, J)
    out = np.full(len(LIMB_NAMES), np.nan)
    for k, idx in enumerate(_LIMB_POINT_INDEX):
        values = distance[:, idx].mean(axis=1)
        values = values[np.isfinite(values)]
        if len(values):
            out[k] = float(values.mean())
    return out


def _span(grid: np.ndarray, window: Window) -> tuple[int, int]:
    return int(np.searchsorted(grid, window.start - 1e-9)), int(np.searchsorted(grid, window.end + 1e-9))


def offsets_against(signals: dict[int, np.ndarray], grid: np.ndarray, wins: list[Window], max_lag: int,
                    lead: int | None) -> dict[int, list[tuple[float, float] | None]]:
    """Per dancer and window: (lag in samples, correlation) against the group or ``lead``."""
    out: dict[int, list[tuple[float, float] | None]] = {}
    for track, own in signals.items():
        reference = _reference(signals, track, lead)
        out[track] = [(0.0, 1.0) if track == lead else xcorr_lag(own, reference, *_span(grid, w), max_lag)
                      for w in wins]  # fmt: skip
    return out


def _shifted(values: np.ndarray, i0: int, i1: int, lag: int) -> np.ndarray:
    """values[i0 - lag : i1 - lag], NaN where that runs off either end."""
    out = np.full((i1 - i0, *values.shape[1:]), np.nan)
    a0, a1 = max(i0 - lag, 0), min(i1 - lag, len(values))
    if a1 > a0:
        out[a0 - (i0 - lag) : a1 - (i0 - lag)] = values[a0:a1]
    return out


def _moves(speed: np.ndarray) -> bool:
    """Whether whole-body motion (the limbs' mean speed) exceeds the standing-still level."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames where no limb is seen
        whole = np.nanmean(speed, axis=1)
    return bool(np.isfinite(whole).any() and np.nanmax(whole) >= MIN_MOTION)


def sync_score(signals: dict[int, np.ndarray], grid: np.ndarray, lead: int | None) -> dict[str, object]:
    """Each dancer's zero-lag correlation with the reference over sliding SCORE_WINDOW_S windows,
    ×100 and floored at 0 (100: the same limbs move at the same moments), and their mean. None
    where both stand still (neither exceeds MIN_MOTION): jitter against jitter is no score."""
    dt = float(grid[1] - grid[0])
    half = max(1, int(round(SCORE_WINDOW_S / dt / 2)))
    centres = np.arange(0, len(grid), max(1, int(round(SCORE_STEP_S / dt))))
    per: dict[str, list[float | None]] = {}
    for track, own in signals.items():
        if track == lead:
            continue
        reference = _reference(signals, track, lead)
        values: list[float | None] = []
        for c in centres.tolist():
            i0, i1 = max(0, c - half), min(len(grid), c + half)
            if not (_moves(own[i0:i1]) or _moves(reference[i0:i1])):
                values.append(None)
                continue
            r = _pearson(own[i0:i1], reference[i0:i1], int(MIN_OVERLAP * (i1 - i0)))
            values.append(None if r is None else round(100 * max(r, 0.0), 1))
        per[str(track)] = values
    group = []
    for k in range(len(centres)):
        seen = [float(x) for v in per.values() if (x := v[k]) is not None]
        group.append(round(float(np.mean(seen)), 1) if seen else None)
    return {"t": [round(float(grid[c]), 3) for c in centres], "group": group, "dancers": per}


def group_sync(dancers: list[Dancer], grid: np.ndarray, beats: np.ndarray | None,
               lead: int | None = None) -> dict[str, object]:
    """Offsets per dancer and window against the group (and against each dancer as the lead),
    mirroring, pose difference per limb at matched moments and the sync score; JSON-ready."""
    moving = [d for d in dancers if d.moving]
    if len(moving) < 2:
        return {"status": "too_few", "message": f"Synchronisation needs two or more dancers moving; "
                f"{len(moving)} of the {len(dancers)} people tracked move."}  # fmt: skip
    dt = float(grid[1] - grid[0])
    anchor = next((d for d in moving if d.track_id == lead), moving[0])
    flip = {d.track_id: d is not anchor and mirrored(d, anchor, dt) for d in moving}
    signals = {d.track_id: d.speed[:, list(LIMB_MIRROR)] if flip[d.track_id] else d.speed for d in moving}
    poses = {d.track_id: mirror_poses(d.poses) if flip[d.track_id] else d.poses for d in moving}
    wins = windows(grid, beats)
    interval = float(np.median(np.diff(beats))) if beats is not None and len(beats) > 1 else 2 * MAX_LAG_S
    max_lag = max(1, int(round(min(MAX_LAG_S, interval / 2) / dt)))
    group = offsets_against(signals, grid, wins, max_lag, None)
    leads = {str(t): offsets_against(signals, grid, wins, max_lag, t) for t in signals}
    rows = []
    for d in moving:
        diffs = []
        for w, found in zip(wins, group[d.track_id], strict=True):
            i0, i1 = _span(grid, w)
            lag = int(round(found[0])) if found and found[1] >= MIN_CORRELATION else 0
            others = np.stack([_shifted(poses[t], i0, i1, lag) for t in poses if t != d.track_id])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                reference = np.nanmedian(others, axis=0)
            diffs.append(limb_difference(poses[d.track_id][i0:i1], reference))
        mean = np.nanmean(np.stack(diffs), axis=0) if diffs else np.full(len(LIMB_NAMES), np.nan)
        order = [LIMB_NAMES[k] for k in np.argsort(-np.nan_to_num(mean, nan=-1)) if np.isfinite(mean[k])]
        rows.append({"track_id": d.track_id, "mirrored": bool(flip[d.track_id]),
                     "offsets_ms": _ms(group[d.track_id], dt), "correlation": _r(group[d.track_id]),
                     "lead_offsets_ms": {t: _ms(v[d.track_id], dt) for t, v in leads.items()},
                     "limb_difference": {n: _round(v) for n, v in zip(LIMB_NAMES, mean, strict=True)},
                     "limbs_differing_most": order[:2],
                     "window_limb_difference": [[_round(v) for v in row] for row in diffs]})  # fmt: skip
    return {"status": "ok", "reference": "group", "anchor": anchor.track_id,
            "windows": [{"start": round(w.start, 3), "end": round(w.end, 3), "label": w.label, "phrase": w.phrase}
                        for w in wins],
            "max_lag_ms": round(max_lag * dt * 1000, 1), "dancers": rows,
            "score": sync_score(signals, grid, None)}  # fmt: skip


def _ms(found: list[tuple[float, float] | None], dt: float) -> list[float | None]:
    return [None if f is None or f[1] < MIN_CORRELATION else round(f[0] * dt * 1000, 1) for f in found]


def _r(found: list[tuple[float, float] | None]) -> list[float | None]:
    return [None if f is None else round(f[1], 3) for f in found]


def _round(value: float, digits: int = 3) -> float | None:
    return None if not np.isfinite(value) else round(float(value), digits)
