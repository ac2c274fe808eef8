"""Measures that technique rules compare with thresholds.

A measure takes the athlete's kinematics and events and returns one :class:`Instance` per thing it
judged (a repetition, a landing, a step, each span of the clip) — a value, a time range and, for a
ratio, the absolute difference behind it — or a string saying why it could not be measured (no
repetitions found, a side view needed, a keypoint set without heels, a joint that did not move
beyond the noise...). Angles follow :mod:`inference.kinematics.angles` (x flipped to the facing
direction, so "forward" is +x).

Only tracked samples are judged: an angle or point whose confidence is below
:data:`MIN_CONFIDENCE` (interpolated over a gap, foreshortened, not seen) is treated as missing,
so a value is never read off an interpolation across frames where the athlete was not seen; and
measures over the clip read only the spans where the movement applies (:attr:`Context.spans`).

Noise floors (:data:`ANGLE_NOISE_DEG` and the others below) were measured with
``bench/feedback_noise.py`` on people the truth files say stand still: the bystander-free spans of
the four development clips in ../shared/media (both men of indoor_two_people_1080p 0-0.7 s, the
foreground woman's legs in lab_two_people_portrait_60fps, the basketball athlete's legs in her two
idle spans; people 100-1200 px tall; the bystander by the back wall of the lab clips has no track), through the same kinematics as an athlete, over samples with
confidence >= 0.5. Single-sample noise hardly depended on the person's size in pixels there (the
pose model's jitter, not pixel rounding), so the floors are constants in degrees and centimetres.

Shapes: T frames; times in seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from inference.kinematics.angles import needs_side_view, view_labels
from inference.kinematics.core import Kinematics
from inference.kinematics.events import Event, Events, contacts_of, swing_seen
from inference.kinematics.filters import runs
from inference.kinematics.ground import MIN_SWING_S

LANDING_WINDOW_S = 0.5  # after touch-down, where peak knee flexion of a landing is looked for


MIN_CONFIDENCE = 0.5  # samples below it (interpolated, foreshortened, implausible) are not judged
# Noise floors (module docstring: bench/feedback_noise.py on still people, 30 angle series, 912 samples).
ANGLE_NOISE_DEG = 8.0  # 95th percentile of a still angle sample's deviation from its series' median
ANGLE_DIFF_NOISE_DEG = 11.3  # a difference of two such samples: sqrt(2) x 8.0 (independent errors)
STILL_ROM_DEG = 17.6  # the largest 5-95 % range of motion of a still joint (basketball left knee, 240p)
ROM_DIFF_NOISE_DEG = 11.1  # the largest left-right difference of two still joints' ranges (14 pairs)
GAP_NOISE_CM = 7.2  # 95th percentile deviation of the knee gap and ankle gap, on a 170 cm stature
# The 5-95 % range of the hip centre's height above the ankles (statures) of a person standing
# still, over their tracked frames: 0.039 at most (basketball_pan_240p's player holding the
# follow-through 7.0-7.9 s, ~95 px tall; her 0.5-1.4 s has 5 tracked frames, too few), 0.015-0.023
# for indoor_two_people_1080p's two men (0-0.7 s) and lab_two_people_portrait_60fps' woman (whole
# clip); tests/inference/feedback/test_feedback_real.py. Plus one pixel of that smallest athlete
# (0.01 statures) of rounding. A squat to 60° of knee flexion lowers the hips by about 0.07
# statures (shank 25° and thigh 35° from vertical, segments 0.246 and 0.245 H: Drillis & Contini
# via Winter 2009, Fig. 4.1); shallower ones stay within it. The trunk's segment angle is held to
# STILL_ROM_DEG (its ranges on the same people: 3-10°).
STILL_HIP_RANGE = 0.05
NOMINAL_STATURE_M = 1.70  # pixels -> cm through the estimated stature when the height is not given


@dataclass(frozen=True)
class Instance:
    """value: in the rule's unit; effect: for a relative value (a ratio, a percentage) the absolute
    difference behind it, in the rule's effect unit (degrees, cm); None where the value is already
    absolute (its distance past the threshold is the effect)."""

    value: float
    start: float
    end: float
    effect: float | None = None


@dataclass(frozen=True)
class Context:
    """What measures read: kinematics, events (already those of ``spans``), and the spans where
    the movement applies ((start, end) seconds; None: the whole clip)."""

    kin: Kinematics
    events: Events
    spans: tuple[tuple[float, float], ...] | None = None

    def inside(self) -> np.ndarray:
        """(T,) bool: frames inside the spans."""
        t = self.kin.timestamps
        if self.spans is None:
            return np.ones(t.size, bool)
        return np.any([(t >= a) & (t <= b) for a, b in self.spans], axis=0) if self.spans else np.zeros(t.size, bool)

    def ranges(self) -> list[tuple[float, float]]:
        """The spans, or the clip's first to last frame."""
        t = self.kin.timestamps
        return list(self.spans) if self.spans is not None else [(float(t[0]), float(t[-1]))]


