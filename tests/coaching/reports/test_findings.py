"""The report shows the feedback engine's own findings: severities from the one Severity
vocabulary, majors styled as major and listed first (the engine once said "major" while the page
styled and sorted "high", so majors were never red and the sort did nothing)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.core.files import File
from django.urls import reverse

from inference.feedback import Feedback, Severity, evaluate_feedback
from inference.kinematics import compute_kinematics
from inference.kinematics.core import Kinematics
from inference.kinematics.events import Event, Events
from inference.kinematics.synthetic import sequence, side_view_body25

pytestmark = pytest.mark.django_db

FS = 60.0
FINDING_CLASS = re.compile(r'<li class="finding ([a-z]+)">\s*<strong>([^<]*)</strong> <span class="severity">(\w+)</span>')


def leaning_overstrider() -> tuple[Kinematics, Events, Feedback]:
    """Side-view running posture: trunk 26° forward (run.trunk_lean warning: past 15° by more than
    the 8° angle noise, not past 25° by that much) and the shin tilted 55 - 26 - 3 = 26° at
    touch-down (run.overstride major: past 15° by more than the noise); six steps."""
    t = np.arange(int(4 * FS)) / FS
    kp = side_view_body25(t.size, trunk_lean=26.0, hip=(55.0, 55.0), knee=(3.0, 3.0))
    kin = compute_kinematics(sequence(kp, t), 0)
    steps = tuple(Event("step", 0.5 + 0.5 * i, 0.8 + 0.5 * i, "right" if i % 2 == 0 else "left") for i in range(6))
    events = Events("run", steps, {})
    return kin, events, evaluate_feedback(kin, events, "run")


def test_the_engine_emits_severities_of_the_one_vocabulary() -> None:
    _, _, feedback = leaning_overstrider()
    assert {f.rule: f.severity for f in feedback.findings} == {
        "run.overstride": Severity.MAJOR, "run.trunk_lean": Severity.WARNING}
    assert feedback.findings[0].severity is Severity.MAJOR  # the engine's own order: majors first


def test_every_severity_has_a_style_and_no_stale_class_is_left() -> None:
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    for severity in Severity:
        assert re.search(rf"\.finding\.{severity.value}\s*\{{[^}}]*border-color", css), severity
    templates = Path(settings.BASE_DIR) / "templates"
    stale = [p for p in templates.rglob("*.html") if re.search(r"finding (high|medium|low)\b", p.read_text())]
    assert stale == []


def test_the_report_styles_a_real_major_finding_as_major_and_lists_it_first(client, world, tmp_path) -> None:
    kin, events, feedback = leaning_overstrider()
    stored = feedback.to_dict()
    # Stored the wrong way round, so the page's own sort is what puts the major first.
    stored["findings"] = sorted(stored["findings"], key=lambda f: f["severity"] != Severity.WARNING)
    assert [f["severity"] for f in stored["findings"]] == ["warning", "major"]
    kin.save(tmp_path / "kinematics.npz")
    analysis = world.analysis
    with (tmp_path / "kinematics.npz").open("rb") as fh:
        analysis.kinematics.save("kinematics.npz", File(fh), save=False)
    analysis.summary = {**analysis.summary, "events": events.to_dict(), "feedback": stored}
    analysis.save()
    client.force_login(world.coach)
    page = client.get(reverse("analysis_report", args=[analysis.pk]))
    assert page.status_code == 200
    shown = FINDING_CLASS.findall(page.content.decode())
    overstride, lean = (next(f for f in feedback.findings if f.rule == r) for r in ("run.overstride", "run.trunk_lean"))
    assert shown == [("major", overstride.message, "Major"), ("warning", lean.message, "Warning")]
    # The detail line writes the numbers as the message does (one format: whole degrees), not
    # "26.3 °" beside a sentence saying "26°".
    text = page.content.decode()
    assert f"{lean.value_text} (threshold {lean.threshold_text})" in text and lean.value_text.endswith("°")
    assert " °" not in text.split('class="findings"')[1].split("</ul>")[0]


def test_a_movement_without_rules_is_not_called_faultless(client, world) -> None:
    """General and dance have no technique rule (one-sided work is the movement itself): the page
    says no rule judged it, rather than "nothing to fix"."""
    from tests.support import give_kinematics, squat_kinematics

    analysis = give_kinematics(world.analysis, squat_kinematics(depth=60))
    analysis.summary = {**analysis.summary, "feedback": {"movement": "general", "findings": [], "passed": [], "skipped": []}}
    analysis.save()
    client.force_login(world.coach)
    page = client.get(reverse("analysis_report", args=[analysis.pk])).content.decode()
    assert "No technique rule judges a general / other movement" in page and "nothing to fix here" not in page
    analysis.summary = {**analysis.summary, "feedback": {"movement": "run", "findings": [], "passed": ["run.trunk_lean"],
                                                          "skipped": []}}  # fmt: skip
    analysis.save()
    page = client.get(reverse("analysis_report", args=[analysis.pk])).content.decode()
    assert "No technique finding for this movement — nothing to fix here." in page
