"""Technique rules inside action segments: each recognised action that has rules of its own
(:data:`ACTION_MOVEMENTS`) is judged on the events that fall inside its segments, so squat rules
look at the squats of a session, running rules at its runs, whatever movement was chosen at upload.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from inference.actions.classes import ActionClass
from inference.feedback.engine import evaluate_feedback
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


def feedback_in_segments(kin: Kinematics, segments: Sequence[_Segment],
                         prior_bests: dict[str, float] | None = None) -> dict[str, Any]:
    """{movement: {"spans": [[start, end]...], **Feedback.to_dict()}} for each action with rules."""
    out: dict[str, Any] = {}
    for movement in dict.fromkeys(ACTION_MOVEMENTS[s.label] for s in segments if s.label in ACTION_MOVEMENTS):
        spans = [(s.start, s.end) for s in segments if ACTION_MOVEMENTS.get(s.label) == movement]
        events = events_inside(detect_events(kin, movement), spans)
        feedback = evaluate_feedback(kin, events, movement, prior_bests)
        out[movement] = {"spans": [[round(a, 3), round(b, 3)] for a, b in spans], **feedback.to_dict()}
    return out
