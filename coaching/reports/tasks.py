"""Celery tasks of reports: thin, they take an id and call a service."""

from __future__ import annotations

from celery import shared_task

from coaching.reports.services import render_run


@shared_task(name="reports.render", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_render(render_id: int) -> None:
    render_run(render_id=render_id)
