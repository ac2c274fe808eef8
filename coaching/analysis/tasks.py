"""Celery tasks: thin, they take an id and call a service."""

from __future__ import annotations

from celery import shared_task

from coaching.analysis.services import analysis_run


@shared_task(
    name="analysis.run",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def run_analysis(analysis_id: int) -> None:
    analysis_run(analysis_id=analysis_id)
