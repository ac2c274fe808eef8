"""Pose fits that would need a segment to turn faster than a human body can: flagged, not measured.

A pose model sometimes fits the athlete upside down, or one limb the wrong way round, for a few
frames. In the angles that shows as a segment turning by 100–180° between two frames 1/30 s apart.
No human segment turns that fast, so those frames are not a measurement of the athlete; a real
rotation (a flip, a kick) is continuous at physical rates and stays.

The rule is about the segment as a rigid body, so it holds in any camera view. A segment of length
L (pixels) turning at an angular velocity of at most ω about any axis moves its distal end
relative to its proximal one by at most the chord ``2 L sin(ω Δt / 2)`` in Δt (ω Δt capped at
180°). The picture is a projection, which never lengthens a displacement (perspective with the
athlete's distance changing little between two frames), so the segment's 2-D vector (distal −
proximal point) can change by at most that chord, plus the noise of the two points' positions:

    |v(t_j) − v(t_i)| ≤ L chord(ω (t_j − t_i)) + NOISE × stature

L is the segment's full length in the picture (its usual share of the athlete's stature, the 90th
percentile over the clip, times the stature at that time, :func:`.scale.stature_series`; the
longer of the two vectors if that is longer), and the points' noise is a share of the stature
(pose models' jitter grows with the person's size in the picture).
A segment turning out of the picture plane (pointing at the camera) is short in the picture and
its vector changes little, so foreshortening is no excuse for a flag, and the 2-D angle of a short
segment swinging fast (which it may: the projection can turn a slow 3-D rotation into a fast 2-D
one) is not mistaken for an impossible rotation.

Which samples are wrong: the samples of each segment are split into pieces at every step the rule
refuses. The longest piece is trusted; walking out from it in both directions, a piece is kept when
its first sample is reachable (same rule, over the time elapsed) from the last kept sample, and
flagged otherwise. A fit that flips for a few frames and flips back is thus flagged as the flipped
frames only. A refused piece longer than :data:`MAX_MISFIT_S` is kept all the same (and becomes the
reference): a pose model's wrong fits last a few frames (the same observation as
``swap.MAX_SWAP_S`` for OpenPose's left/right swaps), so a long stretch on the other side of a
refused step is more likely the truth after a missed or noisy step than a long wrong fit.

What a flag removes (:data:`DISTAL`): the points that moved with the segment. The trunk is the
skeleton's root: a trunk that turned impossibly means the whole body was fitted the wrong way
(upside down), so every point of the frame is removed. For a limb segment, its distal point and
the points beyond it (a thigh: the knee, ankle and foot). The removed points count as absent (NaN,
confidence 0): the cleaning fills gaps up to ``max_gap_s`` by interpolation, and interpolated
samples carry confidence 0, so they are not plotted as measurements, not in ranges of motion, and
not read by the events or the feedback.

Maximum angular velocities (:data:`MAX_ROTATION_DEG_S`; docs/kinematics.md gives the sources):

- trunk and head (the body's long axis and the head on it): the fastest whole-body rotation
  recorded is a figure skater's quadruple jump, about 6–7 revolutions per second about the long
  axis (King et al. 2004, Sports Biomech 3(1):109–123, quadruple toe-loops at the 2002 Olympics;
  "faster than 400 rotations per minute", J. Richards, Univ. of Delaware). A spin about the long
  axis does not turn that axis at all; somersaults, which do, are slower, because the body's moment
  of inertia about a transverse axis is several times larger even tucked (tucked triple and
  quadruple somersaults turn at about 3–4 rev/s). 2400°/s (6.7 rev/s) bounds both.
- limb segments: the fastest segment rotation measured in sport is the shoulder's internal
  rotation in baseball pitching, about 7000–7500°/s (Fleisig et al. 1995, J Orthop Sports Phys
  Ther 21(6):421–437; Fleisig et al. 1999, J Biomech 32(12):1371–1375), which swings the forearm
  round the upper arm. 7500°/s for every limb segment: at 30 or 60 fps a limb can turn through
  more than 120° between two frames, so only high frame rates check limbs (a bound of 180° or more
  per frame checks nothing).

Pelvis and shoulders (lines between the left and right points, wrapped to ±90°) are not checked:
a left/right exchange of their points is :mod:`.swap`'s business, and a line has no head or tail to
flip.

Shapes: T frames, N named points (:mod:`.points`).
"""

