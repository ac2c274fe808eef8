"""Every way an analysis ends tells the team's webhooks once: its worker, the sweeper (past the
hard time limit), the task that gives up on storage, a worker that gives up after MAX_ATTEMPTS
lost workers, and a cancel; a worker that lost its run to another does not tell them again."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone

from coaching.analysis.models import Analysis, Status
from coaching.analysis.runner import ANALYSIS_JOB
from coaching.analysis.services import analysis_cancel
from coaching.api.models import Webhook, WebhookDelivery
from coaching.jobs.attempt import Attempt
from coaching.jobs.runner import MAX_ATTEMPTS, job_give_up, job_run, job_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def hook(world: Any, monkeypatch: pytest.MonkeyPatch) -> Webhook:
    # Deliveries are only recorded here: no message is sent to a broker.
    monkeypatch.setattr("coaching.api.webhooks._enqueue", lambda delivery_id: None)
    monkeypatch.setattr("coaching.analysis.tasks.run_analysis.apply_async", lambda **kw: None)
    return Webhook.objects.create(team=world.team, url="https://club.example.org/hook", secret="s" * 64)


def _events(analysis: Analysis) -> list[str]:
    return [d.event for d in WebhookDelivery.objects.filter(payload__analysis__id=analysis.pk)]


def test_the_sweeper_failing_a_run_past_its_time_limit_tells_the_webhooks_once(world, hook, settings) -> None:
    now = timezone.now()
    stuck = Analysis.objects.create(
        video=world.video, status=Status.RUNNING, attempts=1, heartbeat_at=now,
        started_at=now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 2 * settings.ANALYSIS_LEASE_S))
    job_sweep(ANALYSIS_JOB, now=now)
    job_sweep(ANALYSIS_JOB, now=now + timedelta(minutes=1))
    stuck.refresh_from_db()
    assert stuck.status == Status.FAILED
    assert _events(stuck) == ["analysis.failed"]
    assert WebhookDelivery.objects.get().payload["analysis"]["error"] == stuck.error


def test_a_run_whose_workers_kept_dying_tells_the_webhooks_once(world, hook, settings) -> None:
    dead = Analysis.objects.create(
        video=world.video, status=Status.RUNNING, attempts=MAX_ATTEMPTS,
        heartbeat_at=timezone.now() - timedelta(seconds=3 * settings.ANALYSIS_LEASE_S))
    assert job_sweep(ANALYSIS_JOB) == [dead.pk]
    job_run(ANALYSIS_JOB, job_id=dead.pk)  # the message the sweeper sent: given up
    job_run(ANALYSIS_JOB, job_id=dead.pk)  # a duplicate message: nothing to do
    dead.refresh_from_db()
    assert dead.status == Status.FAILED and _events(dead) == ["analysis.failed"]


def test_giving_up_on_storage_tells_the_webhooks_once(world, hook) -> None:
    waiting = Analysis.objects.create(video=world.video)
    job_give_up(ANALYSIS_JOB, job_id=waiting.pk, reason="storage stayed unavailable")
    job_give_up(ANALYSIS_JOB, job_id=waiting.pk, reason="storage stayed unavailable")
    assert _events(waiting) == ["analysis.failed"]


def test_a_cancel_tells_the_webhooks_once(world, hook) -> None:
    waiting = Analysis.objects.create(video=world.video)
    assert analysis_cancel(analysis=waiting, cancelled_by=world.coach)
    assert not analysis_cancel(analysis=waiting, cancelled_by=world.coach)
    assert _events(waiting) == ["analysis.cancelled"]
    assert not _events(world.analysis)  # a run that had ended already: nothing


def test_a_worker_that_lost_its_run_does_not_tell_the_webhooks_again(world, hook) -> None:
    """Worker A's lease ran out; B took the run over and finished it (and told the webhooks).
    A's final write finds the run no longer its own: A must not send a second analysis.done."""
    run = Analysis.objects.create(video=world.video)

    def taken_over(analysis: Analysis, attempt: Attempt) -> None:
        other = Attempt(Analysis, analysis.pk, attempt.number + 1)
        Analysis.objects.filter(pk=analysis.pk).update(attempts=F("attempts") + 1)
        other.finish(analysis)
        from coaching.api.webhooks import webhooks_analysis_ended

        webhooks_analysis_ended(analysis_id=analysis.pk)  # what B's runner did
        attempt.finish(analysis)  # A's own end: raises Cancelled

    job_run(dataclasses.replace(ANALYSIS_JOB, work=taken_over), job_id=run.pk)
    run.refresh_from_db()
    assert run.status == Status.DONE and _events(run) == ["analysis.done"]


def test_the_worker_that_ends_a_run_tells_the_webhooks_once(world, hook) -> None:
    run = Analysis.objects.create(video=world.video)

    def fails(analysis: Analysis, attempt: Attempt) -> None:
        raise RuntimeError("boom")

    job_run(dataclasses.replace(ANALYSIS_JOB, work=fails), job_id=run.pk)
    job_run(dataclasses.replace(ANALYSIS_JOB, work=fails), job_id=run.pk)
    assert _events(run) == ["analysis.failed"]