Measured = list[Instance] | str
Measure = Callable[..., Measured]


def tracked_angle(kin: Kinematics, name: str) -> np.ndarray:
    """(T,) the angle, NaN where its confidence is below MIN_CONFIDENCE (not seen, interpolated)."""
    x = kin.angle(name).astype(np.float64, copy=True)
    x[kin.angle_confidence[:, kin.angle_names.index(name)] < MIN_CONFIDENCE] = np.nan
    return x


def tracked_point(kin: Kinematics, name: str) -> np.ndarray:
    """(T, 2) the named point, NaN where its confidence is below MIN_CONFIDENCE."""
    from inference.kinematics.points import point_index

    xy = kin.point(name).astype(np.float64, copy=True)
    xy[kin.point_confidence[:, point_index(name)] < MIN_CONFIDENCE] = np.nan
    return xy


def _both(kin: Kinematics, joint: str) -> np.ndarray:
    """(T,) mean of the right and left angle where either is tracked."""
    pair = np.stack([tracked_angle(kin, f"right_{joint}"), tracked_angle(kin, f"left_{joint}")], axis=1)
    out = np.full(pair.shape[0], np.nan)
    seen = np.isfinite(pair).any(axis=1)
    out[seen] = np.nanmean(pair[seen], axis=1)
    return out


def _at(t: np.ndarray, x: np.ndarray, time: float) -> float:
    """x at ``time``, interpolated between the two frames around it; NaN unless both are tracked
    (never across a gap where the athlete was not seen)."""
    if t.size < 2 or not t[0] <= time <= t[-1]:
        return float("nan")
    hi = int(np.clip(np.searchsorted(t, time), 1, t.size - 1))
    pair = x[hi - 1 : hi + 1]
    if not np.isfinite(pair).all():
        return float("nan")
    return float(np.interp(time, t[hi - 1 : hi + 1], pair))


def _window(t: np.ndarray, x: np.ndarray, start: float, end: float) -> np.ndarray:
    return x[(t >= start) & (t <= end)]


def _reps(ctx: Context) -> list[Event] | str:
    reps = ctx.events.of_kind("rep")
    return reps or "no repetitions were found"


def _per_rep(ctx: Context, value: Callable[[Event], float]) -> Measured:
    reps = _reps(ctx)
    if isinstance(reps, str):
        return reps
    found = [Instance(v, r.start, r.end) for r in reps if np.isfinite(v := value(r))]
    why = "the joints needed were not seen during the repetitions"
    return found or unmeasured(ctx, [(r.start, r.end) for r in reps], why)


def squat_depth(ctx: Context) -> Measured:
    """Thigh angle to the horizontal at the deepest point of each repetition (Sports2D thigh
    angle, hip→knee): 0 = thigh parallel, > 0 = hip below knee."""
    kin, thigh = ctx.kin, _both(ctx.kin, "thigh")
    return _per_rep(ctx, lambda r: _peak(_window(kin.timestamps, thigh, r.start, r.end)))


