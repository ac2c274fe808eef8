"""An athlete whose finished analyses gave no metric (the basketball player: knees measured with
confidence in about half the frames, under inference.compare.metrics.MIN_TRACKED_SHARE) has an
empty progress page and dashes on the team dashboard. The pages say why, instead of asking for an
upload of a video that was already uploaded and analysed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from coaching.athletes.services import athlete_create
from coaching.progress.selectors import videos_unmeasured_count
from inference.compare.metrics import MIN_TRACKED_SHARE
from tests.support import signed_in_page, wait_js

pytestmark = pytest.mark.django_db

PCT = f"{round(100 * MIN_TRACKED_SHARE)} %"


def _text(html: str) -> str:
    return " ".join(html.split())


def test_analysed_but_unmeasured_says_why(client, world) -> None:
    assert videos_unmeasured_count(athlete=world.ann) == 1  # a finished analysis, no metric row
    client.force_login(world.coach)
    page = _text(client.get(reverse("athlete_progress", args=[world.ann.pk])).content.decode())
    assert "No measurements yet: 1 analysed video gave none." in page
    assert f"in at least {PCT} of the frames it covers; the report shows what was seen." in page
    assert "upload a video</a> and set its recorded date" not in page


def test_nothing_analysed_still_asks_for_an_upload(client, world) -> None:
    new = athlete_create(team=world.team, name="Newcomer")
    assert videos_unmeasured_count(athlete=new) == 0
    client.force_login(world.coach)
    page = _text(client.get(reverse("athlete_progress", args=[new.pk])).content.decode())
    assert "No measurements yet. Each finished analysis adds its metrics here" in page


def test_dashboard_says_what_a_dash_means(client, world) -> None:
    client.force_login(world.coach)
    page = _text(client.get(reverse("team_dashboard", args=[world.team.pk])).content.decode())
    assert f"or the athlete was tracked, with knee or hip angles seen clearly, in under {PCT} of the frames" in page


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_unmeasured_progress_in_chromium(browser, live_server, world, tmp_path) -> None:
    shots = Path(os.environ.get("POSECOACH_SCREENSHOTS", tmp_path))
    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/athletes/{world.ann.pk}/progress/")
    wait_js(page, "document.querySelector('p.empty') !== null")
    empty = page.locator("p.empty")
    assert empty.is_visible() and "1 analysed video gave none" in empty.inner_text()
    page.screenshot(path=str(shots / "progress-unmeasured.png"), full_page=True)
    assert not page.errors
