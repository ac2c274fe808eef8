"""Technique rules inside action segments: each recognised action that has rules of its own
(:data:`ACTION_MOVEMENTS`) is judged on the frames and events of its segments, so squat rules
look at the squats of a session, running rules at its runs, whatever movement was chosen at upload;
a rule shared by several recognised movements (gait symmetry: run and walk) is judged once on all
their segments.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from inference.actions.classes import ActionClass
from inference.feedback.engine import evaluate_feedback
from inference.feedback.rules import Rule, rules_for
from inference.kinematics.core import Kinematics
from inference.kinematics.events import Events, detect_events
from inference.movements import Movement

# action label → the movement whose events and rules apply inside its segments
ACTION_MOVEMENTS: dict[str, Movement] = {  # keyed by ActionClass; looked up by any segment label
    ActionClass.SQUAT: Movement.SQUAT, ActionClass.JUMP: Movement.JUMP, ActionClass.RUN: Movement.RUN,
    ActionClass.WALK: Movement.WALK}  # fmt: skip


class _Segment(Protocol):
    @property
    def label(self) -> str: ...

    @property
    def start(self) -> float: ...

    @property
    def end(self) -> float: ...


def events_inside(events: Events, spans: Sequence[tuple[float, float]]) -> Events:
    """The events whose middle lies in one of ``spans`` (seconds); the summary is kept."""
    kept = tuple(e for e in events.events if any(a <= (e.start + e.end) / 2 < b for a, b in spans))
    return Events(events.movement, kept, events.summary)


def feedback_in_segments(kin: Kinematics, segments: Sequence[_Segment]) -> dict[str, Any]:
    """{group: {"movements": [...], "spans": [[start, end]...], **Feedback.to_dict()}}.

    Each rule is judged once, on the segments of every recognised movement it applies to: the
    running rules on the run segments (group "run"), the symmetry rules of gait on the run *and*
    walk segments together (group "run, walk"), so a finding shared by two movements appears once,
    with the time ranges of both. Measures over frames read only those segments' frames, and
    events count only inside them."""
    spans_of: dict[Movement, list[tuple[float, float]]] = {}
    for s in segments:
        if s.label in ACTION_MOVEMENTS:
            spans_of.setdefault(ACTION_MOVEMENTS[s.label], []).append((float(s.start), float(s.end)))
    groups: dict[tuple[Movement, ...], list[Rule]] = {}
    for movement in spans_of:
        for rule in rules_for(movement):
            group = groups.setdefault(tuple(m for m in spans_of if m in rule.movements), [])
            if rule not in group:
                group.append(rule)
    out: dict[str, Any] = {}
    for movements, rules in groups.items():
        spans = sorted(span for m in movements for span in spans_of[m])
        found = sorted((e for m in movements for e in events_inside(detect_events(kin, m), spans_of[m]).events),
                       key=lambda e: e.start)  # fmt: skip
        feedback = evaluate_feedback(kin, Events(movements[0], tuple(found), {}), movements[0], spans=spans, rules=rules)
        out[", ".join(movements)] = {"movements": [str(m) for m in movements],
                                     "spans": [[round(a, 3), round(b, 3)] for a, b in spans], **feedback.to_dict()}
    return out


def without_clip_rules(groups: dict[str, Any], movement: str) -> dict[str, Any]:
    """The segment groups of :func:`feedback_in_segments` less the rules of ``movement``, the
    movement chosen at upload, whose rules the clip-level feedback already judges on every frame:
    a finding is shown once, not once for the clip and again for its segments. Groups left with
    no rule are dropped."""
    judged = {str(rule.id) for rule in rules_for(movement)}
    out: dict[str, Any] = {}
    for name, group in groups.items():
        kept = {**group,
                "findings": [f for f in group.get("findings", []) if f["rule"] not in judged],
                "passed": [r for r in group.get("passed", []) if str(r) not in judged],
                "skipped": [s for s in group.get("skipped", []) if str(s["rule"]) not in judged]}  # fmt: skip
        if kept["findings"] or kept["passed"] or kept["skipped"]:
            out[name] = kept
    return out

