"""What every job's Celery task does after the runner: retry a busy job after the lease, back
off on storage errors, give up; and the periodic sweep of every kind of job."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from celery import shared_task
from django.conf import settings

from coaching.jobs.runner import Claim, JobType, job_give_up, job_sweep

log = logging.getLogger(__name__)
STORAGE_RETRIES = 5


def follow_up(task: Any, kind: JobType, job_id: int, outcome: Claim) -> None:
    """Call at the end of a bound, acks-late task with the runner's outcome."""
    if outcome is Claim.BUSY:
        # Another worker holds the job's lease: if it died, the lease runs out and we take over.
        raise task.retry(countdown=settings.ANALYSIS_LEASE_S, max_retries=100)
    if outcome is Claim.RETRY:
        if task.request.retries >= STORAGE_RETRIES:
            job_give_up(kind, job_id=job_id, reason="storage stayed unavailable")
            return
        raise task.retry(countdown=min(600, 10 * 2**task.request.retries), max_retries=None)


def sweep_all(*, now: datetime | None = None) -> int:
    """Sweep every kind of job (coaching.jobs.registry); returns how many were sent."""
    from coaching.jobs.registry import job_types

    sent = 0
    for kind in job_types():
        try:
            sent += len(job_sweep(kind, now=now))
        except Exception:  # noqa: BLE001 - one kind's trouble must not stop the others' sweep
            log.exception("sweeping %s jobs failed", kind.name)
    return sent


@shared_task(name="jobs.sweep", ignore_result=True)
def sweep_jobs() -> int:
    return sweep_all()
