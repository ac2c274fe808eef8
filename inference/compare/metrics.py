"""The metrics stored per analysis for progress charts and the team dashboard: one value per
(action, metric), computed from an analysis' kinematics and events, over the frames of that
action (its confident action segments when an action model labelled the video, else the whole
clip under the video's movement), only where the athlete was tracked in enough of those frames.
Each metric carries its noise (:data:`NOISE`): the smallest change between two sessions that a
trend may call a change.

Each value carries the time range to open the report at: the deepest repetition, the highest
jump, or the span of the action.

Shapes: T frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from inference.compare.segments import action_at, action_segments
from inference.feedback.measures import ANGLE_DIFF_NOISE_DEG, ROM_DIFF_NOISE_DEG, range_of_motion
from inference.kinematics.events import (
    MIN_CADENCE_STEPS,
    Event,
    alternating_steps,
    cadence,
    is_uncertain,
)

if TYPE_CHECKING:
    from inference.kinematics.core import Kinematics

MIN_CONFIDENCE = 0.5
# A group of frames (an action's segments, or the whole clip) is measured only where the athlete is
# tracked in at least this share of its frames (a knee, hip or hip elevation angle measured with
# MIN_CONFIDENCE: the elevation is the thigh's angle in any view, since knee and signed hip are
# trusted from the side only) and in at least MIN_TRACKED_FRAMES of them: a value over a mostly
# untracked span measures the gaps.
MIN_TRACKED_SHARE = 0.8
MIN_TRACKED_FRAMES = 10

# Noise of the difference of one metric between two sessions (the smallest change a trend may call
# improved or declined). Angles: inference.feedback.measures, measured by bench/feedback_noise.py on
# people standing still in the real clips (ROM_DIFF_NOISE_DEG: the largest difference of two still
# joints' ranges, 11.1°; ANGLE_DIFF_NOISE_DEG: a difference of two angle samples, 11.3°). Times:
# two video frames at 30 fps (each of the two sessions' events is placed to about a frame), not
# measured on footage; jump height follows through h = g t² / 8 at a 0.5 s flight
# (dh = g t dt / 4 = 0.08 m). Counts: one event. Cadence: the scoreboard's target for the step
# detector's cadence (bench/realworld.py, 5 steps/min), not met on every clip.
FRAME_NOISE_S = 2 / 30.0
NOISE: dict[str, float] = {"rom": ROM_DIFF_NOISE_DEG, "angle": ANGLE_DIFF_NOISE_DEG, "time": FRAME_NOISE_S,
                           "height": 9.81 * 0.5 * FRAME_NOISE_S / 4, "count": 1.0, "cadence": 5.0}  # fmt: skip


# Range of motion has one definition, the report's (range_of_motion); progress keeps one value per
# joint, the mean of the two sides' ranges, and says so in its label.
ROM_MEANING = ("5th–95th percentile span of each side's angle over the tracked frames, as the report's "
               "ranges (inference.feedback.measures.range_of_motion), the two sides averaged")


@dataclass(frozen=True)
class MetricDef:
    label: str
    unit: str
    better: int  # +1 higher is better, -1 lower is better, 0 neither (tempo, counts)
    meaning: str
    noise: float  # the smallest real change between two sessions (NOISE)


METRICS: dict[str, MetricDef] = {
    "knee_flexion_max": MetricDef("Squat depth (deepest knee flexion)", "deg", +1,
                                  "mean over repetitions of the deepest knee flexion, both knees averaged", NOISE["angle"]),
    "rep_count": MetricDef("Repetitions", "count", 0, "repetitions detected", NOISE["count"]),
    "rep_duration_s": MetricDef("Repetition duration (tempo)", "s", 0, "mean time of a repetition", NOISE["time"]),
    "jump_count": MetricDef("Jumps", "count", 0, "jumps detected", NOISE["count"]),
    "jump_height_m": MetricDef("Jump height (best)", "m", +1, "from the flight time, h = g t² / 8", NOISE["height"]),
    "flight_time_s": MetricDef("Flight time (best)", "s", +1, "take-off to landing of the best jump", NOISE["time"]),
    "cadence_spm": MetricDef("Cadence", "steps/min", 0, "steps per minute", NOISE["cadence"]),
    "knee_rom": MetricDef("Knee range of motion (mean of both sides)", "deg", +1, ROM_MEANING, NOISE["rom"]),
    "hip_rom": MetricDef("Hip range of motion (mean of both sides)", "deg", +1, ROM_MEANING, NOISE["rom"]),
    "ankle_rom": MetricDef("Ankle range of motion (mean of both sides)", "deg", +1, ROM_MEANING, NOISE["rom"]),
    # Knee, hip and ankle flexion are trusted from the side only (inference.kinematics.angles
    # .needs_side_view); the thigh's unsigned angle to the trunk is read in any view, so a clip
    # filmed from the front or back still has a leg range to follow.
    "hip_elevation_rom": MetricDef("Thigh-to-trunk range of motion, any view (mean of both sides)", "deg", +1,
                                   ROM_MEANING + "; the thigh's angle to the trunk line whatever its "
                                   "direction, so it is read from the front as well as from the side",
                                   NOISE["rom"]),
    # No direction of better: no rule makes less lean better. The run's rules (inference.feedback
    # .rules) want a slight forward lean and flag both more than 15° and a backward lean; the other
    # movements define none. So a change is shown as a change, never as improved or a best.
    "trunk_lean_max": MetricDef("Greatest forward trunk lean", "deg", 0,
                                "98th percentile of the trunk's lean from vertical (+ forward, − backward), "
                                "in the frames filmed from the side; "
                                "shown without a verdict: whether more or less lean is better depends "
                                "on the movement", NOISE["angle"]),
    # Dance timing (inference/dance; docs/dance.md), the athlete's own accents and offsets.
    "beat_offset_ms": MetricDef("Timing to the beat (median)", "ms", 0,
                                "median offset of the accents on the beat, positive late", NOISE["time"] * 1000),
    "beat_spread_ms": MetricDef("Timing to the beat (mean deviation)", "ms", -1,
                                "mean absolute offset of the accents on the beat", NOISE["time"] * 1000),
    "sync_offset_ms": MetricDef("Offset from the group", "ms", -1,
                                "mean absolute offset against the other dancers over the half phrases matched",
                                NOISE["time"] * 1000),
}  # fmt: skip


@dataclass(frozen=True)
class MetricValue:
    action: str
    metric: str
    value: float
    start: float
    end: float

    @property
    def unit(self) -> str:
        return METRICS[self.metric].unit


def _angle(kin: Kinematics, name: str, mask: np.ndarray) -> np.ndarray:
    if name not in kin.angle_names:
        return np.array([])
    a = kin.angle_names.index(name)
    ok = mask & (kin.angle_confidence[:, a] >= MIN_CONFIDENCE) & np.isfinite(kin.angles[:, a])
    return kin.angles[ok, a]


def _rom(kin: Kinematics, joint: str, mask: np.ndarray) -> float | None:
    """The mean of the left and right range_of_motion of ``joint`` over ``mask`` (ROM_MEANING), from
    the sides range_of_motion can measure there (its minimum of tracked frames, as on the report)."""
    spans = [rom for side in ("left", "right") if (name := f"{side}_{joint}") in kin.angle_names
             and np.isfinite(rom := range_of_motion(kin, name, mask))]  # fmt: skip
    return float(np.mean(spans)) if spans else None


def _peak_flexion(kin: Kinematics, start: float, end: float) -> float | None:
    mask = (kin.timestamps >= start) & (kin.timestamps <= end)
    values = np.concatenate([_angle(kin, n, mask) for n in ("left_knee", "right_knee")])
    return float(values.max()) if values.size else None


def _event_metrics(kin: Kinematics, action: str, events: list[dict[str, Any]]) -> list[MetricValue]:
    """Counts, times and heights of the action's sure events: one below the events stage's
    confidence floor (:func:`inference.kinematics.events.is_uncertain`) is shown on the report as
    uncertain, to check on the video, and is no point on a progress chart. Cadence is the report's
    (:func:`inference.kinematics.events.cadence`: runs of alternating steps, not every step)."""
    events = [e for e in events if not is_uncertain(e)]
    out = []
    reps = [e for e in events if e["kind"] == "rep"]
    if reps:
        span = (reps[0]["start"], reps[-1]["end"])
        out.append(MetricValue(action, "rep_count", float(len(reps)), *span))
        out.append(MetricValue(action, "rep_duration_s",
                               float(np.mean([e["end"] - e["start"] for e in reps])), *span))
        depths = [(d, e) for e in reps if (d := _peak_flexion(kin, e["start"], e["end"])) is not None]
        if depths:
            deepest = max(depths, key=lambda de: de[0])[1]
            out.append(MetricValue(action, "knee_flexion_max", float(np.mean([d for d, _ in depths])),
                                   deepest["start"], deepest["end"]))
    jumps = [e for e in events if e["kind"] == "jump" and (e.get("values") or {}).get("height_m")]
    if jumps:
        best = max(jumps, key=lambda e: e["values"]["height_m"])
        out.append(MetricValue(action, "jump_count", float(len(jumps)), jumps[0]["start"], jumps[-1]["end"]))
        out.append(MetricValue(action, "jump_height_m", float(best["values"]["height_m"]), best["start"], best["end"]))
        out.append(MetricValue(action, "flight_time_s", float(best["values"]["flight_time_s"]),
                               best["start"], best["end"]))
    steps = [Event.from_dict(e) for e in events if e["kind"] == "step"]
    if (steps_per_minute := cadence(steps)) is not None:
        runs = [run for run in alternating_steps(steps) if len(run) >= MIN_CADENCE_STEPS]
        out.append(MetricValue(action, "cadence_spm", steps_per_minute, runs[0][0].end, runs[-1][-1].end))
    return out


def _frame_metrics(kin: Kinematics, action: str, mask: np.ndarray) -> list[MetricValue]:
    seen = kin.timestamps[mask]
    if seen.size < 10:
        return []
    span = (float(seen[0]), float(seen[-1]))
    out = [MetricValue(action, f"{joint}_rom", value, *span)
           for joint in ("knee", "hip", "ankle", "hip_elevation") if (value := _rom(kin, joint, mask)) is not None]
    # Forward or backward lean is seen only from the side: in a front or back view the trunk angle
    # is a sideways lean (Kinematics.view), and an oblique view mixes both.
    trunk = _angle(kin, "trunk", mask & (kin.view() == "side"))
    if trunk.size >= 10:
        out.append(MetricValue(action, "trunk_lean_max", float(np.percentile(90.0 - trunk, 98)), *span))
    return out


def dance_metrics(summary: dict[str, Any]) -> list[MetricValue]:
    """The athlete's dance timing (action "dance") from the dance section of a dance upload: the
    median and mean absolute offset of their accents on the beat, and their mean absolute offset
    against the group; nothing for a number the section could not measure."""
    dance, track = summary.get("dance") or {}, (summary.get("pose") or {}).get("athlete_track_id")
    row = next((r for r in dance.get("dancers", []) if r["track_id"] == track), None)
    if row is None:
        return []
    out = []
    timing, times = row["timing"], row["accents"]["t"] or [0.0]
    if timing.get("median_ms") is not None:
        out.append(MetricValue("dance", "beat_offset_ms", float(timing["median_ms"]), min(times), max(times)))
        out.append(MetricValue("dance", "beat_spread_ms", float(timing["mean_abs_ms"]), min(times), max(times)))
    sync = dance.get("sync") or {}
    mine = next((r for r in sync.get("dancers", []) if r["track_id"] == track), None)
    matched = [(abs(ms), w) for ms, w in zip(mine["offsets_ms"], sync["windows"], strict=False)
               if ms is not None] if mine else []  # fmt: skip
    if matched:
        out.append(MetricValue("dance", "sync_offset_ms", float(np.mean([m for m, _ in matched])),
                               max(0.0, matched[0][1]["start"]), matched[-1][1]["end"]))  # fmt: skip
    return out


def tracked_enough(kin: Kinematics, mask: np.ndarray) -> bool:
    """Whether the athlete is tracked in enough of the frames of ``mask`` (T,): MIN_TRACKED_SHARE
    of them and MIN_TRACKED_FRAMES at least, a knee, hip or hip elevation angle measured with MIN_CONFIDENCE."""
    legs = ("left_knee", "right_knee", "left_hip", "right_hip", "left_hip_elevation", "right_hip_elevation")
    names = [n for n in legs if n in kin.angle_names]
    if not names or not mask.any():
        return False
    cols = [kin.angle_names.index(n) for n in names]
    measured = ((kin.angle_confidence[:, cols] >= MIN_CONFIDENCE) & np.isfinite(kin.angles[:, cols])).any(1)
    tracked = int((measured & mask).sum())
    return tracked >= MIN_TRACKED_FRAMES and tracked >= MIN_TRACKED_SHARE * int(mask.sum())


def analysis_metrics(kin: Kinematics, summary: dict[str, Any], movement: str) -> list[MetricValue]:
    """Every metric of an analysis: per action (its confident action segments, else the whole clip
    under ``movement``), for the groups where the athlete is tracked enough (:func:`tracked_enough`)."""
    segments = action_segments(summary)
    events = (summary.get("events") or {}).get("events", [])
    t = kin.timestamps
    groups: dict[str, np.ndarray] = {}
    for s in segments:
        inside = (t >= s["start"]) & (t <= s["end"])
        groups[str(s["label"])] = groups.get(str(s["label"]), np.zeros(len(t), bool)) | inside
    if not groups:
        groups[movement] = np.ones(len(t), bool)
    out: list[MetricValue] = []
    for action, mask in groups.items():
        if not tracked_enough(kin, mask):
            continue
        mine = [e for e in events if action_at(segments, (e["start"] + e["end"]) / 2, movement) == action]
        out += _event_metrics(kin, action, mine) + _frame_metrics(kin, action, mask)
    out += dance_metrics(summary)
    return [m for m in out if np.isfinite(m.value)]
