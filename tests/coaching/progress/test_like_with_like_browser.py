"""In Chromium, the compare page refuses to compare segments of different actions (it says why and
names no joint differences), and the team dashboard and the progress page never draw a trend
across different actions: a "declined" between a walk and a jump is what they must not say."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from coaching.progress.comparisons import segments_for
from coaching.progress.models import MetricRow
from tests.support import signed_in_page, squat_video

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
SHOTS = Path(os.environ.get("POSECOACH_SCREENSHOTS", "/tmp/shots"))


def _labelled(analysis, label: str):  # noqa: ANN001, ANN202
    analysis.summary = {**analysis.summary, "actions": {"segments": [
        {"label": label, "start": 0.0, "end": 4.0, "confidence": 0.9, "reps": None}]}}
    analysis.save()
    return analysis


def test_compare_refuses_segments_of_different_actions(browser, live_server, world) -> None:
    a = _labelled(squat_video(world.ann, recorded=date(2026, 1, 5), depth=100), "squat")
    b = _labelled(squat_video(world.ann, recorded=date(2026, 3, 5), depth=60), "walk")
    ia = next(i for i, s in enumerate(segments_for(a)) if s.kind == "action")
    ib = next(i for i, s in enumerate(segments_for(b)) if s.kind == "action")
    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/analyses/{a.pk}/compare/?with={b.pk}&a={ia}&b={ib}")
    refusal = page.locator("#compare-refused")
    assert refusal.is_visible()
    assert "A is squat and B is walk" in refusal.inner_text() and "different actions" in refusal.inner_text()
    assert page.locator("#compare-data").count() == 0 and page.locator(".finding").count() == 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "compare-refused.png"), full_page=True)
    # the segment chooser stays, and the first pair it offers by itself is of one action
    page.goto(f"{live_server.url}/analyses/{a.pk}/compare/?with={b.pk}")
    assert page.locator("#compare-refused").count() == 0 and page.locator("#compare-data").count() == 1
    assert not page.errors, page.errors


def test_dashboard_and_progress_draw_no_trend_across_actions(browser, live_server, world) -> None:
    """Ann's knee range of motion: 40° walking in January, 7° in a jump in March. The latest value
    is shown with its action, but no "declined": they are different movements."""
    jan = squat_video(world.ann, recorded=date(2026, 1, 5), depth=60)
    mar = squat_video(world.ann, recorded=date(2026, 3, 5), depth=60)
    for analysis, action, value in ((jan, "walk", 40.0), (mar, "jump", 7.0)):
        MetricRow.objects.create(team=world.team, athlete=world.ann, analysis=analysis,
                                 recorded_on=analysis.video.recorded_on, action=action, metric="knee_rom",
                                 value=value, unit="deg", t_start=0.0, t_end=4.0)
    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/teams/{world.team.pk}/dashboard/?metric=knee_rom")
    cell = page.locator("tbody tr", has_text="Ann").locator("td").first
    text = cell.inner_text()
    assert "7°" in text and "jump" in text and "also measured in walk" in text, text
    assert "declined" not in text and "improved" not in text
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard-mixed-actions.png"), full_page=True)
    page.goto(f"{live_server.url}/athletes/{world.ann.pk}/progress/")
    trends = page.locator(".trend-list").inner_text() if page.locator(".trend-list").count() else ""
    assert "declined" not in trends and "Knee range of motion" not in trends
    charts = [page.locator(".trend-chart .chart").nth(i).get_attribute("aria-label") or ""
              for i in range(page.locator(".trend-chart .chart").count())]
    assert sorted(charts) == ["Knee range of motion (mean of both sides) · jump, uploaded as squat over time",
                              "Knee range of motion (mean of both sides) · walk, uploaded as squat over time"], charts
    page.screenshot(path=str(SHOTS / "progress-two-actions.png"), full_page=True)
    assert not page.errors, page.errors
