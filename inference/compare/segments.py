"""What can be compared in an analysis: its action segments (when an action model labelled the
video), its repetitions and jumps, and the whole clip.

Sources, in the analysis summary: ``actions.segments`` [{"label", "start", "end", ...}] and
``events.events`` [{"kind", "start", "end", "values"}] (inference.kinematics.events). A jump's
event is its flight; its segment adds the countermovement before and the landing after, which is
what a coach compares.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

JUMP_BEFORE_S = 0.8  # countermovement and take-off before the flight
JUMP_AFTER_S = 0.5  # landing and absorption after it
EVENT_KINDS = ("rep", "jump")
IDLE_LABELS = frozenset({"idle"})  # the action model's "nothing in particular" (issue 6)


@dataclass(frozen=True)
class Segment:
    """kind: "action", "rep", "jump" or "whole"; action: the action (or movement) it belongs to;
    start/end: seconds of the segment; core: the event itself (a jump's flight), or None."""

    kind: str
    action: str
    label: str
    start: float
    end: float
    core: tuple[float, float] | None = None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["core"] = list(self.core) if self.core else None
        return out


def action_segments(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The action model's segments [{"label", "start", "end"}] of something done (not idle), or
    [] when there are none."""
    actions = summary.get("actions") or {}
    return [s for s in actions.get("segments") or []
            if s.get("end", 0) > s.get("start", 0) and s.get("label") not in IDLE_LABELS]


def action_at(segments: list[dict[str, Any]], t: float, default: str) -> str:
    """The label of the action segment containing time t, else ``default``."""
    return next((str(s["label"]) for s in segments if s["start"] <= t <= s["end"]), default)


def segments_of(summary: dict[str, Any], movement: str, t0: float, t1: float) -> list[Segment]:
    """Every comparable segment of an analysis whose kinematics span [t0, t1] seconds."""
    actions = action_segments(summary)
    out = [Segment("action", str(s["label"]), f"{s['label']} {s['start']:.1f}–{s['end']:.1f} s",
                   max(t0, float(s["start"])), min(t1, float(s["end"])))
           for s in actions]
    counts: dict[str, int] = {}
    for event in (summary.get("events") or {}).get("events", []):
        kind = event.get("kind")
        if kind not in EVENT_KINDS:
            continue
        start, end = float(event["start"]), float(event["end"])
        action = action_at(actions, (start + end) / 2, movement)
        counts[kind] = counts.get(kind, 0) + 1
        if kind == "jump":
            seg = Segment("jump", action, f"jump {counts[kind]}", max(t0, start - JUMP_BEFORE_S),
                          min(t1, end + JUMP_AFTER_S), (start, end))
        else:
            seg = Segment("rep", action, f"rep {counts[kind]}", start, end)
        out.append(seg)
    out.append(Segment("whole", movement, "whole clip", t0, t1))
    return out


def default_pair(a: list[Segment], b: list[Segment]) -> tuple[int, int]:
    """Indices of the segments to compare first: the first kind both have (jump, rep, action,
    whole), the first of it in A and B."""
    for kind in ("jump", "rep", "action", "whole"):
        ia = next((i for i, s in enumerate(a) if s.kind == kind), None)
        ib = next((i for i, s in enumerate(b) if s.kind == kind), None)
        if ia is not None and ib is not None:
            return ia, ib
    return len(a) - 1, len(b) - 1
