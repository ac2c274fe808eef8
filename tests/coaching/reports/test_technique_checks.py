"""The report's key numbers: "To work on" counts findings only where the movement has technique
rules (inference.feedback.rules_for); a movement without any (general, dance) says "Technique
checks: None" instead of a reassuring 0."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.urls import reverse

from tests.support import give_kinematics, signed_in_page, squat_kinematics, squat_video, wait_js

pytestmark = pytest.mark.django_db


def _tile(html: str) -> str:
    return html.split('<dl class="kpis">')[1].split("</dl>")[0]


def test_a_movement_without_rules_has_no_to_work_on_tile(client, world) -> None:
    give_kinematics(world.analysis, squat_kinematics(depth=90))  # filmed as "general"
    client.force_login(world.coach)
    html = client.get(reverse("analysis_report", args=[world.analysis.pk])).content.decode()
    tiles = _tile(html)
    assert "To work on" not in tiles
    assert '<dt>Technique checks</dt><dd>None<small class="kpi-note">for this movement</small></dd>' in tiles
    assert "No technique rule judges a general / other movement" in html


def test_a_movement_with_rules_counts_its_findings(client, world) -> None:
    squat = squat_video(world.ann, recorded=dt.date(2026, 1, 5), depth=120)
    squat.summary = {**squat.summary, "feedback": {"findings": [], "passed": ["squat_depth"]}}
    squat.save()
    client.force_login(world.coach)
    tiles = " ".join(_tile(client.get(reverse("analysis_report", args=[squat.pk])).content.decode()).split())
    assert "<dt>To work on</dt><dd>0</dd>" in tiles and "technique checks" not in tiles


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_report_tile_in_chromium(browser, live_server, world, tmp_path) -> None:
    shots = Path(os.environ.get("POSECOACH_SCREENSHOTS", tmp_path))
    give_kinematics(world.analysis, squat_kinematics(depth=90))
    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/analyses/{world.analysis.pk}/report/")
    wait_js(page, "document.querySelector('.kpis') !== null")
    tile = page.locator("#kpi-checks")
    assert tile.is_visible() and " ".join(tile.inner_text().split()) == "Technique checks None for this movement"
    page.locator(".key-numbers").screenshot(path=str(shots / "report-no-checks.png"))
    assert not page.errors
