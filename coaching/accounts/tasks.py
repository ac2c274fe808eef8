"""Periodic housekeeping (celery beat, CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from coaching.accounts.tempfiles import temp_cleanup


@shared_task(name="maintenance.temp_cleanup", ignore_result=True)
def temp_cleanup_task() -> int:
    """Delete temporary files and work folders nothing alive uses any more; how many."""
    return len(temp_cleanup())