from __future__ import annotations

import numpy as np

from inference.kinematics.angles import ANGLES
from inference.kinematics.points import POINT_NAMES, point_index
from inference.kinematics.scale import stature_series

BODY_MAX_DEG_S = 2400.0  # whole-body rotation, ~6.7 rev/s (figure skating quads; module docstring)
LIMB_MAX_DEG_S = 7500.0  # shoulder internal rotation in pitching (Fleisig et al. 1995, 1999)

MAX_ROTATION_DEG_S: dict[str, float] = {
    "trunk": BODY_MAX_DEG_S, "head": BODY_MAX_DEG_S,
    **{f"{side}_{seg}": LIMB_MAX_DEG_S for side in ("right", "left") for seg in ("thigh", "shank", "foot", "arm", "forearm")},
}  # fmt: skip

# Noise of a segment's 2-D vector between two frames, as a share of the athlete's stature: the
# largest |v(t+1) - v(t)| / stature over the segments of people the truth files say stand still
# (bench/rotation_noise.py; docs/kinematics.md), rounded up.
NOISE = 0.10

# A pose model's wrong fit lasts a few frames; a refused stretch longer than this is kept.
MAX_MISFIT_S = 0.5


def _side_points(side: str, names: tuple[str, ...]) -> tuple[str, ...]:
    prefix = "R" if side == "right" else "L"
    return tuple(prefix + n for n in names)


# The points a flagged segment takes with it (module docstring).
DISTAL: dict[str, tuple[str, ...]] = {
    "trunk": POINT_NAMES,
    "head": ("Head", "Nose", "REye", "LEye", "REar", "LEar"),
    **{f"{side}_thigh": _side_points(side, ("Knee", "Ankle", "BigToe", "SmallToe", "Heel")) for side in ("right", "left")},
    **{f"{side}_shank": _side_points(side, ("Ankle", "BigToe", "SmallToe", "Heel")) for side in ("right", "left")},
    **{f"{side}_foot": _side_points(side, ("BigToe", "SmallToe", "Heel")) for side in ("right", "left")},
    **{f"{side}_arm": _side_points(side, ("Elbow", "Wrist", "Index")) for side in ("right", "left")},
    **{f"{side}_forearm": _side_points(side, ("Wrist", "Index")) for side in ("right", "left")},
}  # fmt: skip

_POINTS = {d.name: d.points for d in ANGLES if d.name in MAX_ROTATION_DEG_S}


def chord(angle_deg: np.ndarray | float) -> np.ndarray:
    """Distance between the ends of two unit vectors ``angle_deg`` apart (capped at 180°: 2)."""
    return 2.0 * np.sin(np.radians(np.minimum(np.asarray(angle_deg, np.float64), 180.0)) / 2.0)


def segment_vectors(xy: np.ndarray, name: str) -> np.ndarray:
    """(T, 2) the segment's 2-D vector, distal minus proximal point (pixels), NaN where absent."""
    distal, proximal = (point_index(p) for p in _POINTS[name])
    return xy[:, distal] - xy[:, proximal]


def usual_lengths(v: np.ndarray, stature: np.ndarray) -> np.ndarray:
    """(T,) the segment's full length in the picture at each frame: its usual share of the
    athlete's stature (the 90th percentile of its 2-D length over the stature, over the frames it
    is seen) times the stature there (:func:`.scale.stature_series`), so an athlete who comes
    closer or a camera that zooms keeps the right length. NaN when never seen."""
    share = np.hypot(v[:, 0], v[:, 1]) / stature
    seen = share[np.isfinite(share)]
    return (float(np.percentile(seen, 90)) if seen.size else np.nan) * stature


