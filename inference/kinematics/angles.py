"""Joint and segment angles, defined once as data with Sports2D's conventions.

Source of the conventions: Sports2D (Pagnon et al., 2024, JOSS 9(101), 6849;
github.com/davidpagnon/Sports2D, ``angle_dict``, ``points_to_angles`` and ``fixed_angles`` in
Sports2D/Utilities/common.py and process.py). Each definition lists named points
(:mod:`inference.kinematics.points`), an offset and a scale, applied as in Sports2D:

- 2 points (a, b) — segment angle: the direction of b→a, anticlockwise from the horizontal with
  y up (``-atan2(dy_image, dx)``), i.e. ``atan2(a-b)`` in image pixels times the scale -1.
- 3 points (a, b, c) — joint angle at b between u = a-b and v = c-b: ``-atan2(u×v, u·v)`` in image
  pixels.
- 4 points (a, b, c, d) — angle between u = b-a and v = d-c, same formula.

then ``(angle + offset) * scale``. Segment angles are wrapped to [-180, 180) (pelvis and shoulders:
[-90, 90)). Joint angles are wrapped into the 360° window centred on their anatomical interval
(:data:`PLAUSIBLE`), never unwrapped over time, and a sample still outside the interval is a 2D
projection artefact: it becomes NaN with confidence 0 (not reported, not plotted).

Before that, x is multiplied by the facing direction (+1 the athlete faces the image's right, -1
its left), as Sports2D does for a person seen from the side, so "forward" is +x and flexion is
positive whichever way the athlete faces. Zero is the anatomical standing pose for joint angles
(knee straight: 0°, knee at a right angle: 90° flexion). See docs/kinematics.md for diagrams.

Shapes: T frames, N named points, A angles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inference.kinematics.points import point_index


@dataclass(frozen=True)
class AngleDef:
    """One angle: its name, kind ("joint" or "segment"), points, Sports2D offset/scale, the half
    width of its wrap interval (180 or 90 degrees; segments), and for joints the anatomical interval
    (degrees) outside which a 2D value is a projection artefact. Only segment angles are unwrapped
    over time (a segment can turn round for real); a joint angle stays in its anatomical interval
    (or is NaN)."""

    name: str
    kind: str
    points: tuple[str, ...]
    offset: float
    scale: float
    wrap: float = 180.0
    meaning: str = ""
    plausible: tuple[float, float] | None = None
    signed: bool = True

    @property
    def unwrap(self) -> bool:
        return self.kind == "segment"

    @property
    def window(self) -> tuple[float, float] | None:
        """The 360° interval a joint angle is wrapped into: centred on its anatomical interval, so
        the interval is never split by the wrap (a shoulder overhead reads 180, not -180)."""
        if self.plausible is None:
            return None
        centre = 0.5 * (self.plausible[0] + self.plausible[1])
        return centre - 180.0, centre + 180.0


# Anatomical intervals of the joint angles: normal active ranges of motion (AAOS; Greene & Heckman
# 1994, The Clinical Measurement of Joint Motion: ankle dorsiflexion 20 / plantarflexion 50, knee
# 0–135, hip flexion 120 / extension 30, shoulder flexion 180 / extension 60, elbow 0–150, wrist
# flexion 80 / extension 70), widened by about 20° for the error of a 2D projection. A sample
# outside is NaN with confidence 0 (compute_angles). docs/kinematics.md gives each one's reasoning.
PLAUSIBLE: dict[str, tuple[float, float]] = {
    "ankle": (-70, 40), "knee": (-30, 160), "hip": (-50, 140),
    "shoulder": (-80, 200), "elbow": (-20, 170), "wrist": (-100, 100),
    "shoulder_elevation": (-20, 200), "hip_elevation": (-20, 140),
}  # fmt: skip

# Where a hinge stops: flexion beyond it is not anatomical, whatever the 2D projection shows
# (a folded arm seen end-on reads 170°). Elbow: AAOS active flexion 150° (Greene & Heckman 1994).
# Knee: 157° ± 4° in a full squat with thigh-calf contact (Hemmerich et al. 2006, Clin Biomech
# 21(2):161), above AAOS' active 135° because body weight presses the joint further. A sample
# between the stop and the interval's edge (kept for the 2D error of a true end-of-range pose) has
# at most OUTSIDE_RANGE_CONFIDENCE: the npz keeps it, rules, ranges, the CSV and the charts (all at
# 0.5, storage.CSV_MIN_CONFIDENCE) do not use it.
HINGE_STOP: dict[str, float] = {"elbow": 150.0, "knee": 157.0}
OUTSIDE_RANGE_CONFIDENCE = 0.25


# Hinges whose flexion is measured unsigned, as 180° minus the included angle between the two
# segments: they cannot bend backwards beyond a few degrees (AAOS: knee and elbow hyperextension up
# to about 10°), and in any view but a true side view the side of the proximal segment on which the
# distal one appears in the image is set by the projection, not by the joint (Sports2D's signed
# value read -44° "hyperextension" for a flexed elbow seen from the front on the lab clip).
UNSIGNED = ("knee", "elbow", "shoulder_elevation", "hip_elevation")

# Angles whose sign (the ankle and the knee: whose value) lies in the sagittal plane: seen from the
# front or the back the 2D value is the projection's, not the joint's (mirror-symmetric jumping
# jacks read +150° on one shoulder and -80° on the other; an end-on foot "plantarflexes" 40° while
# standing; a flexed knee seen from the front reads a median 20.5° too straight and is off by more
# than 15° in 68 % of frames, against 3 % from the side: bench/angles_mocap.py, motion capture seen
# by random cameras, docs/kinematics.md). Their confidence is multiplied by :func:`side_view`. The
# elevations (unsigned, any view) are the numbers to read in a front or back view. The elbow is
# not here: it is off by more than 15° in 31-45 % of its samples in every view there (the arm
# moves out of the body's planes), so a side view would not make it trustworthy.
SAGITTAL = ("ankle", "foot", "hip", "shoulder", "knee")


def needs_side_view(name: str) -> bool:
    """Whether the angle ``name`` ("right_knee", "trunk", ...) is trusted in side views only
    (:data:`SAGITTAL`): the one test the feedback and the report ask."""
    return name.split("_", 1)[-1] in SAGITTAL


def _sided(name: str, kind: str, points: tuple[str, ...], offset: float, scale: float, meaning: str) -> tuple[AngleDef, ...]:
    """The right and left versions of a definition written with ``{S}`` for the side prefix."""
    return tuple(
        AngleDef(f"{side}_{name}", kind, tuple(p.replace("{S}", prefix) for p in points), offset, scale, 180.0,
                 meaning, PLAUSIBLE.get(name), name not in UNSIGNED)
        for side, prefix in (("right", "R"), ("left", "L"))
    )  # fmt: skip


# Sports2D's angle_dict, in our names. The upstream left wrist once listed its points in another
# order (LElbow, LIndex, LWrist); both sides here have the vertex at the wrist.
ANGLES: tuple[AngleDef, ...] = (
    *_sided("ankle", "joint", ("{S}Knee", "{S}Ankle", "{S}BigToe", "{S}Heel"), 90, 1,
            "dorsiflexion +, plantarflexion -; 0 with the foot at a right angle to the shank"),
    *_sided("knee", "joint", ("{S}Ankle", "{S}Knee", "{S}Hip"), -180, 1, "flexion, 180° - included angle; 0 straight"),
    *_sided("hip", "joint", ("{S}Knee", "{S}Hip", "Hip", "Neck"), 0, -1,
            "flexion + (thigh forward of the trunk line); 0 thigh along the trunk"),
    *_sided("shoulder", "joint", ("{S}Elbow", "{S}Shoulder", "Hip", "Neck"), 0, -1,
            "flexion + (arm forward of the trunk line); 0 arm along the trunk"),
    *_sided("shoulder_elevation", "joint", ("{S}Elbow", "{S}Shoulder", "Hip", "Neck"), 0, -1,
            "arm's angle from the trunk line, unsigned, any view; 0 hanging, 90 horizontal, 180 overhead"),
    *_sided("hip_elevation", "joint", ("{S}Knee", "{S}Hip", "Hip", "Neck"), 0, -1,
            "thigh's angle from the trunk line, unsigned, any view; 0 along the trunk"),
    *_sided("elbow", "joint", ("{S}Wrist", "{S}Elbow", "{S}Shoulder"), 180, -1,
            "flexion, 180° - included angle; 0 straight"),
    *_sided("wrist", "joint", ("{S}Elbow", "{S}Wrist", "{S}Index"), -180, 1,
            "hand tipped forward of the forearm line +; 0 straight (BlazePose only)"),
    *_sided("foot", "segment", ("{S}BigToe", "{S}Heel"), 0, -1, "heel→toe; 0 flat, + toes up"),
    *_sided("shank", "segment", ("{S}Ankle", "{S}Knee"), 0, -1, "knee→ankle; -90 vertical"),
    *_sided("thigh", "segment", ("{S}Knee", "{S}Hip"), 0, -1, "hip→knee; -90 vertical, 0 horizontal"),
    AngleDef("pelvis", "segment", ("LHip", "RHip"), 0, -1, 90.0, "right hip→left hip; 0 level"),
    AngleDef("trunk", "segment", ("Neck", "Hip"), 0, -1, 180.0, "hip centre→neck; 90 upright, <90 leaning forward"),
    AngleDef("shoulders", "segment", ("LShoulder", "RShoulder"), 0, -1, 90.0, "right→left shoulder; 0 level"),
    AngleDef("head", "segment", ("Head", "Neck"), 0, -1, 180.0, "neck→ears' midpoint; 90 upright"),
    *_sided("arm", "segment", ("{S}Elbow", "{S}Shoulder"), 0, -1, "shoulder→elbow; -90 hanging"),
    *_sided("forearm", "segment", ("{S}Wrist", "{S}Elbow"), 0, -1, "elbow→wrist; -90 hanging"),
)  # fmt: skip

ANGLE_NAMES: tuple[str, ...] = tuple(a.name for a in ANGLES)


def angle_def(name: str) -> AngleDef:
    for definition in ANGLES:
        if definition.name == name:
            return definition
    raise KeyError(f"unknown angle {name!r}; known: {', '.join(ANGLE_NAMES)}")


def _raw_angle(p: list[np.ndarray]) -> np.ndarray:
    """Sports2D's points_to_angles on image coordinates, vectorised. p: 2–4 arrays (T, 2)."""
    if len(p) == 2:
        d = p[0] - p[1]
        return np.degrees(np.arctan2(d[:, 1], d[:, 0]))
    u, v = (p[0] - p[1], p[2] - p[1]) if len(p) == 3 else (p[1] - p[0], p[3] - p[2])
    cross = u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0]
    dot = (u * v).sum(axis=1)
    return -np.degrees(np.arctan2(cross, dot))


