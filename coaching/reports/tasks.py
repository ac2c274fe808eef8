"""Celery tasks of reports: thin, they take an id and call a service."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from coaching.jobs.tasks import follow_up
from coaching.reports.services import RENDER_JOB, render_run


@shared_task(bind=True, name="reports.render", acks_late=True, reject_on_worker_lost=True,
             ignore_result=True, max_retries=None)
def run_render(self: Any, render_id: int) -> None:
    follow_up(self, RENDER_JOB, render_id, render_run(render_id=render_id))
