"""Evaluating technique rules: kinematics + events → findings.

A finding is a fired rule: id, severity (:class:`.severity.Severity`), the measured value and the threshold,
the absolute effect (degrees, cm) that cleared the rule's noise floor, the time ranges where it
happened (seconds, to seek the video), a plain-language message, a suggestion and the threshold's
source. A rule fires only where its value is past the threshold *and* the effect is at least the
rule's ``min_effect`` (:mod:`.rules`). Rules that could not be measured are listed with the reason,
so the report can say what to film differently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from inference.feedback.measures import (
    MEASURES,
    NOT_APPLIED,
    Context,
    Instance,
    not_in_view,
    ranges_of_motion,
    view_during,
    view_of,
    windows_text,
)
from inference.feedback.rule_ids import RETIRED_RULE_IDS, RuleId
from inference.feedback.rules import Rule, rules_for
from inference.feedback.severity import Severity
from inference.kinematics.core import Kinematics
from inference.kinematics.events import Events
from inference.movements import Movement


@dataclass(frozen=True)
class Finding:
    rule: RuleId
    severity: Severity
    value: float
    threshold: float
    unit: str
    fault: str
    time_ranges: tuple[tuple[float, float], ...]
    message: str
    suggestion: str
    source: str
    effect: float | None = None
    effect_unit: str = ""

    @property
    def value_text(self) -> str:
        """The value as the message writes it, with its unit (:func:`measure_text`): "3°"."""
        return measure_text(self.value, self.unit)

    @property
    def threshold_text(self) -> str:
        return measure_text(self.threshold, self.unit)

    @property
    def effect_text(self) -> str:
        return "" if self.effect is None else measure_text(self.effect, self.effect_unit)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["rule"], out["severity"] = self.rule.value, self.severity.value
        out["value"] = round(self.value, 2)
        out["effect"] = None if self.effect is None else round(self.effect, 2)
        out["time_ranges"] = [[round(a, 3), round(b, 3)] for a, b in self.time_ranges]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """The finding :meth:`as_dict` wrote; an unknown severity raises ValueError rather than
        being shown unstyled (the bug an untyped contract once caused)."""
        return cls(
            rule=RuleId(data["rule"]), severity=Severity(data["severity"]), value=float(data["value"]),
            threshold=float(data["threshold"]), unit=str(data["unit"]), fault=str(data["fault"]),
            time_ranges=tuple((float(a), float(b)) for a, b in data.get("time_ranges", ())),
            message=str(data["message"]), suggestion=str(data["suggestion"]), source=str(data.get("source", "")),
            effect=None if data.get("effect") is None else float(data["effect"]), effect_unit=str(data.get("effect_unit", "")),
        )  # fmt: skip


def stored_findings(stored: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """Findings as stored (:meth:`Finding.as_dict`), in the report's order, without those of
    retired rules (:data:`~inference.feedback.rule_ids.RETIRED_RULE_IDS`)."""
    return sorted_findings(Finding.from_dict(f) for f in stored if f.get("rule") not in RETIRED_RULE_IDS)


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Majors first, then by when they first happen: the order the engine emits and the report shows."""
    return sorted(findings, key=lambda f: (f.severity.rank, f.time_ranges[0][0] if f.time_ranges else 0.0))


@dataclass(frozen=True)
class Feedback:
    """findings: fired rules, majors first then by time; passed: rule ids measured and fine;
    skipped: {rule id: why not measurable}; view: "side", "front", "oblique" or "unknown"."""

    movement: Movement
    view: str
    findings: tuple[Finding, ...]
    passed: tuple[RuleId, ...]
    skipped: dict[RuleId, str]
    ranges_of_motion: dict[str, float | None]

    def to_dict(self) -> dict[str, Any]:
        """What DIR/feedback.json holds."""
        return {
            "movement": self.movement,
            "view": self.view,
            "findings": [f.as_dict() for f in self.findings],
            "passed": list(self.passed),
            "skipped": [{"rule": r, "reason": why} for r, why in self.skipped.items()],
            "ranges_of_motion": self.ranges_of_motion,
        }


def _is_fault(value: float, rule: Rule, limit: float) -> bool:
    return value < limit if rule.fault == "below" else value > limit


# How a finding's numbers are written, the one definition (messages, the detail line): whole
# degrees, whole percentages and whole centimetres — the noise floors are 8-11° and 7 cm, so a
# decimal would claim a precision the measures do not have — and a ratio to two decimals.
DECIMALS = {"°": 0, "%": 0, "cm": 0, "ratio": 2}


def number_text(x: float, unit: str) -> str:
    """The number alone, rounded for ``unit`` (:data:`DECIMALS`): "3", "21", "0.62"."""
    text = f"{x:.{DECIMALS.get(unit, 1)}f}"
    return "0" if text.lstrip("-").strip("0.") == "" else text