def wrap(angle: np.ndarray, half_width: float = 180.0) -> np.ndarray:
    """Wrap degrees into [-half_width, half_width)."""
    return (angle + half_width) % (2 * half_width) - half_width


# A segment seen at less than FORESHORTENED[0] of its usual length (it points at the camera) makes
# its angles meaningless in 2D: their confidence falls linearly to 0 between these two fractions.
FORESHORTENED = (0.3, 0.7)


def _vectors(p: list[np.ndarray]) -> list[np.ndarray]:
    """The segment vectors an angle is made of (T, 2) each."""
    if len(p) == 2:
        return [p[0] - p[1]]
    return [p[0] - p[1], p[2] - p[1]] if len(p) == 3 else [p[1] - p[0], p[3] - p[2]]


def foreshortening(vectors: list[np.ndarray]) -> np.ndarray:
    """(T,) in [0, 1]: 1 while every segment shows at least FORESHORTENED[1] of its usual length
    (its 90th percentile over the clip), 0 at FORESHORTENED[0] or less."""
    low, high = FORESHORTENED
    factor = np.ones(vectors[0].shape[0])
    for v in vectors:
        length = np.hypot(v[:, 0], v[:, 1])
        seen = length[np.isfinite(length)]
        usual = np.percentile(seen, 90) if seen.size else np.nan  # percentile: nanpercentile is 5x slower
        if np.isfinite(usual) and usual > 0:
            factor = np.fmin(factor, np.clip((length / usual - low) / (high - low), 0.0, 1.0))
    return factor