def frontalness(kin: Kinematics, frames: np.ndarray | None = None) -> float:
    """≈ |cos(yaw)| of the athlete to the camera over ``frames`` (a (T,) mask; None: every frame):
    the median of the kinematics' per-frame value (:meth:`Kinematics.frontalness`, the one
    definition: 1 front or back view, 0 side view) over the frames where the athlete is tracked
    (hip centre and neck with confidence >= :data:`MIN_CONFIDENCE`), NaN without one."""
    from inference.kinematics.points import point_index

    keep = np.ones(kin.timestamps.size, bool) if frames is None else np.asarray(frames, bool)
    tracked = (kin.point_confidence[:, [point_index("Hip"), point_index("Neck")]] >= MIN_CONFIDENCE).all(axis=1)
    values = kin.frontalness()[keep & tracked]
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else float("nan")


def view_of(kin: Kinematics, frames: np.ndarray | None = None) -> str:
    """"side", "front" (or back), "oblique" or "unknown" (no tracked frame) of :func:`frontalness`
    over ``frames`` (None: the whole clip), with the kinematics' limits
    (:data:`inference.kinematics.angles.VIEW_LIMITS`)."""
    return str(view_labels(np.array([frontalness(kin, frames)]))[0])


def view_during(kin: Kinematics, start: float, end: float) -> str:
    """The view (:func:`view_of`) of the frames from ``start`` to ``end`` seconds: where a rule
    judges a landing, a repetition, a step or a span, as the athlete may turn during a clip."""
    t = kin.timestamps
    return view_of(kin, (t >= start) & (t <= end))


NOT_APPLIED = "not applied: "  # how a reason about the camera view begins
VIEW_WORDS = {"front": "from the front or back", "side": "from the side", "oblique": "at an angle",
              "unknown": "too little to tell the view"}


def not_in_view(needs: str, views: list[str], where: str) -> str:
    """Why a rule that needs the view ``needs`` was not applied: the views the athlete was seen in
    ``where``."""
    seen = " or ".join(VIEW_WORDS[v] for v in dict.fromkeys(views))
    return f"{NOT_APPLIED}needs a {needs} view; the athlete was seen {seen} {where}"


def windows_text(windows: list[tuple[float, float]]) -> str:
    """ "where it judges (0.65–1.15 s, …)": the first four windows."""
    where = ", ".join(f"{a:.2f}–{b:.2f} s" for a, b in windows[:4]) + (", …" if len(windows) > 4 else "")
    return f"where it judges ({where})"


def unmeasured(ctx: Context, windows: list[tuple[float, float]], why: str) -> str:
    """The reason a side-view measure found nothing to judge in ``windows`` (seconds): where none
    of them was seen from the side, that (the sagittal angles it reads are trusted from the side
    only, :func:`inference.kinematics.angles.needs_side_view`), else ``why``."""
    views = [view_during(ctx.kin, a, b) for a, b in windows]
    if views and "side" not in views:
        return not_in_view("side", views, windows_text(windows))
    return why


def centimetres_per_pixel(kin: Kinematics) -> float:
    """From the athlete's height when given, else through a nominal stature (NaN: never seen)."""
    if kin.scale.metres_per_pixel is not None:
        return 100.0 * kin.scale.metres_per_pixel
    return 100.0 * NOMINAL_STATURE_M / kin.scale.height_px if kin.scale.height_px else float("nan")


def knee_separation(ctx: Context) -> Measured:
    """Knee separation / ankle separation at the deepest point of each repetition (frontal view).
    < 1: knees closer together than the ankles (valgus proxy). Effect: how much narrower the
    knees are than the ankles, cm."""
    kin, cm = ctx.kin, centimetres_per_pixel(ctx.kin)
    reps = _reps(ctx)
    if isinstance(reps, str):
        return reps
    x = {name: tracked_point(kin, name)[:, 0] for name in ("RKnee", "LKnee", "RAnkle", "LAnkle")}
    found = []
    for r in reps:
        tb = r.values["peak_time_s"]
        knees = abs(_at(kin.timestamps, x["RKnee"], tb) - _at(kin.timestamps, x["LKnee"], tb))
        ankles = abs(_at(kin.timestamps, x["RAnkle"], tb) - _at(kin.timestamps, x["LAnkle"], tb))
        if np.isfinite(knees) and np.isfinite(ankles) and ankles > 0:
            found.append(Instance(knees / ankles, r.start, r.end, effect=(ankles - knees) * cm))
    return found or "the knees and ankles were not seen at the bottom of the repetitions"


