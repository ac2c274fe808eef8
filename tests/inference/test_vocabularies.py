"""Each vocabulary (movements, severities, rule ids, action classes) has one definition, and the
tables, models and docs that speak it agree with that definition."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from inference.actions.classes import POSTURE_CLASSES, WINDOW_CLASSES, ActionClass
from inference.feedback import RULES, Finding, RuleId, Severity, rules_for
from inference.kinematics.events import MOVEMENT_EVENTS
from inference.movements import Movement

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "kinematics.md"


def test_every_movement_has_its_event_detectors_and_rules() -> None:
    assert set(MOVEMENT_EVENTS) == set(Movement)
    assert all(set(r.movements) <= set(Movement) for r in RULES)
    # every movement with a task to judge has rules; in dance and general one-sided work is the
    # movement itself, so they have none (docs/kinematics.md, technique feedback)
    assert {m for m in Movement if not rules_for(m)} == {Movement.DANCE, Movement.GENERAL}
    with pytest.raises(ValueError, match="choose one of general, squat"):
        rules_for("sqat")
    assert Movement.parse("") is Movement.GENERAL and Movement.parse("run") is Movement.RUN


def test_each_rule_id_names_exactly_one_rule() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids)) and set(ids) == set(RuleId)
    assert all(isinstance(i, RuleId) for i in ids)
    assert {r.id.family for r in RULES if r.movements == (Movement.SQUAT,)} == {"squat"}


def _documented_rule_ids(text: str) -> set[str]:
    """The ids in the first column of docs/kinematics.md's rules table; `a.{b,c}_{d,e}` expanded."""
    table = text.split("| rule | movements |", 1)[1].split("\n\n", 1)[0]
    ids: set[str] = set()
    for pattern in re.findall(r"^\| `([^`]+)` \|", table, flags=re.MULTILINE):
        parts = re.split(r"\{([^}]*)\}", pattern)  # literal, options, literal, options, ...
        choices = [[p] if i % 2 == 0 else p.split(",") for i, p in enumerate(parts)]
        ids.update("".join(combo) for combo in itertools.product(*choices))
    return ids


def test_the_docs_list_every_rule_and_movement() -> None:
    text = DOCS.read_text()
    assert _documented_rule_ids(text) == {r.value for r in RuleId}
    named = re.search(r"Movement names: ([a-z, ]+) \(", text)
    assert named is not None and set(named.group(1).split(", ")) == set(Movement)


def test_a_stored_finding_with_a_stranger_severity_is_refused() -> None:
    stored = {"rule": "squat.depth", "severity": "major", "value": -30.0, "threshold": 0.0, "unit": "°",
              "fault": "below", "time_ranges": [[1.0, 2.0]], "message": "m", "suggestion": "s", "source": "x"}
    finding = Finding.from_dict(stored)
    assert finding.severity is Severity.MAJOR and finding.rule is RuleId.SQUAT_DEPTH
    assert Finding.from_dict(finding.as_dict()) == finding
    with pytest.raises(ValueError, match="'high' is not a valid Severity"):
        Finding.from_dict({**stored, "severity": "high"})


def test_the_shipped_action_models_speak_the_action_classes() -> None:
    base = json.loads((ROOT / "inference/actions/weights/base/model.json").read_text())
    assert tuple(base["classes"]) == WINDOW_CLASSES
    posture = json.loads((ROOT / "inference/actions/weights/posture/posture.json").read_text())
    assert tuple(posture["classes"]) == POSTURE_CLASSES
    assert set(WINDOW_CLASSES) | set(POSTURE_CLASSES) | {ActionClass.UNKNOWN} == set(ActionClass)


def test_action_tables_are_keyed_by_action_classes() -> None:
    from inference.actions.labels import POSTURE_HOSTS, REP_EVENTS
    from inference.actions.mocap import CLIP_CLASSES
    from inference.actions.plausibility import CLASS_REQUIREMENTS
    from inference.feedback.actions import ACTION_MOVEMENTS

    for table in (REP_EVENTS, POSTURE_HOSTS, CLASS_REQUIREMENTS, ACTION_MOVEMENTS):
        assert all(isinstance(k, ActionClass) for k in table), table
    assert set(CLIP_CLASSES.values()) == set(WINDOW_CLASSES) - {ActionClass.IDLE}
    assert all(isinstance(m, Movement) for m in ACTION_MOVEMENTS.values())
    assert all(isinstance(m, Movement) for m, _ in REP_EVENTS.values())


def test_findings_stored_under_a_retired_rule_are_left_out_when_read() -> None:
    # An analysis stored before symmetry.elbow was retired shows what a re-run would: no finding
    # of a rule that is no longer judged (inference.feedback.rule_ids.RETIRED_RULE_IDS).
    from inference.feedback import stored_findings
    from inference.feedback.rule_ids import RETIRED_RULE_IDS

    assert "symmetry.elbow" in RETIRED_RULE_IDS and not RETIRED_RULE_IDS & {r.value for r in RuleId}
    kept = {"rule": "squat.depth", "severity": "major", "value": -30.0, "threshold": 0.0, "unit": "°",
            "fault": "below", "time_ranges": [[1.0, 2.0]], "message": "m", "suggestion": "s", "source": "x"}
    retired = {**kept, "rule": "symmetry.elbow", "unit": "%", "value": 19.0, "threshold": 85.0}
    assert [f.rule for f in stored_findings([retired, kept])] == [RuleId.SQUAT_DEPTH]
