"""The report's feedback when the movement's technique rules could not be measured (the basketball
clip analysed as a jump: no jump found, the landing rules need a side view): the page says that
nothing was judged instead of "0 to work on, nothing to fix here", opens the list of the rules not
applied, and names each rule in words rather than by its id."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from coaching.reports.selectors import rule_name
from inference.feedback.rule_ids import RuleId
from inference.feedback.rules import rules_for
from tests.support import give_kinematics, signed_in_page, squat_kinematics, wait_js

pytestmark = pytest.mark.django_db

# What the worker stored for the basketball clip analysed as a jump (analysis summary, 2026-11-30).
JUMP_SKIPPED = [
    {"rule": "jump.landing_knee_flexion", "reason": "needs a side view; this clip looks oblique"},
    {"rule": "jump.landing_knee_displacement", "reason": "needs a side view; this clip looks oblique"},
    {"rule": "jump.landing_symmetry", "reason": "no jumps were found"},
]


def _jump_analysis(world, skipped, passed=()):  # noqa: ANN001, ANN202
    analysis = give_kinematics(world.analysis, squat_kinematics(depth=60))
    analysis.summary = {**analysis.summary,
                        "events": {**analysis.summary.get("events", {}), "movement": "jump"},
                        "feedback": {"movement": "jump", "findings": [], "passed": list(passed),
                                     "skipped": skipped}}  # fmt: skip
    analysis.save()
    return analysis


def _text(html: str) -> str:
    return " ".join(html.split())


def test_no_rule_measured_is_not_a_clean_bill(client, world) -> None:
    assert len(rules_for("jump")) == len(JUMP_SKIPPED)
    analysis = _jump_analysis(world, JUMP_SKIPPED)
    client.force_login(world.coach)
    page = _text(client.get(reverse("analysis_report", args=[analysis.pk])).content.decode())
    assert "nothing to fix here" not in page
    assert "<dt>To work on</dt><dd>0</dd>" not in page
    assert "<dt>Technique checks</dt><dd>Not applied</dd>" in page
    assert "None of the 3 technique checks of this movement could be measured on this clip" in page
    assert '<details id="rules-skipped" open>' in page
    assert "<li title=\"jump.landing_symmetry\">Landing symmetry: no jumps were found</li>" in page
    assert ">jump.landing" not in page  # no rule id as the text people read


def test_some_rules_measured_says_how_many(client, world) -> None:
    analysis = _jump_analysis(world, JUMP_SKIPPED[2:], passed=["jump.landing_knee_flexion",
                                                               "jump.landing_knee_displacement"])
    client.force_login(world.coach)
    page = _text(client.get(reverse("analysis_report", args=[analysis.pk])).content.decode())
    assert "<dt>To work on</dt><dd>0</dd>" in page
    assert "No technique finding in the 2 checks that could be measured; 1 could not be (below)." in page
    assert '<details id="rules-skipped">' in page and "nothing to fix here" not in page


def test_every_rule_has_a_name_for_people() -> None:
    names = {r: rule_name(r) for r in RuleId}
    assert names[RuleId.JUMP_LANDING_KNEE_FLEXION] == "Landing knee flexion"
    assert names[RuleId.SYMMETRY_KNEE] == "Left–right knee symmetry"
    assert names[RuleId.SQUAT_KNEE_VALGUS] == "Knee valgus"
    assert all(n and "." not in n and "_" not in n for n in names.values())
    for family in {r.family for r in RuleId}:  # the report names the movement; within it, one name each
        same = [n for r, n in names.items() if r.family == family]
        assert len(set(same)) == len(same)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_not_applied_in_chromium(browser, live_server, world, tmp_path) -> None:
    shots = Path(os.environ.get("POSECOACH_SCREENSHOTS", tmp_path))
    analysis = _jump_analysis(world, JUMP_SKIPPED)
    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/analyses/{analysis.pk}/report/")
    wait_js(page, "document.querySelector('.kpis') !== null")
    tile = page.locator("#kpi-checks")
    assert tile.is_visible() and " ".join(tile.inner_text().split()) == "Technique checks Not applied"
    items = page.locator("#rules-skipped li")
    assert items.first.is_visible()  # open: the reasons are the feedback
    assert items.all_inner_texts()[2] == "Landing symmetry: no jumps were found"
    page.locator(".key-numbers").screenshot(path=str(shots / "report-checks-not-applied.png"))
    assert not page.errors