# Foot length (heel to toe tip) / shank length (knee to ankle): 0.152 H / (0.285 H - 0.039 H) = 0.62
# (Drillis & Contini segment lengths, Winter 2009, Fig. 4.1).
FOOT_TO_SHANK = 0.152 / (0.285 - 0.039)


def foot_in_view(heel_to_toe: np.ndarray, knee_to_ankle: np.ndarray) -> np.ndarray:
    """(T,) in [0, 1]: whether the foot is seen from the side, judged by its image length against
    the length the shank predicts (:data:`FOOT_TO_SHANK`; the shank's 90th percentile over the
    clip), through :data:`FORESHORTENED`. A foot pointing at or away from the camera (a front or
    back view) is short in the image and its direction there is the projection's, not the ankle's:
    the 90th-percentile rule of :func:`foreshortening` cannot see it when the foot is end-on all clip."""
    low, high = FORESHORTENED
    foot = np.hypot(heel_to_toe[:, 0], heel_to_toe[:, 1])
    shank = np.hypot(knee_to_ankle[:, 0], knee_to_ankle[:, 1])
    seen = shank[np.isfinite(shank)]
    if not seen.size or np.percentile(seen, 90) <= 0:
        return np.ones(foot.shape)
    expected = FOOT_TO_SHANK * np.percentile(seen, 90)
    return np.nan_to_num(np.clip((foot / expected - low) / (high - low), 0.0, 1.0), nan=1.0)


