"""Celery tasks: thin, they take an id and call a service."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from coaching.analysis.runner import ANALYSIS_JOB, analysis_run
from coaching.jobs import tasks as job_tasks
from coaching.jobs.tasks import STORAGE_RETRIES, follow_up

__all__ = ["STORAGE_RETRIES", "run_analysis", "athlete_derived", "sweep_analyses", "job_tasks"]


@shared_task(
    bind=True,
    name="analysis.run",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=None,
)
def run_analysis(self: Any, analysis_id: int) -> None:
    follow_up(self, ANALYSIS_JOB, analysis_id, analysis_run(analysis_id=analysis_id))


@shared_task(name="analysis.athlete_derived", acks_late=True, ignore_result=True)
def athlete_derived(analysis_id: int, track_id: int | None = None) -> None:
    from coaching.analysis.services import analysis_athlete_derived

    analysis_athlete_derived(analysis_id=analysis_id, track_id=track_id)


@shared_task(name="analysis.sweep", ignore_result=True)
def sweep_analyses() -> int:
    """Kept for schedules saved before jobs.sweep: it sweeps every kind of job now."""
    return job_tasks.sweep_all()
