"""In real Chromium, on real clips: lab_two_people_portrait_60fps.mp4's athlete is a close call
(the foreground woman and the performing man score almost alike; bench/truth: the athlete is the
man), so until the coach confirms, its session stays out of the athlete's progress, and the
progress page and the report say so with a link to choose the athlete; the report's scale
sentence does not call the analysed person's stature the athlete's. Confirming on the report
brings the session in. The other session is lab_walk_portrait_60fps.mp4 (one person, a clear choice)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from coaching.analysis.confirmation import athlete_check
from coaching.progress.models import MetricRow
from coaching.progress.services import metric_rows_write
from tests.support import signed_in_page, upload_and_analyse

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _session(client, athlete, clip: str, day: date):  # noqa: ANN001, ANN202
    analysis = upload_and_analyse(client, athlete, clip)
    analysis.video.recorded_on = day
    analysis.video.save()
    metric_rows_write(analysis=analysis)  # again, on the recorded day
    return analysis


def test_an_unchecked_athlete_stays_out_of_progress_until_confirmed(browser, live_server, world, client,
                                                                    tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shots = Path(os.environ.get("POSECOACH_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    world.al.height_cm = 178
    world.al.save()
    client.force_login(world.coach)
    walk = _session(client, world.al, "lab_walk_portrait_60fps.mp4", date(2026, 11, 2))
    two = _session(client, world.al, "lab_two_people_portrait_60fps.mp4", date(2026, 11, 30))
    assert athlete_check(walk) is None and MetricRow.objects.filter(analysis=walk).exists()
    check = athlete_check(two)
    assert check is not None, "lab_two_people's athlete is no longer a close call: this test's premise changed"
    assert not MetricRow.objects.filter(analysis=two).exists()

    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/athletes/{world.al.pk}/progress/")
    notice = page.inner_text("#athlete-checks")
    assert "Left out until you check the athlete (1 video)" in notice
    assert f"person {check.rival_number} scores almost as high as the analysed person {check.athlete_number}" in notice
    assert page.locator(".trend-list .badge.declined").count() == 0  # no decline made of someone else
    page.screenshot(path=str(shots / "progress-unchecked.png"), full_page=True)

    page.click("#athlete-checks a:has-text('choose the athlete')")
    page.wait_for_selector("#tracks-close-call:not([hidden])")
    assert page.is_visible("#tracks-confirm button")
    assert page.url.endswith(f"/videos/{two.video_id}/#tracks")

    page.goto(f"{live_server.url}/analyses/{two.pk}/report/")
    flag = page.inner_text(f"#athlete-check-{two.pk}")
    assert "Check the athlete." in flag and "left out of Al's progress, personal bests and the team dashboard" in flag
    page.click("#summary-fold > summary")
    scale = page.inner_text("#scale-note")
    assert "178 cm" not in scale and "not confirmed yet" in scale
    page.screenshot(path=str(shots / "report-unchecked.png"), full_page=True)

    page.click(f"#athlete-check-{two.pk} button:has-text('Person {check.athlete_number} is Al')")
    page.wait_for_selector("text=Confirmed: the analysed person is Al")
    assert page.locator(f"#athlete-check-{two.pk}").count() == 0
    page.click("#summary-fold > summary")
    assert "from a height of 178 cm" in page.inner_text("#scale-note")
    assert MetricRow.objects.filter(analysis=two).exists()
    page.goto(f"{live_server.url}/athletes/{world.al.pk}/progress/")
    assert page.locator("#athlete-checks").count() == 0
    assert page.locator(".trend-list li").count() > 0  # two sessions now: trends
    page.screenshot(path=str(shots / "progress-confirmed.png"), full_page=True)
    assert page.errors == []
