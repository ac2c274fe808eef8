"""An athlete choice that awaits the coach's check (coaching.analysis.confirmation): no metric rows
until confirmed (so no trend, best or dashboard value from a person who may be someone else), a
notice with a link to choose the athlete on the report, compare, progress and dashboard, and a
confirmation that writes the rows. On PostgreSQL; the close call is the rule's own
(inference.tracking.athlete.close_call) on the pose section's scores."""

from __future__ import annotations

import io
from datetime import date

import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from coaching.analysis.confirmation import CONFIRMED, athlete_check, athlete_checks
from coaching.analysis.models import Analysis
from coaching.progress.models import MetricRow
from coaching.progress.services import metric_rows_write
from inference.posedata import PoseSequence
from tests.support import squat_video

pytestmark = pytest.mark.django_db

# The lab_two_people scores (bench/realworld.py): the performing man at 0.997 of the foreground woman.
# Tracker ids 5 (the rule's choice, in view first) and 2: on the pages persons 1 and 2.
CLOSE = [{"track_id": 5, "athlete_score": 100.0}, {"track_id": 2, "athlete_score": 99.7}]
CLEAR = [{"track_id": 5, "athlete_score": 100.0}, {"track_id": 2, "athlete_score": 66.0}]


def _store_two_people(analysis: Analysis) -> None:
    """Poses of two standing people: track 5 in every frame, track 2 from the fourth frame on."""
    keypoints = np.full((12, 2, 33, 3), np.nan, np.float32)
    keypoints[..., 2] = 0.0
    for slot, x, first in ((0, 30.0, 0), (1, 70.0, 3)):
        keypoints[first:, slot, :, 0] = x + np.linspace(-5, 5, 33)
        keypoints[first:, slot, :, 1] = np.linspace(5, 60, 33)
        keypoints[first:, slot, :, 2] = 0.9
    buffer = io.BytesIO()
    PoseSequence(keypoints, "blazepose33", np.arange(12) / 24, 24.0, (96, 64), np.array([5, 2])).save(buffer)
    analysis.poses.save("poses.npz", ContentFile(buffer.getvalue()), save=False)


def _with_pose(analysis: Analysis, people: list[dict], source: str = "auto") -> Analysis:
    if not analysis.poses:
        _store_two_people(analysis)
    analysis.summary = {**analysis.summary, "pose": {"athlete_track_id": 5, "athlete_source": source,
                                                     "people": people, "frames": 96, "frames_with_athlete": 96}}
    analysis.save()
    return analysis


def _two_sessions(world):  # noqa: ANN001, ANN202
    """Ann's clear January squat (deep) and a February squat whose athlete was a close call (shallow)."""
    first = _with_pose(squat_video(world.ann, recorded=date(2026, 1, 5), depth=100, title="january"), CLEAR)
    second = _with_pose(squat_video(world.ann, recorded=date(2026, 2, 5), depth=40, title="february"), CLOSE)
    assert metric_rows_write(analysis=first) > 0
    return first, second


def test_a_close_call_writes_no_metric_rows_until_confirmed(client, world) -> None:
    first, second = _two_sessions(world)
    assert athlete_check(second) is not None and athlete_check(first) is None
    assert metric_rows_write(analysis=second) == 0
    assert not MetricRow.objects.filter(analysis=second).exists()
    client.force_login(world.coach)
    response = client.post(reverse("analysis_athlete_confirm", args=[second.pk]),
                           {"next": reverse("analysis_report", args=[second.pk])})
    assert response.status_code == 302 and response["Location"] == reverse("analysis_report", args=[second.pk])
    second.refresh_from_db()
    assert second.summary["pose"]["athlete_source"] == CONFIRMED
    assert second.summary["pose"]["athlete_confirmed_by"] == "coach"
    assert athlete_check(second) is None
    assert MetricRow.objects.filter(analysis=second).exists()
    # a second confirmation has nothing left to do
    client.post(reverse("analysis_athlete_confirm", args=[second.pk]))
    assert MetricRow.objects.filter(analysis=second).exists()


