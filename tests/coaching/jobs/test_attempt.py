"""An attempt's heartbeat and progress reports: the lease is renewed from a thread, and a job
that is gone (its video deleted) or cancelled stops the work at its next report."""

from __future__ import annotations

import time

import pytest

from coaching.jobs.attempt import Attempt, Cancelled, ProgressReporter, heartbeat
from coaching.jobs.models import JobStatus
from coaching.jobs.runner import Claim, job_cancel, job_claim
from coaching.reports.models import Render
from coaching.reports.services import RENDER_JOB


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_renews_the_lease_and_notices_a_deleted_job(world, settings) -> None:
    settings.ANALYSIS_LEASE_S = 0.4  # a beat every 0.1 s
    render = Render.objects.create(analysis=world.analysis, requested_by=world.coach)
    assert job_claim(Render, job_id=render.pk)[0] is Claim.CLAIMED
    attempt = Attempt(Render, render.pk, 1)
    reporter = ProgressReporter(attempt)
    with heartbeat(attempt):
        first = Render.objects.get(pk=render.pk).heartbeat_at
        time.sleep(0.5)
        assert Render.objects.get(pk=render.pk).heartbeat_at > first
        Render.objects.filter(pk=render.pk).delete()
        deadline = time.monotonic() + 5
        while not attempt.lost.is_set():
            assert time.monotonic() < deadline, "the heartbeat never noticed"
            time.sleep(0.05)
        with pytest.raises(Cancelled):
            reporter(0.5)  # no write needed: the next report stops the work


@pytest.mark.django_db
def test_reports_stop_once_the_job_is_cancelled(world, monkeypatch) -> None:
    render = Render.objects.create(analysis=world.analysis, requested_by=world.coach)
    job_claim(Render, job_id=render.pk)
    reporter = ProgressReporter(Attempt(Render, render.pk, 1))
    reporter.enter("drawing", 0.0, 0.5)
    reporter.stage("encoding")  # a step's name goes out with the next write
    reporter(1.0)  # within the half second: neither written nor checked
    assert Render.objects.filter(pk=render.pk).values_list("stage", "progress").get() == ("drawing", 0)
    monkeypatch.setattr("coaching.jobs.attempt.PROGRESS_INTERVAL_S", 0.0)
    reporter(0.5)
    assert Render.objects.filter(pk=render.pk).values_list("stage", "progress").get() == ("encoding", 25)
    assert job_cancel(RENDER_JOB, job_id=render.pk, reason="Cancelled by coach.")
    assert not job_cancel(RENDER_JOB, job_id=render.pk, reason="again")  # ended already
    with pytest.raises(Cancelled):
        reporter(0.6)
    with pytest.raises(Cancelled):
        reporter.enter("saving", 0.5, 1.0)
    render.refresh_from_db()
    assert (render.status, render.stage, render.progress) == (JobStatus.CANCELLED, "cancelled", 25)
