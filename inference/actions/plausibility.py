"""Physical consistency of a window's class probabilities, and distance from the training data.

The base model has one motion-capture performer per class, so a real movement that is none of its
classes gets the nearest one with high confidence (an upright lunging step came out "cartwheel"
0.84). Two checks, both on the normalised window (:func:`inference.actions.features.normalize`:
x, y in torso lengths, image y grows downwards, so "up" is -y):

- :data:`CLASS_REQUIREMENTS`: what a class physically needs somewhere in the window (cartwheel and
  backflip: upside down; crawl and roll: trunk near horizontal; get-up: that or a crouch). A class whose
  requirement fails loses its probability and the rest are renormalised; when less than
  :data:`MIN_PLAUSIBLE_MASS` remains, the model had put nearly everything on impossible classes and
  the window is "unknown" (all zeros) rather than the leftovers blown up.
- :data:`OOD_DISTANCE`: a window whose embedding (the network's pooled features) is farther from
  every replay embedding (``replay.npz``: training-camera windows of every class) than this is out
  of the training distribution and is "unknown" too.

Thresholds and how they were measured: docs/actions.md and weights/MODEL_CARD.md.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from inference.actions.classes import ActionClass
from inference.actions.joints import CENTER, NECK, joint

NOSE = joint("Nose")
ANKLES = (joint("LAnkle"), joint("RAnkle"))
INVERTED_TRUNK_DEG = 120.0  # neck-over-hip direction this far from "up": the body is upside down
HORIZONTAL_TRUNK_DEG = 50.0  # ... this far: the trunk is near horizontal (lying, on all fours)
CROUCH_HIP_HEIGHT = 1.0  # torso lengths of mid-hip above the lower ankle (standing: about 1.4-1.5)
MIN_TRUNK = 0.3  # torso lengths: a shorter projected trunk points along the camera axis, no angle
MIN_PLAUSIBLE_MASS = 0.3
# 99th percentile of the nearest-replay-embedding distance of held-out-camera windows (calibration
# draw, seed 998, 1300 windows) for base model 20261127: 1 % of in-distribution windows are
# rejected by design. Refit after a retrain (the embedding space changes).
OOD_DISTANCE = 3.75
# Gait and stillness, calibrated on the same held-out-camera calibration draw (seed 998) by
# ``python -m inference.actions.calibrate`` (numbers in weights/MODEL_CARD.md):
MIN_FOOT_FRAMES = 10  # frames (a quarter of a window) with both ankles seen before the feet are judged
# The feet must move more than still feet do: the 99th percentile of the idle windows' anti-symmetric
# motion (keypoint noise on standing feet; median 0.030). It was the 1st percentile of the walk and
# run windows (0.11) until a real side-view walk (Sports2D's demo video, BlazePose) measured
# 0.072-0.093: the motion-capture performer lifts the feet higher than people walking do, so the
# gait classes' own spread is no measure of how little a real gait may lift them.
MIN_ALTERNATING_MOTION = 0.061  # torso lengths, std of (left - right) / 2 ankle height
# 1st percentile over the walk and run windows: 1 % of true gait windows fail by design. Jump
# windows measure 0.11 at their median, backflips 0.044.
MIN_ALTERNATION = 0.29  # that std over the std of (left + right) / 2
# 99th percentile of the idle windows' motion extent (median 0.98); walk's median is 3.95.
MAX_IDLE_MOTION = 1.56  # torso lengths
# What else "idle" (standing, nothing in particular) is, from the same idle windows' 99th percentile:
# the body ends the window in the posture it started in (an arm raised and held, a reach, a lean
# into someone is a change of posture, not an oscillation about one). An upright-trunk requirement
# (the trunk's angle from image up) was measured and not kept: a real camera looking down at a
# person off the image centre tilts a standing trunk by 15-21 degrees (the woman of the lab
# two-people clip), more than the synthetic idle windows' 99th percentile (14.8).
MAX_IDLE_POSTURE_CHANGE = 1.05  # torso lengths, largest joint move first → last quarter (median 0.49)


def trunk_angles(window: np.ndarray) -> np.ndarray:
    """(3, T, V) normalised window → (T,) angle in degrees between mid-hip→neck and image up;
    NaN where either is unseen or the projected trunk is shorter than MIN_TRUNK."""
    d = window[:2, :, NECK] - window[:2, :, CENTER]
    seen = (window[2, :, NECK] > 0) & (window[2, :, CENTER] > 0)
    length = np.hypot(d[0], d[1])
    angle = np.degrees(np.arccos(np.clip(-d[1] / np.maximum(length, 1e-6), -1.0, 1.0)))
    return np.where(seen & (length > MIN_TRUNK), angle, np.nan)


def _head_below_hips(window: np.ndarray) -> bool:
    seen = (window[2, :, NOSE] > 0) & (window[2, :, CENTER] > 0)
    return bool((window[1, seen, NOSE] > window[1, seen, CENTER]).any())


def _max_trunk(window: np.ndarray) -> float:
    angles = trunk_angles(window)
    return float(np.nanmax(angles)) if np.isfinite(angles).any() else 0.0


def inverted(window: np.ndarray) -> bool:
    """Upside down at some point: trunk beyond INVERTED_TRUNK_DEG from up, or the nose below the
    mid-hip in the image."""
    return _max_trunk(window) >= INVERTED_TRUNK_DEG or _head_below_hips(window)


def horizontal(window: np.ndarray) -> bool:
    """The trunk near horizontal (or further over) at some point."""
    return _max_trunk(window) >= HORIZONTAL_TRUNK_DEG or _head_below_hips(window)


def crouched(window: np.ndarray) -> bool:
    """The mid-hip lowered to less than CROUCH_HIP_HEIGHT above the lower ankle at some point (a
    squat's bottom, a get-up's kneel or crouch)."""
    ankles = np.where(window[2][:, list(ANKLES)] > 0, window[1][:, list(ANKLES)], -np.inf).max(1)
    seen = (window[2, :, CENTER] > 0) & np.isfinite(ankles)
    return bool((ankles[seen] - window[1, seen, CENTER] < CROUCH_HIP_HEIGHT).any())


def foot_alternation(window: np.ndarray) -> tuple[float, float] | None:
    """How the two ankles move up and down over the window: (spread of the anti-symmetric part
    (left - right) / 2 of their heights, that spread over the symmetric part's (left + right) / 2),
    both standard deviations in torso lengths; None where both ankles are seen in fewer than
    MIN_FOOT_FRAMES frames. In walking and running one foot lifts while the other carries the body
    (anti-symmetric); in hops, jumping jacks and jumps both feet leave and land together
    (symmetric). Heights only: the feet spread apart sideways in a jumping jack as they do in a
    stride seen from the side."""
    left, right = ANKLES
    both = (window[2, :, left] > 0) & (window[2, :, right] > 0)
    if both.sum() < MIN_FOOT_FRAMES:
        return None
    yl, yr = window[1, both, left].astype(np.float64), window[1, both, right].astype(np.float64)
    anti, sym = float(np.std((yl - yr) / 2)), float(np.std((yl + yr) / 2))
    return anti, anti / max(sym, 1e-6)


def feet_alternate(window: np.ndarray) -> bool:
    """Walk and run: the feet alternate (:func:`foot_alternation`: enough anti-symmetric motion,
    and more of it than symmetric); unmeasurable windows (ankles unseen) are not ruled out."""
    measured = foot_alternation(window)
    if measured is None:
        return True
    anti, ratio = measured
    return anti >= MIN_ALTERNATING_MOTION and ratio >= MIN_ALTERNATION


def motion_extent(window: np.ndarray) -> float | None:
    """The largest 5th-95th percentile extent, in torso lengths, of any seen joint's path over the
    window (x and y combined; positions relative to the window's mean mid-hip, so travel counts);
    None where no joint is seen in half of the frames."""
    extents = []
    for v in range(window.shape[2]):
        seen = window[2, :, v] > 0
        if seen.sum() < window.shape[1] // 2:
            continue
        lo, hi = np.percentile(window[:2, seen, v], [5, 95], axis=1)
        extents.append(float(np.hypot(*(hi - lo))))
    return max(extents) if extents else None


def still(window: np.ndarray) -> bool:
    """No joint moves farther than the idle class does in training (:data:`MAX_IDLE_MOTION`);
    unmeasurable windows are not ruled out."""
    extent = motion_extent(window)
    return extent is None or extent <= MAX_IDLE_MOTION


def posture_change(window: np.ndarray) -> float | None:
    """How far the body's posture moves over the window and stays moved: the largest distance, in
    torso lengths, between a seen joint's median position in the first and in the last quarter of
    the frames where it is seen (positions relative to the window's mean mid-hip); None where no
    joint is seen in half of the frames. Idle's small motions oscillate about a rest pose; a reach,
    an arm raised and held, a lean into someone ends elsewhere."""
    out = []
    for v in range(window.shape[2]):
        seen = np.flatnonzero(window[2, :, v] > 0)
        if len(seen) < window.shape[1] // 2:
            continue
        k = max(3, len(seen) // 4)
        first, last = np.median(window[:2, seen[:k], v], 1), np.median(window[:2, seen[-k:], v], 1)
        out.append(float(np.hypot(*(last - first))))
    return max(out) if out else None


def standing_idle(window: np.ndarray) -> bool:
    """Idle (standing, nothing in particular), as the idle class is in training: still
    (:func:`still`) and ending in the posture it started in (:data:`MAX_IDLE_POSTURE_CHANGE`);
    unmeasurable windows are not ruled out."""
    change = posture_change(window)
    return still(window) and (change is None or change <= MAX_IDLE_POSTURE_CHANGE)


def horizontal_or_crouched(window: np.ndarray) -> bool:
    """A get-up from the floor passes through lying or a crouch; the squat posture also takes its
    share of get-up (labels.POSTURE_HOSTS), so a squat must keep it."""
    return horizontal(window) or crouched(window)


# class → (requirement name, test on the normalised window). Classes not listed need nothing.
REQUIREMENTS: dict[str, Callable[[np.ndarray], bool]] = {
    "inverted": inverted, "horizontal": horizontal, "horizontal_or_crouched": horizontal_or_crouched,
    "feet_alternate": feet_alternate}  # fmt: skip
CLASS_REQUIREMENTS: dict[str, str] = {  # keyed by ActionClass; looked up by any model's label
    ActionClass.CARTWHEEL: "inverted", ActionClass.BACKFLIP: "inverted", ActionClass.CRAWL: "horizontal",
    ActionClass.ROLL: "horizontal", ActionClass.GETUP: "horizontal_or_crouched",
    ActionClass.WALK: "feet_alternate", ActionClass.RUN: "feet_alternate"}  # fmt: skip


def plausible(windows: np.ndarray, classes: tuple[str, ...]) -> np.ndarray:
    """(N, 3, T, V) normalised windows → (N, C) bool: the class's requirement holds in the window."""
    out = np.ones((len(windows), len(classes)), bool)
    needed = {c: CLASS_REQUIREMENTS[name] for c, name in enumerate(classes) if name in CLASS_REQUIREMENTS}
    for n, window in enumerate(windows):
        results: dict[str, bool] = {}
        for c, requirement in needed.items():
            if requirement not in results:
                results[requirement] = REQUIREMENTS[requirement](window)
            out[n, c] = results[requirement]
    return out


def gate(probs: np.ndarray, mask: np.ndarray, min_mass: float = MIN_PLAUSIBLE_MASS) -> np.ndarray:
    """(N, C) probabilities without the implausible classes, renormalised; rows with less than
    ``min_mass`` left become zeros ("unknown")."""
    kept = np.where(mask, probs, 0.0)
    mass = kept.sum(1, keepdims=True)
    return np.where(mass >= min_mass, kept / np.maximum(mass, 1e-9), 0.0).astype(np.float32)


def nearest_distance(embeddings: np.ndarray, replay: np.ndarray) -> np.ndarray:
    """(N, D), (M, D) → (N,) Euclidean distance of each embedding to its nearest replay embedding."""
    if len(embeddings) == 0 or len(replay) == 0:
        return np.zeros(len(embeddings))
    sq = (embeddings**2).sum(1)[:, None] - 2 * embeddings @ replay.T + (replay**2).sum(1)[None]
    return np.sqrt(np.maximum(sq.min(1), 0.0))