# How frontal the athlete is to the camera, per frame: hip and shoulder widths in the image over
# the trunk's length (hip centre to neck), each divided by its value in a front or back view. The
# frontal values are BlazePose's, measured on the dev clips' front and back views (lab walk, the
# man facing the camera standing, 0-0.4 s: hips 0.34-0.35, shoulders 0.51-0.60 of the trunk; lab
# two people, the woman from behind: 0.31-0.40 and 0.55-0.75; Sports2D's jumping jacks facing the
# camera, 0.3-2.7 s: 0.27-0.41 and 0.51-0.71; indoor, the dark man facing it 0-0.9 s: 0.33-0.37 and
# 0.58-0.65): the medians, 0.35 and 0.62. (Winter's joint centres would give 0.65 and 0.90:
# BlazePose's hip and shoulder points sit inside the joints.) The larger of the two ratios is
# taken: an arm raised overhead turns the shoulder line (lab walk 0.8-1.0 s: shoulders 0.25-0.28
# of the trunk, hips 0.29), the pelvis does not follow it.
FRONTAL_HIP_OF_TRUNK = 0.35
FRONTAL_SHOULDER_OF_TRUNK = 0.62
# frontalness at most VIEW_LIMITS[0] is a side view, at least VIEW_LIMITS[1] a front or back view.
# Side views measured: Sports2D 3.5-7.5 s (side-on walk, run, box drop): hips 0.01-0.15, shoulders
# 0.00-0.26 of the trunk, frontalness <= 0.43; front and back views above: >= 0.77 at the median
# frame (the lowest single frames 0.74).
VIEW_LIMITS = (0.45, 0.75)


def frontalness(xy: np.ndarray) -> np.ndarray:
    """(T,) about |cos(yaw)| of the athlete to the camera from named points (T, N, 2): 0 side view,
    about 1 front or back view (:data:`FRONTAL_HIP_OF_TRUNK`, :data:`FRONTAL_SHOULDER_OF_TRUNK`);
    NaN where neither the hips nor the shoulders are seen.

    The hip and shoulder widths are measured across the trunk's image axis (hip centre to neck),
    not along the image's x: a trunk leaning sideways tilts both lines with it, and their x extent
    alone read a back view as near side-on (the Pose2Sim lab demo's cam04, the man leaning 46-64°
    in a lunge: 0.45-0.57 along x, 0.78-1.04 across the trunk; docs/angles_multiview.md). For an
    upright trunk the two are the same."""
    axis = xy[:, point_index("Neck")] - xy[:, point_index("Hip")]
    trunk = np.hypot(*axis.T)

    def width(joint: str) -> np.ndarray:
        line = xy[:, point_index(f"R{joint}")] - xy[:, point_index(f"L{joint}")]
        with np.errstate(all="ignore"):
            return np.abs(line[:, 0] * axis[:, 1] - line[:, 1] * axis[:, 0]) / trunk

    with np.errstate(all="ignore"):
        ratios = np.stack([width("Hip") / trunk / FRONTAL_HIP_OF_TRUNK,
                           width("Shoulder") / trunk / FRONTAL_SHOULDER_OF_TRUNK])  # fmt: skip
    ratios[~np.isfinite(ratios)] = np.nan
    out = np.full(xy.shape[0], np.nan)
    seen = np.isfinite(ratios).any(axis=0)
    out[seen] = np.nanmax(ratios[:, seen], axis=0)
    return out


def side_view(frontal: np.ndarray) -> np.ndarray:
    """(T,) in [0, 1]: 1 in a side view (frontalness <= VIEW_LIMITS[0]), falling linearly to 0 at
    VIEW_LIMITS[1] (front or back view) and 0 where the view is unknown."""
    low, high = VIEW_LIMITS
    return np.nan_to_num(np.clip((high - frontal) / (high - low), 0.0, 1.0), nan=0.0)


