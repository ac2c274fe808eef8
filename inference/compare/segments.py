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
NOT_ACTIONS = IDLE_LABELS | {"unknown"}  # no action to measure or compare
# A segment's mean label probability below this is not an action to measure or compare: the
# scoreboard's "confident" level (bench/scoring/actions.py CONFIDENT).
MIN_SEGMENT_CONFIDENCE = 0.6


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
    """The action model's segments [{"label", "start", "end", "confidence"}] of something done
    (not idle, not unknown) with at least :data:`MIN_SEGMENT_CONFIDENCE`, or [] when there are
    none."""
    actions = summary.get("actions") or {}
    return [s for s in actions.get("segments") or []
            if s.get("end", 0) > s.get("start", 0) and s.get("label") not in NOT_ACTIONS
            and (s.get("confidence") or 0.0) >= MIN_SEGMENT_CONFIDENCE]


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


def incomparable(a: Segment, b: Segment) -> str:
    """Why two segments cannot be compared joint by joint ("" when they can): they must be of the
    same action (for a whole clip, the movement it was uploaded as), and that action must be one
    (not "unknown" or idle)."""
    if a.action in NOT_ACTIONS or b.action in NOT_ACTIONS:
        return (f"A is {a.action} and B is {b.action}: no recognised action on "
                f"{'both sides' if a.action in NOT_ACTIONS and b.action in NOT_ACTIONS else 'one side'}, "
                "so there is nothing to compare joint by joint.")
    if a.action != b.action:
        return (f"A is {a.action} and B is {b.action}: different actions move the joints differently, "
                "so joint-by-joint differences between them would mean nothing. Choose segments of "
                "the same action.")
    return ""


def default_pair(a: list[Segment], b: list[Segment]) -> tuple[int, int]:
    """Indices of the segments to compare first: the first kind both have (jump, rep, action,
    whole) with the same action on both sides, the first of it in A and B; else the first kind
    both have (the page then says why they cannot be compared)."""
    for same in (True, False):
        for kind in ("jump", "rep", "action", "whole"):
            pairs = ((i, j) for i, s in enumerate(a) if s.kind == kind for j, t in enumerate(b)
                     if t.kind == kind and (not same or not incomparable(s, t)))
            found = next(pairs, None)
            if found is not None:
                return found
    return len(a) - 1, len(b) - 1