def measure_text(x: float, unit: str) -> str:
    """The number with its unit: "3°" (the degree sign touches the number), "21 %", "7 cm",
    "0.62" (a ratio has no unit)."""
    number = number_text(x, unit)
    return number + unit if unit == "°" else number if unit == "ratio" else f"{number} {unit}"


def _effect(rule: Rule, instance: Instance, limit: float) -> float:
    """The absolute size of the fault: the difference behind a ratio, else the distance past
    ``limit``."""
    return instance.effect if instance.effect is not None else abs(instance.value - limit)


def _clear(rule: Rule, instance: Instance, limit: float) -> bool:
    """Past ``limit`` (the threshold or the major limit) by at least the rule's noise floor: a
    value within the noise of a limit could be on either side of it, so it is not called past."""
    return _is_fault(instance.value, rule, limit) and _effect(rule, instance, limit) >= rule.min_effect


def judge(rule: Rule, instances: list[Instance]) -> Finding | None:
    """The finding of ``rule`` over measured instances, None when it does not fire. "median": the
    median value (and median effect) decides, the instances past the threshold give the ranges;
    "each": the instances clear of the noise fire and the worst of them is reported."""
    if rule.aggregate == "median":
        effects = [i.effect for i in instances]
        effect = None if any(e is None for e in effects) else float(np.median([e for e in effects if e is not None]))
        middle = Instance(float(np.median([i.value for i in instances])), 0.0, 0.0, effect)
        if not _clear(rule, middle, rule.threshold):
            return None
        failing = [i for i in instances if _is_fault(i.value, rule, rule.threshold)] or instances
        worst = middle
    else:
        failing = [i for i in instances if _clear(rule, i, rule.threshold)]
        if not failing:
            return None
        worst = (min if rule.fault == "below" else max)(failing, key=lambda i: i.value)
    value = worst.value
    severity = Severity.MAJOR if _clear(rule, worst, rule.major) else Severity.WARNING
    return Finding(
        rule=rule.id, severity=severity, value=value, threshold=rule.threshold, unit=rule.unit, fault=rule.fault,
        time_ranges=tuple(dict.fromkeys((i.start, i.end) for i in failing)),
        message=rule.message.format(value=number_text(value, rule.unit), threshold=number_text(rule.threshold, rule.unit)),
        suggestion=rule.suggestion, source=rule.source, effect=_effect(rule, worst, rule.threshold),
        effect_unit=rule.effect_unit,
    )  # fmt: skip


def evaluate_feedback(
    kin: Kinematics, events: Events, movement: str | None = None, *,
    spans: Sequence[tuple[float, float]] | None = None, rules: Sequence[Rule] | None = None,
) -> Feedback:
    """Apply the rules of ``movement`` (default: the events' movement) to one athlete.

    spans: (start, end) seconds where the movement applies (its action segments; None: the whole
    clip); measures over frames read only those, and ``events`` should be those inside them.
    rules: a subset of the movement's rules (default: all of them).
    """
    chosen = Movement.parse(movement or events.movement)
    ctx = Context(kin, events, None if spans is None else tuple((float(a), float(b)) for a, b in spans))
    findings: list[Finding] = []
    passed: list[RuleId] = []
    skipped: dict[RuleId, str] = {}
    view = view_of(kin, ctx.inside())
    for rule in rules_for(chosen) if rules is None else rules:
        measure, needs = MEASURES[rule.measure]
        measured = measure(ctx, **rule.params)
        if isinstance(measured, str):
            # The view first: it says what to film (unless the measure already said which view
            # it saw where it judges).
            if needs is not None and view != needs and not measured.startswith(NOT_APPLIED):
                measured = not_in_view(needs, [view], "where the movement applies")
            skipped[rule.id] = measured
            continue
        if needs is not None:
            measured, why = _in_view(kin, measured, needs)
            if not measured:
                skipped[rule.id] = why
                continue
        finding = judge(rule, measured)
        if finding is None:
            passed.append(rule.id)
        else:
            findings.append(finding)
    return Feedback(chosen, view, tuple(sorted_findings(findings)), tuple(passed), skipped, ranges_of_motion(kin))


def _in_view(kin: Kinematics, instances: list[Instance], needs: str) -> tuple[list[Instance], str]:
    """The instances seen from the view ``needs`` where each is judged (its own time range: the
    athlete may face the camera for one landing and turn side-on for the next), and why none
    is, or "" when some are."""
    views = [view_during(kin, i.start, i.end) for i in instances]
    kept = [i for i, v in zip(instances, views, strict=True) if v == needs]
    if kept:
        return kept, ""
    return [], not_in_view(needs, views, windows_text([(i.start, i.end) for i in instances]))