def _forward_lean(kin: Kinematics) -> np.ndarray:
    """(T,) trunk lean from vertical, + forward (Sports2D trunk angle 90 = upright), tracked only."""
    return 90.0 - tracked_angle(kin, "trunk")


def trunk_shank_difference(ctx: Context) -> Measured:
    """Trunk forward lean minus shank forward inclination (knee ahead of ankle) at each rep's
    deepest point; 0 = trunk parallel to the shins."""
    kin = ctx.kin
    shank_incline = -90.0 - _both(kin, "shank")
    diff = (_forward_lean(kin) - shank_incline + 180.0) % 360.0 - 180.0
    return _per_rep(ctx, lambda r: _at(kin.timestamps, diff, r.values["peak_time_s"]))


def heel_lift(ctx: Context) -> Measured:
    """Largest drop of the foot angle (heel rising) during each rep, relative to the rep's start."""
    kin, foot = ctx.kin, _both(ctx.kin, "foot")
    if not np.isfinite(foot).any():
        return "this keypoint set has no heels and toes, or the feet were not seen"

    def lift(r: Event) -> float:
        return _at(kin.timestamps, foot, r.start) - np.nanmin(_window(kin.timestamps, foot, r.start, r.end), initial=np.nan)

    return _per_rep(ctx, lift)


def _landings(ctx: Context) -> list[Event] | str:
    jumps = ctx.events.of_kind("jump")
    return jumps or "no jumps were found"


def _landing_windows(jumps: list[Event]) -> list[tuple[float, float]]:
    return [(j.end, j.end + LANDING_WINDOW_S) for j in jumps]


def landing_knee_flexion(ctx: Context, at: str = "contact") -> Measured:
    """Knee flexion (mean of both) at touch-down ("contact") or its increase over the next 0.5 s
    ("displacement")."""
    jumps = _landings(ctx)
    if isinstance(jumps, str):
        return jumps
    kin, knee = ctx.kin, _both(ctx.kin, "knee")
    found = []
    for j in jumps:
        contact = _at(kin.timestamps, knee, j.end)
        peak = _peak(_window(kin.timestamps, knee, j.end, j.end + LANDING_WINDOW_S))
        value = contact if at == "contact" else peak - contact
        if np.isfinite(value):
            found.append(Instance(float(value), j.end, j.end + LANDING_WINDOW_S))
    return found or unmeasured(ctx, _landing_windows(jumps), "the knees were not seen at landing")


def _peak(values: np.ndarray) -> float:
    """The largest finite value, NaN when there is none (without NumPy's all-NaN warning)."""
    finite = values[np.isfinite(values)]
    return float(finite.max()) if finite.size else float("nan")


def _symmetry(left: float, right: float) -> float:
    """Limb symmetry index, % (smaller / larger)."""
    big = max(abs(left), abs(right))
    return 100.0 * min(abs(left), abs(right)) / big if big > 0 else float("nan")


def landing_symmetry(ctx: Context) -> Measured:
    """Symmetry of peak knee flexion in the 0.5 s after each landing, % (100 = equal); effect:
    the difference of the two peaks, degrees."""
    jumps = _landings(ctx)
    if isinstance(jumps, str):
        return jumps
    kin, found = ctx.kin, []
    knees = {s: tracked_angle(kin, f"{s}_knee") for s in ("left", "right")}
    for j in jumps:
        left, right = (_peak(_window(kin.timestamps, knees[s], j.end, j.end + LANDING_WINDOW_S))
                       for s in ("left", "right"))  # fmt: skip
        if np.isfinite(left) and np.isfinite(right):
            found.append(Instance(_symmetry(left, right), j.end, j.end + LANDING_WINDOW_S, effect=abs(left - right)))
    return found or unmeasured(ctx, _landing_windows(jumps), "the knees were not seen at landing")


