"""Cancelling a job (the Cancel button, deleting the video) stops its worker at the next progress
report and leaves no file; a lost attempt deletes only its own files; whatever a killed attempt
left in a job's folder goes when the job ends."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from coaching.jobs.attempt import Attempt, Cancelled
from coaching.jobs.files import folder_files
from coaching.jobs.models import JobStatus
from coaching.jobs.runner import Claim, job_cancel, job_claim
from coaching.reports import services as render_services
from coaching.reports.models import Render
from coaching.reports.services import RENDER_JOB, render_run

pytestmark = pytest.mark.django_db


def _fake_render(during: Any) -> Any:
    """A stand-in for inference.render.render_annotated that writes its MP4, reports progress,
    lets `during()` happen (a coach's request), and reports again."""

    def render(proxy: Path, out: Path, data: Any, *, progress: Any) -> None:
        out.write_bytes(b"mp4")
        progress(0.3)
        during()
        progress(0.6)  # the worker's next report after the coach's request

    return render


def test_cancel_stops_the_work_at_its_next_progress_report(world, monkeypatch) -> None:
    render = Render.objects.create(analysis=world.analysis, requested_by=world.coach)
    cancelled = []
    monkeypatch.setattr(render_services, "render_annotated", _fake_render(
        lambda: cancelled.append(job_cancel(RENDER_JOB, job_id=render.pk, reason="Cancelled by coach."))))
    monkeypatch.setattr("coaching.jobs.attempt.PROGRESS_INTERVAL_S", 0.0)
    assert render_run(render_id=render.pk) is Claim.ENDED
    render.refresh_from_db()
    assert cancelled == [True]
    assert (render.status, render.error, render.file.name) == (JobStatus.CANCELLED, "Cancelled by coach.", "")
    assert folder_files(default_storage, render.storage_folder()) == []


def test_deleting_the_video_while_the_worker_stores_its_file_leaves_no_file(
        world, monkeypatch, django_capture_on_commit_callbacks) -> None:
    from coaching.videos.services import video_delete

    render = Render.objects.create(analysis=world.analysis, requested_by=world.coach)
    folder = render.storage_folder()
    monkeypatch.setattr(render_services, "render_annotated", _fake_render(lambda: None))
    real_store = Attempt.store

    def store_then_delete(self: Attempt, *args: Any) -> None:
        real_store(self, *args)  # the file is in storage, the row does not know it yet ...
        with django_capture_on_commit_callbacks(execute=True):
            video_delete(video=world.video)  # ... when the coach deletes the video

    monkeypatch.setattr(Attempt, "store", store_then_delete)
    assert render_run(render_id=render.pk) is Claim.ENDED
    assert not Render.objects.filter(pk=render.pk).exists()
    assert folder_files(default_storage, folder) == []
    assert folder_files(default_storage, f"teams/{world.team.pk}/analyses/{world.analysis.pk}") == []


def test_a_lost_attempt_deletes_only_its_own_files(world, settings) -> None:
    render = Render.objects.create(analysis=world.analysis, requested_by=world.coach)
    assert job_claim(Render, job_id=render.pk) == (Claim.CLAIMED, 1)
    first = Attempt(Render, render.pk, 1)
    first.store(render.file, "first.mp4", ContentFile(b"1"))
    first_name = render.file.name
    Render.objects.filter(pk=render.pk).update(  # its worker hung past the lease
        heartbeat_at=timezone.now() - timedelta(seconds=settings.ANALYSIS_LEASE_S + 1))
    assert job_claim(Render, job_id=render.pk) == (Claim.CLAIMED, 2)
    second_row = Render.objects.get(pk=render.pk)
    second = Attempt(Render, render.pk, 2)
    second.store(second_row.file, "second.mp4", ContentFile(b"2"))
    with pytest.raises(Cancelled):
        first.finish(render, ["file"])  # the hung worker wakes up: too late
    assert not default_storage.exists(first_name)
    assert default_storage.exists(second_row.file.name)
    second.finish(second_row, ["file"])
    render.refresh_from_db()
    assert (render.status, render.file.name) == (JobStatus.DONE, second_row.file.name)


def test_files_a_killed_attempt_left_are_deleted_when_the_job_ends(world) -> None:
    render = Render.objects.create(analysis=world.analysis, requested_by=world.coach)
    stray = default_storage.save(f"{render.storage_folder()}/killed-attempt.mp4", ContentFile(b"x"))
    assert render_run(render_id=render.pk) is Claim.ENDED
    render.refresh_from_db()
    assert render.status == JobStatus.DONE, render.error
    assert folder_files(default_storage, render.storage_folder()) == [render.file.name]
    assert not default_storage.exists(stray)


def test_folder_listing_refuses_the_media_root() -> None:
    for folder in ("", "teams", "/"):
        with pytest.raises(ValueError):
            folder_files(default_storage, folder)


@pytest.mark.parametrize(("who", "status", "ends"), [("coach", 302, "cancelled"), ("assistant", 302, "cancelled"),
                                                      ("ann", 403, "running"), ("other", 404, "running")])
def test_cancel_button_follows_the_role_table(client, world, who, status, ends) -> None:
    from django.contrib.auth.models import User

    from coaching.analysis.models import Analysis
    from coaching.athletes.models import Membership, Role

    assistant = User.objects.create_user("assistant", password="pw-assistant-123")
    Membership.objects.create(team=world.team, user=assistant, role=Role.ASSISTANT_COACH)
    users = {"coach": world.coach, "assistant": assistant, "ann": world.ann_user, "other": world.other_coach}
    running = Analysis.objects.create(video=world.video, status=JobStatus.RUNNING, attempts=1,
                                      heartbeat_at=timezone.now())
    client.force_login(users[who])
    page = client.get(reverse("video_detail", args=[world.video.pk]))
    shown = page.status_code == 200 and 'id="cancel-analysis"' in page.content.decode()
    assert shown == (ends == "cancelled")
    response = client.post(reverse("analysis_cancel", args=[running.pk]))
    assert response.status_code == status
    running.refresh_from_db()
    assert running.status == ends
    if ends == "cancelled":
        assert running.error == f"Cancelled by {users[who].username}." and running.finished_at
        assert Attempt(Analysis, running.pk, 1).update(progress=50) is False  # its worker stops
