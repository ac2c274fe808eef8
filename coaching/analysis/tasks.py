"""Celery tasks: thin, they take an id and call a service."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

from coaching.analysis.runner import Claim, analysis_give_up, analysis_run, analysis_sweep

STORAGE_RETRIES = 5


@shared_task(
    bind=True,
    name="analysis.run",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=None,
)
def run_analysis(self: Any, analysis_id: int) -> None:
    outcome = analysis_run(analysis_id=analysis_id)
    if outcome is Claim.BUSY:
        # Another worker holds the run's lease: if it died, the lease runs out and we take over.
        raise self.retry(countdown=settings.ANALYSIS_LEASE_S, max_retries=100)
    if outcome is Claim.RETRY:
        if self.request.retries >= STORAGE_RETRIES:
            analysis_give_up(analysis_id=analysis_id, reason="storage stayed unavailable")
            return
        raise self.retry(countdown=min(600, 10 * 2**self.request.retries), max_retries=None)


@shared_task(name="analysis.athlete_derived", acks_late=True, ignore_result=True)
def athlete_derived(analysis_id: int) -> None:
    from coaching.analysis.services import analysis_athlete_derived

    analysis_athlete_derived(analysis_id=analysis_id)


@shared_task(name="analysis.sweep", ignore_result=True)
def sweep_analyses() -> int:
    return len(analysis_sweep())