def view_labels(frontal: np.ndarray) -> np.ndarray:
    """(T,) "side", "oblique", "front" (front or back) or "unknown" per frame from
    :func:`frontalness` and :data:`VIEW_LIMITS`. In "front" frames the trunk angle is a sideways
    lean, in "side" frames a forward or backward one; "oblique" is a mixture of both."""
    out = np.full(frontal.shape, "unknown", dtype=object)
    out[frontal <= VIEW_LIMITS[0]] = "side"
    out[(frontal > VIEW_LIMITS[0]) & (frontal < VIEW_LIMITS[1])] = "oblique"
    out[frontal >= VIEW_LIMITS[1]] = "front"
    return out


def compute_angles(
    xy: np.ndarray, confidence: np.ndarray, facing: np.ndarray, definitions: tuple[AngleDef, ...] = ANGLES
) -> tuple[np.ndarray, np.ndarray]:
    """Angles of one person.

    xy: (T, N, 2) named points in pixels (x right, y down), NaN where absent.
    confidence: (T, N) per point. facing: (T,) +1 / -1 (see module docstring).
    Returns angles (T, A) degrees, NaN where a point is missing or a joint angle falls outside its
    anatomical interval (``AngleDef.plausible``), and confidence (T, A): the lowest confidence of
    the angle's points times :func:`foreshortening` of its segments (for the sagittal angles,
    :data:`SAGITTAL`, times :func:`side_view`; for the ankle and foot times :func:`foot_in_view`
    too), at most :data:`OUTSIDE_RANGE_CONFIDENCE` past a hinge's stop (:data:`HINGE_STOP`), 0
    where the angle is NaN.
    """
    flipped = xy * np.stack([facing, np.ones_like(facing)], axis=-1)[:, None, :]
    sideways = side_view(frontalness(xy))
    frames = xy.shape[0]
    angles = np.full((frames, len(definitions)), np.nan)
    conf = np.zeros((frames, len(definitions)))
    for a, d in enumerate(definitions):
        idx = [point_index(n) for n in d.points]
        pts = [flipped[:, i] for i in idx]
        raw = _raw_angle(pts)
        value = (raw + d.offset) * d.scale if d.signed else np.abs(wrap(raw + d.offset))
        conf[:, a] = confidence[:, idx].min(axis=1) * foreshortening(_vectors(pts))
        joint = d.name.split("_", 1)[1] if "_" in d.name else d.name
        if needs_side_view(d.name):
            conf[:, a] *= sideways
        if joint in ("ankle", "foot"):  # needs the foot seen from the side
            side = d.points[0][0]
            at = {n: flipped[:, point_index(f"{side}{n}")] for n in ("BigToe", "Heel", "Knee", "Ankle")}
            conf[:, a] *= foot_in_view(at["BigToe"] - at["Heel"], at["Ankle"] - at["Knee"])
        if d.plausible is None:
            angles[:, a] = wrap(value, d.wrap)
        else:
            low, high = d.plausible
            start = d.window[0] if d.window else -180.0
            value = start + (value - start) % 360.0
            angles[:, a] = np.where((value >= low) & (value <= high), value, np.nan)
            if joint in HINGE_STOP:
                beyond = angles[:, a] > HINGE_STOP[joint]
                conf[beyond, a] = np.minimum(conf[beyond, a], OUTSIDE_RANGE_CONFIDENCE)
    conf[~np.isfinite(angles)] = 0.0
    return angles, conf


def estimate_facing(xy: np.ndarray, window: int = 31) -> np.ndarray:
    """+1 where the athlete faces the image's right, -1 its left, per frame.

    xy: (T, N, 2). Evidence per frame, first available of: toes ahead of heels (BODY_25,
    BlazePose; Sports2D's rule), the nose ahead of the ears' midpoint. Frames without evidence take
    the next decided frame (the last one at the end); a running median over ``window`` frames keeps noise from flipping
    it. Returns (T,) float64; all +1 when nothing decides (Sports2D's default side).
    """
    def x(name: str) -> np.ndarray:
        return xy[:, point_index(name), 0]

    toes = (x("LBigToe") + x("RBigToe")) - (x("LHeel") + x("RHeel"))
    nose = x("Nose") - x("Head")
    evidence = np.where(np.isfinite(toes), toes, nose)
    sign = np.sign(np.nan_to_num(evidence))
    known = np.flatnonzero(sign != 0)
    if known.size == 0:
        return np.ones(xy.shape[0])
    nearest = known[np.clip(np.searchsorted(known, np.arange(sign.size)), 0, known.size - 1)]
    sign = sign[nearest]
    if window > 1 and sign.size > window:
        from scipy.ndimage import median_filter

        sign = median_filter(sign, size=window | 1, mode="nearest")
    return np.where(sign < 0, -1.0, 1.0)
