"""Periodic housekeeping (celery beat, CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from coaching.accounts.tempfiles import temp_cleanup


@shared_task(name="maintenance.temp_cleanup", ignore_result=True)
def temp_cleanup_task() -> int:
    """Delete temporary files and work folders nothing alive uses any more (and the rows of
    resumable uploads whose partial files went with them, by the same age); how many files."""
    from coaching.api.uploads import upload_cleanup_expired

    removed = len(temp_cleanup())
    upload_cleanup_expired()
    return removed