def trunk_lean(ctx: Context) -> Measured:
    """Median forward trunk lean over the tracked frames where the movement applies (side view),
    one instance per span."""
    lean = _forward_lean(ctx.kin)[ctx.inside()]
    if not np.isfinite(lean).any():
        return "the trunk was not seen"
    value = float(np.nanmedian(lean))
    return [Instance(value, a, b) for a, b in ctx.ranges()]


def _steps(ctx: Context) -> list[Event] | str:
    return ctx.events.of_kind("step") or "no steps were found"


def knee_drive(ctx: Context) -> Measured:
    """Peak hip flexion of the swinging leg during each step whose whole swing was seen."""
    steps = _steps(ctx)
    if isinstance(steps, str):
        return steps
    steps = [s for s in steps if swing_seen(s)]  # a swing cut by the clip's start may miss its peak
    if not steps:
        return "no whole swing was seen"
    kin = ctx.kin
    hips = {s: tracked_angle(kin, f"{s}_hip") for s in ("left", "right")}
    found = [Instance(float(v), s.start, s.end) for s in steps if s.side in hips
             and np.isfinite(v := _peak(_window(kin.timestamps, hips[s.side], s.start, s.end)))]  # fmt: skip
    return found or unmeasured(ctx, [(s.start, s.end) for s in steps], "the hips were not seen during the steps")


def shank_at_contact(ctx: Context) -> Measured:
    """Shank inclination at touch-down, + with the ankle ahead of the knee (overstride proxy)."""
    steps = _steps(ctx)
    if isinstance(steps, str):
        return steps
    kin = ctx.kin
    shanks = {s: tracked_angle(kin, f"{s}_shank") for s in ("left", "right")}
    found = [Instance(v, s.end - 0.05, s.end + 0.05) for s in steps if s.side in shanks
             and np.isfinite(v := 90.0 + _at(kin.timestamps, shanks[s.side], s.end))]  # fmt: skip
    return found or "the shanks were not seen at touch-down"


# A range of motion needs enough tracked samples to be the movement's: the 5th percentile of n
# samples (linear interpolation) lies past the lowest sample only from n = 21 on (0.05 (n - 1) >= 1),
# so with fewer a single wrong frame sets the range, which the report's note says it does not; and
# at least a quarter of the frames asked about (our choice), else it is the range of a few moments,
# not of the clip or the segment. Measured (2026-11-30 at 9e54e58, the scoreboard's athletes,
# samples with confidence >= 0.5): knees are tracked in 43-100 % of the frames (basketball 240p
# 43-45 %); what falls below a quarter are far-side limbs and the sagittal angles outside side
# views: basketball's ankles 4 and 10 of 300 frames (the review's "left ankle 50°" rested on 6, two
# of them isolated single frames at -66° and -68°), its hips 19 and 25, shoulders 5 and 27, left
# elbow 55; Sports2D's left ankle 35, left hip 45, left shoulder 3 of 230; indoor's right ankle and
# hip 10 of 72.
MIN_ROM_SAMPLES = 21
MIN_ROM_SHARE = 0.25


def range_of_motion(kin: Kinematics, name: str, frames: np.ndarray | None = None) -> float:
    """5th to 95th percentile range of an angle over its tracked frames (of ``frames``, a (T,)
    mask), degrees (robust to single-frame errors); NaN (cannot be measured) with fewer than
    :data:`MIN_ROM_SAMPLES` tracked frames or fewer than :data:`MIN_ROM_SHARE` of the frames asked
    about. The one definition: the report's key numbers, the symmetry rules and the progress
    metrics all read it."""
    x = tracked_angle(kin, name)
    asked = np.ones(x.size, bool) if frames is None else np.asarray(frames, bool)
    good = x[np.isfinite(x) & asked]
    if good.size < max(MIN_ROM_SAMPLES, MIN_ROM_SHARE * int(asked.sum())):
        return float("nan")
    return float(np.subtract(*np.percentile(good, [95, 5])))