def test_a_coach_s_choice_or_a_clear_choice_is_no_close_call(world) -> None:
    _, second = _two_sessions(world)
    assert athlete_check(_with_pose(second, CLOSE, source="click")) is None
    assert athlete_check(_with_pose(second, CLEAR)) is None
    assert athlete_check(_with_pose(second, CLOSE)) is not None
    # only the latest run of a video counts
    later = Analysis.objects.create(video=second.video, status="done", progress=100)
    _with_pose(later, CLEAR)
    assert athlete_checks(Analysis.objects.filter(video__athlete=world.ann)) == []


def test_progress_and_dashboard_leave_the_close_call_out_and_say_so(client, world) -> None:
    first, second = _two_sessions(world)
    metric_rows_write(analysis=second)
    client.force_login(world.coach)
    page = client.get(reverse("athlete_progress", args=[world.ann.pk])).content.decode()
    notice = page.split('id="athlete-checks"', 1)[1].split("</section>", 1)[0]
    assert "Left out until you check the athlete (1 video)" in notice
    assert "february" in notice and f'href="/videos/{second.video_id}/#tracks">choose the athlete' in notice
    # people numbered as the video page lists them (ids 5 and 2 are persons 1 and 2)
    assert "person 2 scores almost as high as the analysed person 1" in notice
    assert "badge declined" not in page and "One session so far" in page  # no trend from someone else
    dashboard = client.get(reverse("team_dashboard", args=[world.team.pk])).content.decode()
    assert 'id="athlete-checks"' in dashboard and "Ann · " in dashboard and "badge declined" not in dashboard
    # confirmed, the session counts (here a real decline of the constructed squats)
    client.post(reverse("analysis_athlete_confirm", args=[second.pk]))
    page = client.get(reverse("athlete_progress", args=[world.ann.pk])).content.decode()
    assert 'id="athlete-checks"' not in page and "badge declined" in page


def test_report_and_compare_flag_the_close_call_and_the_scale(client, world) -> None:
    first, second = _two_sessions(world)
    second.summary = {**second.summary, "events": {**second.summary.get("events", {}), "scale": {
        "metres_per_pixel": 0.004, "height_px": 445.0, "reason": "from a height of 170 cm"}}}
    second.save()
    client.force_login(world.coach)
    report = client.get(reverse("analysis_report", args=[second.pk])).content.decode()
    assert f'id="athlete-check-{second.pk}"' in report and "Check the athlete." in report
    assert "left out of Ann's progress, personal bests and the team dashboard" in report
    assert f'action="/analyses/{second.pk}/athlete/confirm/"' in report
    scale = report.split('id="scale-note">', 1)[1].split("</p>", 1)[0]
    assert "from a height of 170 cm" not in scale and "not confirmed yet" in scale
    clear = client.get(reverse("analysis_report", args=[first.pk])).content.decode()
    assert "athlete-check-" not in clear
    compare = client.get(reverse("analysis_compare", args=[first.pk]) + f"?with={second.pk}").content.decode()
    assert f'id="athlete-check-{second.pk}"' in compare and "Check the athlete of B, “february”." in compare


def test_only_the_team_s_coaches_confirm(client, world) -> None:
    _, second = _two_sessions(world)
    url = reverse("analysis_athlete_confirm", args=[second.pk])
    client.force_login(world.other_coach)
    assert client.post(url).status_code == 404
    client.force_login(world.ann_user)
    assert client.post(url).status_code in (403, 404)
    second.refresh_from_db()
    assert athlete_check(second) is not None
    assert client.get(url).status_code == 405 or client.get(url).status_code == 404


def test_a_close_call_cannot_become_the_team_s_reference_until_confirmed(client, world) -> None:
    from coaching.progress import comparisons
    from coaching.progress.models import Reference

    _, second = _two_sessions(world)
    segments = comparisons.segments_for(second)
    assert segments and not comparisons.comparable(second)
    rep, action = 0, segments[0].action
    client.force_login(world.coach)
    page = client.post(reverse("reference_set", args=[second.pk]), {"segment": rep}, follow=True)
    assert not Reference.objects.exists()
    assert "Check the athlete first" in page.content.decode()
    client.post(reverse("analysis_athlete_confirm", args=[second.pk]))
    client.post(reverse("reference_set", args=[second.pk]), {"segment": rep})
    assert Reference.objects.get(team=world.team, action=action).analysis == second
