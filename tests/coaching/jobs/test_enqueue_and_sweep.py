"""Every kind of job: a broker outage when it is started leaves it PENDING (no error page), the
sweeper sends it once the broker is back, and takes over jobs whose worker died. Database only;
the real worker processes are in test_real_worker.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError

from coaching.jobs.models import Job, JobStatus
from coaching.jobs.registry import job_types
from coaching.jobs.runner import MAX_ATTEMPTS, job_run
from coaching.jobs.tasks import sweep_all
from tests.coaching.jobs.kinds import KINDS, kind_named, make_job
from tests.support import label_for_training

pytestmark = pytest.mark.django_db


def _down(**kwargs: object) -> None:
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def broker(monkeypatch: pytest.MonkeyPatch) -> Callable[[bool], list[dict[str, Any]]]:
    """broker(up): every job task's apply_async fails (down) or records its call (up)."""
    sent: list[dict[str, Any]] = []

    def switch(up: bool) -> list[dict[str, Any]]:
        for kind in job_types():
            task = import_string(kind.task)
            monkeypatch.setattr(task, "apply_async", (lambda **kw: sent.append(kw)) if up else _down)
        return sent

    return switch


def _start(name: str, client: Any, world: Any) -> Job:
    """Start a job the way a coach does (a view), or the operator (retraining: a command)."""
    from coaching.analysis.models import Analysis
    from coaching.learning.models import ActionRelabel, TeamActionModel
    from coaching.learning.segmentation import segmentation_retrain_start
    from coaching.reports.models import Render

    client.force_login(world.coach)
    if name == "analysis":
        assert client.post(reverse("video_rerun", args=[world.video.pk])).status_code == 302
        return Analysis.objects.filter(video=world.video).latest("pk")
    if name == "render":
        response = client.post(reverse("render_start", args=[world.analysis.pk]), {"kind": "annotated"})
        assert response.status_code == 202, response.content
        return Render.objects.latest("pk")
    if name == "training":
        label_for_training(world)
        assert client.post(reverse("team_moves_train", args=[world.team.pk])).status_code == 302
        return TeamActionModel.objects.get(team=world.team)
    if name == "re-labelling":
        assert client.post(reverse("analysis_relabel", args=[world.analysis.pk])).status_code == 302
        return ActionRelabel.objects.get(analysis=world.analysis)
    if name == "track edit":
        from coaching.analysis.models import TrackEdit
        from tests.support import store_small_poses

        store_small_poses(world.analysis)  # one person, track 0
        response = client.post(reverse("analysis_track_edit", args=[world.analysis.pk]),
                               {"operation": "drop", "track": "0"})
        assert response.status_code == 202, response.content
        return TrackEdit.objects.get(analysis=world.analysis)
    return segmentation_retrain_start()


@pytest.mark.parametrize("name", KINDS)
def test_broker_down_when_a_job_starts_then_the_sweeper_sends_it(
        name, client, world, broker, django_capture_on_commit_callbacks) -> None:
    broker(False)
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(name, client, world)
    job.refresh_from_db()
    assert (job.status, job.enqueued_at) == (JobStatus.PENDING, None)
    sent = broker(True)
    assert sweep_all(now=timezone.now()) == 0  # too fresh: the request may still be sending it
    assert sweep_all(now=timezone.now() + timedelta(minutes=1)) == 1
    kind = kind_named(name)
    assert sent == [{"args": [job.pk], "queue": kind.queue}]
    job.refresh_from_db()
    assert job.enqueued_at is not None
    assert sweep_all(now=timezone.now() + timedelta(minutes=1)) == 0  # sent once


@pytest.mark.parametrize("name", KINDS)
def test_sweeper_sends_again_the_jobs_of_dead_workers_only(name, world, broker, settings) -> None:
    now = timezone.now()
    dead = make_job(name, world, status=JobStatus.RUNNING, attempts=1,
                    heartbeat_at=now - timedelta(seconds=3 * settings.ANALYSIS_LEASE_S))
    make_job(name, world, status=JobStatus.RUNNING, attempts=1, heartbeat_at=now)
    make_job(name, world, status=JobStatus.DONE, progress=100, attempts=1,
             heartbeat_at=now - timedelta(days=1))
    sent = broker(True)
    sweep_all(now=now)
    assert [call["args"][0] for call in sent] == [dead.pk]


@pytest.mark.parametrize("name", KINDS)
def test_a_job_running_past_the_hard_limit_is_failed(name, world, broker, settings) -> None:
    now = timezone.now()
    stuck = make_job(name, world, status=JobStatus.RUNNING, attempts=1, heartbeat_at=now,
                     started_at=now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 2 * settings.ANALYSIS_LEASE_S))
    broker(True)
    sweep_all(now=now)
    stuck.refresh_from_db()
    assert stuck.status == JobStatus.FAILED and "time limit" in stuck.error


def test_a_stuck_training_no_longer_blocks_the_team(world, broker, settings) -> None:
    """A training whose worker keeps dying is taken over until MAX_ATTEMPTS, then failed, and
    the team can train again."""
    from coaching.learning.services import TEAM_MODEL_JOB, team_model_train_start

    label_for_training(world)
    stuck = make_job("training", world, status=JobStatus.RUNNING, attempts=MAX_ATTEMPTS,
                     heartbeat_at=timezone.now() - timedelta(seconds=3 * settings.ANALYSIS_LEASE_S))
    with pytest.raises(ValidationError):
        team_model_train_start(team=world.team, requested_by=world.coach)
    broker(True)
    assert sweep_all() == 1  # what celery beat runs every minute: the message comes back
    job_run(TEAM_MODEL_JOB, job_id=stuck.pk)  # ... and its worker gives up on the job
    stuck.refresh_from_db()
    assert stuck.status == JobStatus.FAILED and "given up" in stuck.error
    assert team_model_train_start(team=world.team, requested_by=world.coach).version == 2
