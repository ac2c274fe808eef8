"""The REST API over the pages' selectors and services: lists hold only what the user sees,
filters and pages work, results of a finished run come from its stored summary, writes go
through the same services (and their refusals are 400s with the message, never 500s)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from coaching.analysis.downloads import download_name
from coaching.analysis.models import Analysis, Status
from coaching.progress.models import MetricRow
from coaching.reviews.models import Comment
from coaching.serving import content_disposition_header
from coaching.videos.models import Video

pytestmark = pytest.mark.django_db

FINDING = {"rule": "squat.depth", "severity": "warning", "value": 71.234, "threshold": 90.0,
           "unit": "deg", "fault": "shallow", "time_ranges": [[0.1, 0.3]],
           "message": "Squat deeper.", "suggestion": "Sit back.", "source": "NSCA"}


def _ids(response) -> list[int]:  # noqa: ANN001
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_lists_hold_only_what_the_user_sees(client, world) -> None:
    client.force_login(world.coach)
    assert _ids(client.get(reverse("api_team_list"))) == [world.team.pk]
    assert set(_ids(client.get(reverse("api_video_list")))) == {world.video.pk, world.video_al.pk}
    assert set(_ids(client.get(reverse("api_athlete_list")))) == {world.ann.pk, world.al.pk}
    assert set(_ids(client.get(reverse("api_analysis_list")))) == {world.analysis.pk, world.analysis_al.pk}
    client.force_login(world.ann_user)  # an athlete: her own profile, videos and analyses
    assert _ids(client.get(reverse("api_team_list"))) == []
    assert _ids(client.get(reverse("api_video_list"))) == [world.video.pk]
    assert _ids(client.get(reverse("api_athlete_list"))) == [world.ann.pk]
    assert _ids(client.get(reverse("api_analysis_list"))) == [world.analysis.pk]


def test_filters_and_pages(client, world) -> None:
    client.force_login(world.coach)
    url = reverse("api_video_list")
    assert _ids(client.get(url, {"athlete": world.al.pk})) == [world.video_al.pk]
    assert _ids(client.get(url, {"athlete": world.bob.pk})) == []  # another team's: nothing
    first = client.get(url, {"page_size": 1}).json()
    assert first["count"] == 2 and len(first["results"]) == 1 and first["next"]
    second = client.get(first["next"]).json()
    assert {first["results"][0]["id"], second["results"][0]["id"]} == {world.video.pk, world.video_al.pk}
    assert _ids(client.get(reverse("api_athlete_list"), {"search": "an"})) == [world.ann.pk]
    Analysis.objects.create(video=world.video, status=Status.FAILED, error="bad file")
    failed = client.get(reverse("api_analysis_list"), {"status": "failed"}).json()["results"]
    assert [a["error"] for a in failed] == ["bad file"]
    bad = client.get(url, {"athlete": "x", "recorded_from": "yesterday"})
    assert bad.status_code == 400 and set(bad.json()) == {"athlete", "recorded_from"}


def test_analysis_status_and_results(client, world) -> None:
    world.analysis.summary = {
        "pose": {"people": [{"id": 1}, {"id": 2}], "frames": 12},
        "events": {"movement": "squat", "events": [{"kind": "rep", "start": 0.1, "end": 0.4}],
                   "summary": {"reps": 1}},
        "feedback": {"findings": [FINDING], "skipped": []},
        "actions": {"segments": [{"label": "squat", "start": 0.0, "end": 0.5, "confidence": 0.9}]},
    }
    world.analysis.save()
    world.analysis.angles_csv.save("angles.csv", ContentFile(b"time_s,left_knee\n0.0,12.5\n"))
    client.force_login(world.ann_user)
    detail = client.get(reverse("api_analysis_detail", args=[world.analysis.pk])).json()
    assert (detail["status"], detail["progress"], detail["people"]) == ("done", 100, 2)
    assert client.get(detail["results"]["events"]).json()["events"][0]["kind"] == "rep"
    findings = client.get(detail["results"]["findings"]).json()["findings"]
    assert findings[0]["rule"] == "squat.depth" and findings[0]["value"] == 71.23
    segments = client.get(detail["results"]["actions"]).json()["segments"]
    assert segments == [{"label": "squat", "start": 0.0, "end": 0.5, "confidence": 0.9}]
    csv = client.get(detail["results"]["angles_csv"])
    assert b"".join(csv.streaming_content).startswith(b"time_s,left_knee")
    assert csv["Content-Disposition"] == content_disposition_header(download_name(world.analysis, "angles", ".csv"))
    assert client.get(detail["results"]["summary"]).json()["summary"]["pose"]["frames"] == 12
    running = Analysis.objects.create(video=world.video, status=Status.RUNNING, stage="pose", progress=40)
    status = client.get(reverse("api_analysis_detail", args=[running.pk])).json()
    assert (status["stage"], status["progress"], status["status_label"]) == ("pose", 40, "Running")
    unfinished = client.get(reverse("api_analysis_findings", args=[running.pk]))
    assert unfinished.status_code == 409 and "not finished" in unfinished.json()["detail"]
    export = client.get(reverse("api_analysis_export", args=[world.analysis.pk, "nope"]))
    assert export.status_code == 404


def test_rerun_and_delete_use_the_services(client, world) -> None:
    client.force_login(world.coach)
    url = reverse("api_video_rerun", args=[world.video.pk])
    queued = client.post(url, {"backend": "openpose"}, content_type="application/json")
    assert queued.status_code == 202 and queued.json()["status"] == "pending"
    assert Analysis.objects.get(pk=queued.json()["id"]).backend == "openpose"
    assert client.post(url, {"backend": "magic"}, content_type="application/json").status_code == 400
    assert client.delete(reverse("api_video_detail", args=[world.video_al.pk])).status_code == 204
    assert not Video.objects.filter(pk=world.video_al.pk).exists()


def test_comments_and_drawings(client, world) -> None:
    client.force_login(world.ann_user)
    url = reverse("api_comment_list", args=[world.video.pk])
    made = client.post(url, {"body": "Was this deep enough?", "t_start": 0.1}, content_type="application/json")
    assert made.status_code == 201 and made.json()["author"]["role"] == "athlete"
    assert [c["body"] for c in client.get(url).json()] == ["Was this deep enough?"]
    late = client.post(url, {"body": "x", "t_start": 99}, content_type="application/json")
    assert late.status_code == 400 and "start must be between" in late.json()["detail"]
    huge = client.post(url, '{"body": "x", "t_start": 1e400}', content_type="application/json")
    assert huge.status_code == 400
    drawing = {"kind": "line", "t_start": 0, "t_end": 0.4, "geometry": {"points": [[1, 1], [9, 9]]}}
    draw_url = reverse("api_annotation_list", args=[world.video.pk])
    assert client.post(draw_url, drawing, content_type="application/json").status_code == 403
    client.force_login(world.coach)
    drawn = client.post(draw_url, drawing, content_type="application/json")
    assert drawn.status_code == 201
    comment = Comment.objects.get()
    mine = reverse("api_comment_detail", args=[world.video.pk, comment.pk])
    assert client.delete(mine).status_code == 403  # the athlete's comment: only she deletes it
    edit = reverse("api_annotation_detail", args=[world.video.pk, drawn.json()["id"]])
    changed = client.patch(edit, {"colour": "#00FF00"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["colour"] == "#00ff00"


def test_metrics_of_an_athlete(client, world) -> None:
    for day, value in ((1, 80.0), (8, 95.0)):
        MetricRow.objects.create(team=world.team, athlete=world.ann, analysis=world.analysis,
                                 recorded_on=f"2026-01-{day:02d}", action=f"squat{day}",
                                 metric="knee_flexion_max", value=value, unit="deg", t_start=0, t_end=1)
    client.force_login(world.ann_user)
    url = reverse("api_athlete_metrics", args=[world.ann.pk])
    rows = client.get(url).json()["results"]
    assert [r["value"] for r in rows] == [80.0, 95.0]
    assert [r["value"] for r in client.get(url, {"date_from": "2026-01-05"}).json()["results"]] == [95.0]
    assert client.get(reverse("api_athlete_metrics", args=[world.al.pk])).status_code == 404


def test_athlete_profiles_per_role(client, world) -> None:
    client.force_login(world.coach)
    made = client.post(reverse("api_athlete_create", args=[world.team.pk]),
                       {"name": "Cy", "height_cm": "181.5"}, content_type="application/json")
    assert made.status_code == 201 and made.json()["height_cm"] == "181.5"
    edit = reverse("api_athlete_detail", args=[made.json()["id"]])
    assert client.patch(edit, {"height_cm": 20}, content_type="application/json").status_code == 400
    assert client.patch(edit, {"discipline": "hurdles"}, content_type="application/json").json()[
        "discipline"] == "hurdles"
    client.force_login(world.ann_user)
    assert client.patch(reverse("api_athlete_detail", args=[world.ann.pk]), {"name": "Queen"},
                        content_type="application/json").status_code == 403


@pytest.mark.parametrize("body", [
    '{"body": "x", "t_start": NaN}', '{"body": "x", "t_start": "inf"}',
    '{"body": ' + "[" * 2000 + "]" * 2000 + "}", '{"body": "' + "x" * 300_000 + '"}',
    "[1, 2]", "not json", '{"body": "x", "annotation_id": 99999999999999999999999}',
])
def test_crafted_json_is_a_400_with_a_message(client, world, body: str) -> None:
    client.force_login(world.coach)
    response = client.post(reverse("api_comment_list", args=[world.video.pk]), body,
                           content_type="application/json")
    assert response.status_code == 400 and response.json()
    assert not Comment.objects.exists()
