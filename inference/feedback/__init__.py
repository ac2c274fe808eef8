"""Technique feedback: declarative rules per movement (:mod:`.rules`), the measures they read
(:mod:`.measures`) and their evaluation into findings (:mod:`.engine`). See docs/kinematics.md."""

from inference.feedback.engine import (
    Feedback,
    Finding,
    evaluate_feedback,
    sorted_findings,
    stored_findings,
)
from inference.feedback.rule_ids import RuleId
from inference.feedback.rules import MOVEMENTS, RULES, Rule, rules_for
from inference.feedback.severity import Severity

__all__ = ["MOVEMENTS", "RULES", "Feedback", "Finding", "Rule", "RuleId", "Severity", "evaluate_feedback",
           "rules_for", "sorted_findings", "stored_findings"]
