"""Celery tasks: thin, they take an id and call a service."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from coaching.analysis import warm  # noqa: F401  (connects the worker's warm-up to Celery's signals)
from coaching.analysis.runner import ANALYSIS_JOB, analysis_run
from coaching.jobs import tasks as job_tasks
from coaching.jobs.tasks import STORAGE_RETRIES, follow_up

__all__ = ["STORAGE_RETRIES", "run_analysis", "athlete_choice_task", "track_edit_task", "sweep_analyses", "job_tasks"]


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


@shared_task(bind=True, name="analysis.athlete_choice", acks_late=True, reject_on_worker_lost=True,
             ignore_result=True, max_retries=None)
def athlete_choice_task(self: Any, choice_id: int) -> None:
    from coaching.analysis.athlete import ATHLETE_JOB
    from coaching.jobs.runner import job_run

    follow_up(self, ATHLETE_JOB, choice_id, job_run(ATHLETE_JOB, job_id=choice_id))


@shared_task(bind=True, name="analysis.track_edit", acks_late=True, reject_on_worker_lost=True,
             ignore_result=True, max_retries=None)
def track_edit_task(self: Any, edit_id: int) -> None:
    from coaching.analysis.trackedit import TRACK_EDIT_JOB
    from coaching.jobs.runner import job_run

    follow_up(self, TRACK_EDIT_JOB, edit_id, job_run(TRACK_EDIT_JOB, job_id=edit_id))


@shared_task(name="analysis.sweep", ignore_result=True)
def sweep_analyses() -> int:
    """Kept for schedules saved before jobs.sweep: it sweeps every kind of job now."""
    return job_tasks.sweep_all()
