"""Services and selectors: athletes, deletion with files, the analysis state machine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from coaching.analysis.models import Analysis, Status
from coaching.analysis.runner import Claim, analysis_claim, analysis_run
from coaching.analysis.services import analysis_create
from coaching.athletes.selectors import athlete_list_for_team, athlete_list_visible
from coaching.athletes.services import athlete_delete, athlete_update
from coaching.videos.models import Video

pytestmark = pytest.mark.django_db


def test_athlete_search_and_sort(world) -> None:
    names = [a.name for a in athlete_list_for_team(team=world.team, sort="-name")]
    assert names == ["Ann", "Al"]
    assert [a.name for a in athlete_list_for_team(team=world.team, search="an")] == ["Ann"]
    assert set(athlete_list_visible(user=world.ann_user)) == {world.ann}
    assert set(athlete_list_visible(user=world.coach)) == {world.ann, world.al}


def test_athlete_update_validates(world) -> None:
    athlete_update(athlete=world.al, data={"discipline": "sprint", "dominant_side": "left"})
    world.al.refresh_from_db()
    assert (world.al.discipline, world.al.dominant_side) == ("sprint", "left")


def test_athlete_delete_removes_videos_and_files(world, django_capture_on_commit_callbacks) -> None:
    paths = [Path(world.video.file.path), Path(world.analysis.proxy.path), Path(world.render.file.path)]
    assert all(p.exists() for p in paths)
    with django_capture_on_commit_callbacks(execute=True):
        athlete_delete(athlete=world.ann)
    assert not Video.objects.filter(pk=world.video.pk).exists()
    assert not Analysis.objects.filter(pk=world.analysis.pk).exists()
    assert not any(p.exists() for p in paths)
    assert Video.objects.filter(pk=world.video_b.pk).exists()


def test_claim_happens_once(world) -> None:
    analysis = Analysis.objects.create(video=world.video)
    assert analysis_claim(analysis_id=analysis.pk) == (Claim.CLAIMED, 1)
    assert analysis_claim(analysis_id=analysis.pk) == (Claim.BUSY, 1)
    analysis.refresh_from_db()
    assert analysis.status == Status.RUNNING and analysis.started_at and analysis.worker_host


def test_analysis_is_queued_after_commit(world, django_capture_on_commit_callbacks, monkeypatch) -> None:
    sent = []
    from coaching.analysis import tasks

    monkeypatch.setattr(tasks.run_analysis, "apply_async", lambda **kw: sent.append(kw))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        analysis = analysis_create(video=world.video)
    assert sent == [] and len(callbacks) == 1
    callbacks[0]()
    assert sent == [{"args": [analysis.pk], "queue": "gpu"}]


def test_run_makes_a_playable_proxy(world, make_clip) -> None:
    clip = make_clip(frames=30, size=(320, 200))
    world.video.file.save("real.mp4", ContentFile(clip.read_bytes()), save=True)
    analysis = Analysis.objects.create(video=world.video)
    analysis_run(analysis_id=analysis.pk)
    analysis.refresh_from_db()
    assert analysis.status == Status.DONE, analysis.error
    assert analysis.progress == 100 and analysis.finished_at
    assert "proxy" in analysis.timings
    from inference.video import probe

    info = probe(analysis.proxy.path)
    assert (info.codec, info.width, info.height, info.frame_count) == ("h264", 320, 200, 30)
    assert Path(analysis.poster.path).read_bytes()[:2] == b"\xff\xd8"
    # a second delivery of the same message does nothing
    analysis_run(analysis_id=analysis.pk)
    analysis.refresh_from_db()
    assert analysis.status == Status.DONE


def test_run_on_a_broken_file_fails_with_a_message(world) -> None:
    world.video.file.save("broken.mp4", ContentFile(b"\0" * 1000), save=True)
    analysis = Analysis.objects.create(video=world.video)
    analysis_run(analysis_id=analysis.pk)
    analysis.refresh_from_db()
    assert analysis.status == Status.FAILED
    assert "damaged" in analysis.error.lower()


def test_status_endpoint_reports_progress(client, world) -> None:
    client.force_login(world.coach)
    data = client.get(reverse("video_status", args=[world.video.pk])).json()
    assert data["status"] == "done" and data["progress"] == 100
    assert data["proxy_url"].endswith("/proxy/")


def test_coach_click_changes_the_athlete(world, tmp_path) -> None:
    import json

    from coaching.analysis.athlete import ATHLETE_JOB
    from coaching.analysis.models import AthleteChoice
    from coaching.analysis.services import analysis_set_athlete
    from coaching.jobs.runner import job_run
    from inference.posedata import PoseSequence

    keypoints = np.full((3, 2, 33, 3), np.nan, np.float32)
    keypoints[:, 0, :, :2] = [100, 100]  # person slot 0 around (100..140, 100..200)
    keypoints[:, 0, ::2, :2] = [140, 200]
    keypoints[:, 1, :, :2] = [400, 120]  # person slot 1 around (400..440, 120..220)
    keypoints[:, 1, ::2, :2] = [440, 220]
    keypoints[..., 2] = 0.9
    poses = PoseSequence(keypoints, "blazepose33", np.array([0.0, 0.1, 0.2]), 10.0, (640, 480),
                         np.array([7, 9]))
    poses.save(tmp_path / "poses.npz")
    analysis = world.analysis
    analysis.poses.save("poses.npz", ContentFile((tmp_path / "poses.npz").read_bytes()), save=False)
    analysis.summary = {"pose": {"athlete_track_id": 7, "athlete_source": "auto"}}
    analysis.save()
    assert analysis_set_athlete(analysis=analysis, x=420, y=170, t=0.1, requested_by=world.coach) == 9
    job = AthleteChoice.objects.get(analysis=analysis)
    assert (job.track_id, job.status, job.requested_by) == (9, "pending", world.coach)
    analysis.refresh_from_db()
    assert analysis.summary["pose"] == {"athlete_track_id": 7, "athlete_source": "auto"}  # until the worker has run
    # the worker's part (the job): the pipeline's athlete stages again, from the stored poses
    job_run(ATHLETE_JOB, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "done", job.error
    analysis.refresh_from_db()
    assert json.loads(Path(analysis.overlay.path).read_text())["athlete"] == 9
    assert analysis.summary["athlete"]["track_id"] == 9 and analysis.summary["athlete"]["source"] == "click"
    assert analysis.summary["pose"]["athlete_track_id"] == 9
    assert {"kinematics", "events", "feedback", "actions"} <= set(analysis.summary)
    assert analysis.angles_csv and analysis.kinematics


def test_athlete_pick_view(client, world) -> None:
    client.force_login(world.coach)
    url = reverse("analysis_athlete", args=[world.analysis.pk])
    bad = client.post(url, {"x": "a", "y": 1, "t": 0})
    assert bad.status_code == 400 and "x, y" in bad.json()["error"]
    nobody = client.post(url, {"x": 1, "y": 1, "t": 0})  # no poses stored for this analysis
    assert nobody.status_code == 400 and "Nobody" in nobody.json()["error"]


def test_rerun_with_another_backend(client, world, django_capture_on_commit_callbacks) -> None:
    client.force_login(world.coach)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("video_rerun", args=[world.video.pk]), {"backend": "openpose"})
    assert response.status_code == 302
    latest = world.video.analyses.order_by("-pk").first()
    assert (latest.backend, latest.status) == ("openpose", Status.PENDING)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("video_rerun", args=[world.video.pk]), {"backend": "nonsense"})
    assert world.video.analyses.order_by("-pk").first().backend == "blazepose"


def test_coach_gives_an_athlete_a_login(client, world) -> None:
    client.force_login(world.coach)
    url = reverse("athlete_login", args=[world.al.pk])
    taken = client.post(url, {"username": "ANN", "password": "long-enough-pw-42"})
    assert "is taken" in taken.content.decode()
    weak = client.post(url, {"username": "al", "password": "12345678"})
    assert weak.status_code == 200 and not world.al.__class__.objects.get(pk=world.al.pk).user_id
    assert client.post(url, {"username": "al", "password": "long-enough-pw-42"}).status_code == 302
    client.logout()
    assert client.login(username="al", password="long-enough-pw-42")
    assert client.get(reverse("video_detail", args=[world.video_al.pk])).status_code == 200
    assert client.get(reverse("video_detail", args=[world.video.pk])).status_code == 404


def test_media_audit_reports_orphans_and_missing_files(world) -> None:
    from io import StringIO

    from django.core.files.storage import default_storage
    from django.core.management import call_command

    from coaching.learning.models import TeamActionModel

    orphan = default_storage.save("teams/999/videos/left-behind.mp4", ContentFile(b"x"))
    model = TeamActionModel.objects.create(team=world.team, version=1)
    model.file.save("team-v1.zip", ContentFile(b"PK"), save=True)
    Path(world.analysis_b.proxy.path).unlink()
    out = StringIO()
    call_command("media_audit", stdout=out)
    report = out.getvalue()
    assert f"orphan file: {orphan}" in report
    assert f"missing file: {world.analysis_b.proxy.name} (of analysis {world.analysis_b.pk} (proxy))" in report
    assert default_storage.exists(orphan)
    call_command("media_audit", "--delete-orphans", stdout=StringIO())
    assert not default_storage.exists(orphan) and default_storage.exists(world.video.file.name)
    assert default_storage.exists(model.file.name)  # a team model's weights are not orphans


def test_video_upload_service_takes_an_in_memory_file(world, make_clip) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coaching.videos.services import video_upload

    data = make_clip(frames=12).read_bytes()
    video = video_upload(athlete=world.al, file=SimpleUploadedFile("m.mp4", data), uploaded_by=world.coach)
    assert Path(video.file.path).read_bytes() == data


def test_team_listing_and_athlete_search_with_factories() -> None:
    from coaching.athletes.selectors import team_list_for_coach
    from tests.factories import AthleteFactory, MembershipFactory

    head = MembershipFactory()
    MembershipFactory(user=head.user, role="assistant_coach")  # a second team, as assistant
    athlete_only = MembershipFactory(role="athlete")
    AthleteFactory(team=head.team, name="Zara", discipline="ballet")
    AthleteFactory(team=head.team, name="Yann")
    assert team_list_for_coach(user=head.user).count() == 2
    assert team_list_for_coach(user=athlete_only.user).count() == 0
    assert [a.name for a in athlete_list_for_team(team=head.team, search="ball")] == ["Zara"]
    assert [a.name for a in athlete_list_for_team(team=head.team, sort="name")] == ["Yann", "Zara"]