STANDING_JOINTS = ("knee", "hip")


def _still_legs(ctx: Context) -> str | None:
    """Why the legs count as still — every tracked knee and hip range of motion within
    :data:`STILL_ROM_DEG`, what a still joint shows — or None (they moved, or were not measured:
    both are trusted from the side only)."""
    frames = ctx.inside()
    roms = {f"{side} {joint}": range_of_motion(ctx.kin, f"{side}_{joint}", frames)
            for joint in STANDING_JOINTS for side in ("left", "right")}  # fmt: skip
    seen = {name: rom for name, rom in roms.items() if np.isfinite(rom)}
    if not seen or max(seen.values()) > STILL_ROM_DEG:
        return None
    return (f"the athlete stood still: knee and hip ranges of at most {max(seen.values()):.0f}°, within the "
            f"{STILL_ROM_DEG:.0f}° a still joint shows in 2-D pose")


def hip_height_range(kin: Kinematics, frames: np.ndarray | None = None) -> float:
    """5th to 95th percentile range of the hip centre's height above the ankles (the mean of the two
    ankles' rows), statures, over the frames (of ``frames``, a (T,) mask) where the hips and both
    ankles are tracked; NaN with fewer tracked frames than a range of motion needs
    (:data:`MIN_ROM_SAMPLES`, :data:`MIN_ROM_SHARE`). Measured from the feet, so a camera tilting
    or panning does not count; a squat lowers it, standing does not."""
    from inference.kinematics.scale import stature_series

    ankles = (tracked_point(kin, "RAnkle")[:, 1] + tracked_point(kin, "LAnkle")[:, 1]) / 2
    with np.errstate(invalid="ignore"):
        height = (ankles - tracked_point(kin, "Hip")[:, 1]) / stature_series(kin.points, kin.timestamps)
    asked = np.ones(height.size, bool) if frames is None else np.asarray(frames, bool)
    good = height[np.isfinite(height) & asked]
    if good.size < max(MIN_ROM_SAMPLES, MIN_ROM_SHARE * int(asked.sum())):
        return float("nan")
    return float(np.subtract(*np.percentile(good, [95, 5])))


def _body_still(ctx: Context) -> str | None:
    """Why the body above the feet counts as still — the hip centre's height above the ankles within
    :data:`STILL_HIP_RANGE` (:func:`hip_height_range`) and the trunk's segment angle within
    :data:`STILL_ROM_DEG` where tracked — or None: it moved (a squat in place, a lunge with the feet
    planted), or the hips were not seen enough to tell."""
    frames = ctx.inside()
    hips = hip_height_range(ctx.kin, frames)
    trunk = range_of_motion(ctx.kin, "trunk", frames)
    if not hips <= STILL_HIP_RANGE or trunk > STILL_ROM_DEG:  # NaN hips: cannot tell, not still
        return None
    said = f"the hips within {hips:.2f} statures" + (f" and the trunk within {trunk:.0f}°" if np.isfinite(trunk) else "")
    return f"{said}, what a still body shows in 2-D pose"