def reachable(v_from: np.ndarray, v_to: np.ndarray, elapsed_s: np.ndarray | float, length: np.ndarray | float,
              stature: np.ndarray | float, max_deg_s: float) -> np.ndarray:
    """Whether a rigid segment could turn from ``v_from`` to ``v_to`` (2-D vectors, (..., 2)) in
    ``elapsed_s`` at no more than ``max_deg_s`` (module docstring's inequality). ``length``: its
    full length (pixels; the longer of the two vectors counts if longer), ``stature``: the
    athlete's stature in pixels (the noise is a share of it)."""
    norm = lambda a: np.hypot(*np.moveaxis(np.asarray(a, np.float64), -1, 0))  # noqa: E731
    scale = np.fmax(length, np.fmax(norm(v_from), norm(v_to)))
    moved = norm(np.asarray(v_to) - np.asarray(v_from))
    return np.asarray(moved <= scale * chord(max_deg_s * np.asarray(elapsed_s)) + NOISE * np.asarray(stature))


def _flag_series(v: np.ndarray, t: np.ndarray, stature: np.ndarray, max_deg_s: float) -> np.ndarray:
    """(T,) bool: samples of one segment's vector series to flag (module docstring)."""
    flagged = np.zeros(len(t), bool)
    length = usual_lengths(v, stature)
    seen = np.flatnonzero(np.isfinite(v).all(axis=1) & np.isfinite(length))
    if seen.size < 2:
        return flagged

    def ok(i: np.ndarray | int, j: np.ndarray | int) -> np.ndarray:
        """Frames i → j (indices into t) reachable; length and stature: the larger of the two."""
        return reachable(v[i], v[j], np.abs(t[j] - t[i]), np.fmax(length[i], length[j]),
                         np.fmax(stature[i], stature[j]), max_deg_s)  # fmt: skip

    steps = ok(seen[:-1], seen[1:])
    if steps.all():
        return flagged
    breaks = np.flatnonzero(~steps) + 1  # a piece starts at each refused step
    pieces = [(int(a), int(b)) for a, b in zip(np.r_[0, breaks], np.r_[breaks, seen.size], strict=True)]
    durations = [t[seen[b - 1]] - t[seen[a]] for a, b in pieces]
    anchor = int(np.argmax([b - a for a, b in pieces]))

    def walk(order: list[int], forward: bool) -> None:
        last = pieces[anchor][1] - 1 if forward else pieces[anchor][0]  # index into seen
        for p in order:
            a, b = pieces[p]
            first = a if forward else b - 1
            if ok(seen[last], seen[first]) or durations[p] > MAX_MISFIT_S:
                last = b - 1 if forward else a
            else:
                flagged[seen[a:b]] = True

    walk(list(range(anchor + 1, len(pieces))), forward=True)
    walk(list(range(anchor - 1, -1, -1)), forward=False)
    return flagged


def implausible_rotations(xy: np.ndarray, t: np.ndarray) -> dict[str, np.ndarray]:
    """{segment: (T,) bool} the frames where each checked segment (:data:`MAX_ROTATION_DEG_S`)
    would have had to turn faster than a human segment can.

    xy: (T, N, 2) named points in image pixels (before any facing flip; NaN where absent);
    t: (T,) seconds.
    """
    t = np.asarray(t, np.float64)
    stature = stature_series(xy, t)
    if not np.isfinite(stature).any():  # legs and trunk never seen together: no size to judge by
        return {name: np.zeros(len(t), bool) for name in MAX_ROTATION_DEG_S}
    return {name: _flag_series(segment_vectors(xy, name), t, stature, limit) for name, limit in MAX_ROTATION_DEG_S.items()}


def points_to_drop(flags: dict[str, np.ndarray], frames: int) -> np.ndarray:
    """(T, N) bool: the named points that flagged segments take with them (:data:`DISTAL`)."""
    drop = np.zeros((frames, len(POINT_NAMES)), bool)
    for name, flagged in flags.items():
        if flagged.any():
            cols = np.array([point_index(p) for p in DISTAL[name]])
            drop[np.ix_(np.flatnonzero(flagged), cols)] = True
    return drop


def misfit_frames(flags: dict[str, np.ndarray], frames: int) -> np.ndarray:
    """(T,) bool: frames where any segment was flagged."""
    out = np.zeros(frames, bool)
    for flagged in flags.values():
        out |= flagged
    return out


