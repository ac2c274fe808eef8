"""A demanding coach's first hour, in real Chromium with a real Celery worker: sign in, create a
team and an athlete, upload two real clips in one batch (two sessions of the same drill, weeks
apart), wait for both analyses, then open the video page, the report, the comparison, the
athlete's progress and the team dashboard. Every page answers without a server error or a script
error, names people from 1, writes dates one way, and names downloads after the athlete.
Screenshots go to $POSECOACH_SCREENSHOTS (for a person to look at)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.support import shared_clip, signed_in_page, wait_for_analysis, wait_js

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

CLIP = "lab_walk_portrait_60fps.mp4"  # one person, a big lunging step and back (../shared/media)
SESSIONS = (("early", "2026-11-02"), ("late", "2026-11-30"))
ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def _shot(page, shots: Path, name: str) -> None:  # noqa: ANN001
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def _no_iso_dates(page) -> None:  # noqa: ANN001
    """Dates on a page read "30 Nov 2026", never 2026-11-30 (form fields and links aside)."""
    text = page.inner_text("main") if page.query_selector("main") else page.inner_text("body")
    assert not ISO_DATE.search(text), ISO_DATE.findall(text)


def test_a_coach_walks_through_the_app(browser, live_server, celery_worker_process, tmp_path: Path) -> None:
    from django.contrib.auth.models import User

    from coaching.videos.models import Video

    shots = Path(os.environ.get("POSECOACH_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    User.objects.create_user("maria.coach", password="pw-maria-123", first_name="Maria")
    clips = []
    for name, _ in SESSIONS:
        clips.append(tmp_path / f"lunge-{name}.mp4")
        shutil.copyfile(shared_clip(CLIP), clips[-1])

    page = signed_in_page(browser, live_server, username="maria.coach", password="pw-maria-123")
    errors = page.errors
    _shot(page, shots, "01-home-empty")
    page.click("text=New team")
    page.fill("input[name=name]", "Riverside Lifting")
    page.click("button:has-text('Create team')")
    _shot(page, shots, "02-team-empty")
    page.click("text=Add athlete")
    page.fill("input[name=name]", "María López")
    page.fill("input[name=height_cm]", "165")
    page.click("button:has-text('Save')")
    page.wait_for_selector("h1:has-text('María López')")
    _shot(page, shots, "03-athlete-empty")

    page.click("text=Upload videos")
    page.wait_for_selector("#upload-form[data-ready=true]")
    assert page.title() == "Upload videos for María López · PoseCoach"
    page.set_input_files("#file-input", [str(c) for c in clips])
    items = page.locator(".upload")
    assert items.count() == 2
    # each file of the batch has its own title (the file's name until typed) and date
    assert [items.nth(k).locator("input[data-field=title]").get_attribute("placeholder")
            for k in range(2)] == ["lunge-early", "lunge-late"]
    for k, (name, day) in enumerate(SESSIONS):
        items.nth(k).locator("input[data-field=title]").fill(f"Lunges {name}")
        items.nth(k).locator("input[data-field=recorded_on]").fill(day)
        items.nth(k).locator("select[data-field=movement]").select_option("general")  # no "lunge" movement: general
    _shot(page, shots, "04-upload-batch")
    page.click("#upload-button")
    page.wait_for_selector(".upload.done >> nth=1", timeout=120_000)
    _shot(page, shots, "05-upload-done")
    videos = list(Video.objects.order_by("pk"))
    assert [(v.title, v.recorded_on.isoformat()) for v in videos] == [  # type: ignore[union-attr]
        (f"Lunges {name}", day) for name, day in SESSIONS]
    # The second video waits while the worker analyses the first: its page says so and plays it.
    page.goto(f"{live_server.url}/videos/{videos[1].pk}/")
    page.wait_for_selector("#status-badge")
    # no Re-run beside a run that has not ended (it would queue a second one): they come when it ends
    assert page.is_hidden("#rerun-tools") and page.is_visible("#rerun-wait")
    wait_js(page, "document.getElementById('player').readyState >= 2", timeout=60)  # the original plays
    _shot(page, shots, "05b-video-while-waiting")
    page.wait_for_selector("#report-link:not([hidden])", timeout=900_000)
    assert page.is_visible("#rerun-tools") and page.is_hidden("#rerun-wait")
    assert page.is_hidden("#cancel-analysis")
    analyses = [wait_for_analysis(v.pk, timeout=900) for v in videos]
    assert [a.status for a in analyses] == ["done", "done"], [a.error for a in analyses]  # type: ignore[attr-defined]

    late = videos[1]
    page.goto(f"{live_server.url}/videos/{late.pk}/")
    page.wait_for_selector("#status-badge.done")
    wait_js(page, "document.getElementById('player').readyState >= 2")
    page.wait_for_selector("#tracks-body tr")
    _shot(page, shots, "06-video")
    assert "Recorded" in page.inner_text("main") and "30 Nov 2026" in page.inner_text("main")
    assert "Person 0" not in page.inner_text("#tracks")
    _no_iso_dates(page)

    page.goto(f"{live_server.url}/analyses/{analyses[1].pk}/report/")  # type: ignore[attr-defined]
    page.wait_for_selector("#chart-angle")
    _shot(page, shots, "07-report")
    assert "María López · recorded 30 Nov 2026" in page.inner_text("#report-session")
    for fold in ("summary-fold", "downloads-fold", "compare-fold"):
        page.click(f"#{fold} > summary")
    _shot(page, shots, "07b-report-folds-open")
    assert page.get_attribute("#angles-csv", "download") == "maria-lopez-lunges-late-2026-11-30-angles.csv"

    page.goto(f"{live_server.url}/analyses/{analyses[1].pk}/compare/?with={analyses[0].pk}")  # type: ignore[attr-defined]
    _shot(page, shots, "08-compare")
    _no_iso_dates(page)

    page.goto(f"{live_server.url}/athletes/{late.athlete_id}/progress/")
    _shot(page, shots, "09-progress")
    _no_iso_dates(page)
    page.goto(f"{live_server.url}/teams/{late.team_id}/dashboard/")
    _shot(page, shots, "10-dashboard")
    _no_iso_dates(page)
    page.goto(f"{live_server.url}/athletes/{late.athlete_id}/")
    _shot(page, shots, "11-athlete")
    _no_iso_dates(page)

    # Bad input: a text file named .mp4 is refused next to its name; another team's video is a 404.
    notes = tmp_path / "notes.mp4"
    notes.write_text("not a video at all\n" * 50)
    page.goto(f"{live_server.url}/athletes/{late.athlete_id}/upload/")
    page.wait_for_selector("#upload-form[data-ready=true]")
    page.set_input_files("#file-input", str(notes))
    page.click("#upload-button")
    page.wait_for_selector(".upload.failed")
    assert "not a video" in page.inner_text(".upload.failed .result").lower()
    assert page.eval_on_selector(".upload.failed progress", "p => getComputedStyle(p).accentColor") != "auto"
    _shot(page, shots, "12-upload-refused")
    other = _other_teams_video()
    for url in (f"/videos/{other.pk}/", f"/athletes/{other.athlete_id}/progress/",
                f"/analyses/{other.analyses.get().pk}/report/"):  # type: ignore[attr-defined]
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 404, url
    # their analysis as the other side of a comparison: not shown, no error
    response = page.goto(f"{live_server.url}/analyses/{analyses[1].pk}/compare/?with={other.analyses.get().pk}")  # type: ignore[attr-defined]
    assert response is not None and response.status < 500 and "Bob" not in page.inner_text("main")
    _shot(page, shots, "14-compare-other-team")
    page.goto(f"{live_server.url}/videos/{other.pk}/")
    _shot(page, shots, "13-other-team-404")
    assert errors == []


def _other_teams_video():  # noqa: ANN202
    from django.contrib.auth.models import User

    from coaching.analysis.models import Analysis, Status
    from coaching.athletes.services import athlete_create, team_create
    from coaching.videos.models import Video

    team = team_create(name="Other club", head_coach=User.objects.create_user("other.coach"))
    athlete = athlete_create(team=team, name="Bob")
    video = Video.objects.create(team=team, athlete=athlete, title="Bob", file="x.mp4", original_name="x.mp4",
                                 size_bytes=1, container="mov", codec="h264", width=96, height=64, fps=24,
                                 duration_s=1.0, frame_count=24)
    Analysis.objects.create(video=video, status=Status.DONE, progress=100)
    return video