def _feet_on_the_ground(ctx: Context) -> str | None:
    """Why the athlete counts as standing in place, in any view — neither foot was seen off the
    ground (:func:`inference.kinematics.ground.foot_contacts`) for :data:`~inference.kinematics.ground.MIN_SWING_S`
    or longer, the shortest real swing, where the movement applies, and the body above the feet
    stayed still (:func:`_body_still`: feet that never leave the ground under a squat are no
    standing) — or None: a foot left the ground, the body moved, or the feet were seen in fewer
    than :data:`MIN_ROM_SHARE` of those frames (the share a range of motion needs), or the body's
    size was never measured."""
    contacts = contacts_of(ctx.kin)
    if contacts is None:
        return None
    frames, t = ctx.inside(), ctx.kin.timestamps
    seen = frames & contacts.known["right"] & contacts.known["left"]
    if not seen.any() or seen.sum() < MIN_ROM_SHARE * frames.sum():
        return None
    dt = float(np.median(np.diff(t))) if t.size > 1 else 0.0
    for side in ("right", "left"):
        for start, stop in runs(frames & contacts.known[side] & ~contacts.contact[side]):
            if t[stop - 1] - t[start] + dt >= MIN_SWING_S:
                return None
    body = _body_still(ctx)
    if body is None:
        return None
    return (f"the athlete stood in place: neither foot left the ground for {MIN_SWING_S:.1f} s or more "
            f"(the shortest real swing) and {body}, so there is no gait whose sides to compare")


def standing_still(ctx: Context) -> str | None:
    """Why the athlete counts as standing where the movement applies, or None when they moved
    (or could not be judged): the feet stayed on the ground (:func:`_feet_on_the_ground`, any view)
    or, where the feet's contacts cannot tell (a camera panning under them), the legs' ranges of
    motion stayed within the noise (:func:`_still_legs`, side views)."""
    return _feet_on_the_ground(ctx) or _still_legs(ctx)


def rom_symmetry(ctx: Context, joint: str) -> Measured:
    """Symmetry of the left and right ranges of motion of ``joint`` where the movement applies, %;
    effect: the difference of the two ranges, degrees. Not judged for an athlete standing still,
    nor for a joint whose sides both stay within the range a still joint shows."""
    standing = standing_still(ctx)
    if standing is not None:
        return standing
    frames = ctx.inside()
    left, right = (range_of_motion(ctx.kin, f"{side}_{joint}", frames) for side in ("left", "right"))
    if not (np.isfinite(left) and np.isfinite(right)):
        side = int((ctx.kin.view()[frames] == "side").sum())
        if needs_side_view(joint) and side < max(MIN_ROM_SAMPLES, MIN_ROM_SHARE * int(frames.sum())):
            seen = (f"was filmed from the side in only {side} of {int(frames.sum())} frames" if side
                    else "was not filmed from the side")
            return f"the {joint} angle needs a side view; the athlete {seen} here"
        return f"the {joint}s were not seen on both sides"
    if max(left, right) <= STILL_ROM_DEG:
        return (f"neither {joint} moved beyond the noise ({left:.0f}° and {right:.0f}°; a still joint shows up to "
                f"{STILL_ROM_DEG:.0f}°)")
    return [Instance(_symmetry(left, right), a, b, effect=abs(left - right)) for a, b in ctx.ranges()]


# Each measure and the camera view it needs (None: any), judged where the measure judges (each
# instance's time range, :func:`view_during`). Sagittal-plane angles need a side view — knee
# flexion at a landing and its left/right symmetry too: from the front a knee's 2-D angle is
# not its flexion, so comparing two of them compares noise — the knee-separation ratio a front or
# back view.
MEASURES: dict[str, tuple[Measure, str | None]] = {
    "squat_depth": (squat_depth, "side"),
    "knee_separation": (knee_separation, "front"),
    "trunk_shank_difference": (trunk_shank_difference, "side"),
    "heel_lift": (heel_lift, "side"),
    "landing_knee_flexion": (landing_knee_flexion, "side"),
    "landing_symmetry": (landing_symmetry, "side"),
    "trunk_lean": (trunk_lean, "side"),
    "knee_drive": (knee_drive, "side"),
    "shank_at_contact": (shank_at_contact, "side"),
    "rom_symmetry": (rom_symmetry, None),
}


def ranges_of_motion(kin: Kinematics) -> dict[str, Any]:
    """{angle: ROM degrees or None} for every angle (the report's summary)."""
    return {n: (round(v, 1) if np.isfinite(v := range_of_motion(kin, n)) else None) for n in kin.angle_names}
