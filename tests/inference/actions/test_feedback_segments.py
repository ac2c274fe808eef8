"""Technique rules inside action segments (inference.feedback.actions)."""

from __future__ import annotations

from inference.feedback.actions import ACTION_MOVEMENTS, events_inside
from inference.feedback.rules import MOVEMENTS
from inference.kinematics.events import Event, Events


def test_every_action_with_rules_names_a_known_movement() -> None:
    assert set(ACTION_MOVEMENTS.values()) <= set(MOVEMENTS)
    assert ACTION_MOVEMENTS["squat"] == "squat" and "kick" not in ACTION_MOVEMENTS


def test_only_events_inside_the_segments_are_judged() -> None:
    events = Events("squat", (Event("rep", 0.0, 2.0), Event("rep", 3.0, 5.0), Event("rep", 9.0, 11.0)), {"rep_count": 3})
    inside = events_inside(events, [(2.5, 6.0), (10.5, 12.0)])
    assert [e.start for e in inside.events] == [3.0]  # the third rep's middle (10 s) is outside
    assert inside.movement == "squat" and inside.summary == {"rep_count": 3}
