"""The metrics stored per analysis for progress charts and the team dashboard: one value per
(action, metric), computed from an analysis' kinematics and events, over the frames of that
action (its action segments when an action model labelled the video, else the whole clip under
the video's movement).

Each value carries the time range to open the report at: the deepest repetition, the highest
jump, or the span of the action.

Shapes: T frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from inference.compare.segments import action_at, action_segments

if TYPE_CHECKING:
    from inference.kinematics.core import Kinematics

MIN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class MetricDef:
    label: str
    unit: str
    better: int  # +1 higher is better, -1 lower is better, 0 neither (tempo, counts)
    meaning: str


METRICS: dict[str, MetricDef] = {
    "knee_flexion_max": MetricDef("Squat depth (deepest knee flexion)", "deg", +1,
                                  "mean over repetitions of the deepest knee flexion, both knees averaged"),
    "rep_count": MetricDef("Repetitions", "count", 0, "repetitions detected"),
    "rep_duration_s": MetricDef("Repetition duration (tempo)", "s", 0, "mean time of a repetition"),
    "jump_count": MetricDef("Jumps", "count", 0, "jumps detected"),
    "jump_height_m": MetricDef("Jump height (best)", "m", +1, "from the flight time, h = g t² / 8"),
    "flight_time_s": MetricDef("Flight time (best)", "s", +1, "take-off to landing of the best jump"),
    "cadence_spm": MetricDef("Cadence", "steps/min", 0, "steps per minute"),
    "knee_rom": MetricDef("Knee range of motion", "deg", +1, "2nd–98th percentile span, sides averaged"),
    "hip_rom": MetricDef("Hip range of motion", "deg", +1, "2nd–98th percentile span, sides averaged"),
    "ankle_rom": MetricDef("Ankle range of motion", "deg", +1, "2nd–98th percentile span, sides averaged"),
    "trunk_lean_max": MetricDef("Greatest forward trunk lean", "deg", -1,
                                "98th percentile of the trunk's lean from vertical"),
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
    spans = [float(np.subtract(*np.percentile(v, [98, 2]))) for side in ("left", "right")
             if (v := _angle(kin, f"{side}_{joint}", mask)).size >= 10]
    return float(np.mean(spans)) if spans else None


def _peak_flexion(kin: Kinematics, start: float, end: float) -> float | None:
    mask = (kin.timestamps >= start) & (kin.timestamps <= end)
    values = np.concatenate([_angle(kin, n, mask) for n in ("left_knee", "right_knee")])
    return float(values.max()) if values.size else None


def _event_metrics(kin: Kinematics, action: str, events: list[dict[str, Any]]) -> list[MetricValue]:
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
    steps = sorted(e["end"] for e in events if e["kind"] == "step")
    if len(steps) >= 2 and steps[-1] > steps[0]:
        out.append(MetricValue(action, "cadence_spm", 60.0 * (len(steps) - 1) / (steps[-1] - steps[0]),
                               steps[0], steps[-1]))
    return out


def _frame_metrics(kin: Kinematics, action: str, mask: np.ndarray) -> list[MetricValue]:
    seen = kin.timestamps[mask]
    if seen.size < 10:
        return []
    span = (float(seen[0]), float(seen[-1]))
    out = [MetricValue(action, f"{joint}_rom", value, *span)
           for joint in ("knee", "hip", "ankle") if (value := _rom(kin, joint, mask)) is not None]
    trunk = _angle(kin, "trunk", mask)
    if trunk.size >= 10:
        out.append(MetricValue(action, "trunk_lean_max", float(np.percentile(90.0 - trunk, 98)), *span))
    return out


def analysis_metrics(kin: Kinematics, summary: dict[str, Any], movement: str) -> list[MetricValue]:
    """Every metric of an analysis: per action (action segments, else ``movement``)."""
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
        mine = [e for e in events if action_at(segments, (e["start"] + e["end"]) / 2, movement) == action]
        out += _event_metrics(kin, action, mine) + _frame_metrics(kin, action, mask)
    return [m for m in out if np.isfinite(m.value)]
