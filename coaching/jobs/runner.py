"""The job protocol, for every kind of background job: enqueue after commit (a down broker leaves
the job PENDING), claim with a conditional UPDATE (PENDING → RUNNING, or RUNNING whose lease ran
out → RUNNING with the next attempt number), run with a heartbeat, end with a conditional write,
give up after MAX_ATTEMPTS claims, and a sweeper that sends again what nobody works on.

A message delivered while another worker holds a live lease is retried after the lease time
(coaching.jobs.tasks), so a killed worker's job completes exactly once.
"""

from __future__ import annotations

import enum
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError

from coaching.jobs.attempt import Attempt, Cancelled, heartbeat
from coaching.jobs.files import delete_stored, delete_unreferenced
from coaching.jobs.models import Job, JobStatus
from coaching.storage import StorageUnavailable

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


class Claim(enum.Enum):
    CLAIMED = "claimed"
    RETRY = "retry"  # storage was unavailable: the job is PENDING again, retry with backoff
    BUSY = "busy"  # another worker holds a live lease: try again after the lease time
    ENDED = "ended"  # done, failed, cancelled, or gone: nothing to do


@dataclass(frozen=True)
class JobType:
    """One kind of job: its model, the Celery task that runs one (a dotted path, resolved when
    sending), its queue, and the work. `work(job, attempt)` ends with attempt.finish(...)."""

    name: str  # also the word for it in messages: "the analysis failed"
    model: type[Job]
    task: str
    queue: str
    work: Callable[[Any, Attempt], None]
    related: tuple[str, ...] = ()  # select_related when loading the job
    user_errors: tuple[type[Exception], ...] = (ValidationError,)  # their message is shown as is
    # Called with the job's id by whoever ended it (done, failed or cancelled): its worker, the
    # sweeper, a give-up or a cancel; once, by the one whose conditional write ended it. Who else
    # is told (the analysis' webhooks). Its errors are logged, never the job's.
    on_end: Callable[[int], None] | None = None


def lease() -> timedelta:
    return timedelta(seconds=settings.ANALYSIS_LEASE_S)


def job_claim(model: type[Job], *, job_id: int) -> tuple[Claim, int]:
    """Take the job for this worker. Returns (outcome, attempt number)."""
    now = timezone.now()
    claimable = Q(status=JobStatus.PENDING) | Q(status=JobStatus.RUNNING,
                                                 heartbeat_at__lt=now - lease())
    changed = model._default_manager.filter(claimable, pk=job_id).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, stage="starting", progress=0,
        worker_host=socket.gethostname()[:255], attempts=F("attempts") + 1)
    row = model._default_manager.filter(pk=job_id).values("status", "attempts").first()
    if row is None:
        return Claim.ENDED, 0
    if changed:
        return Claim.CLAIMED, int(row["attempts"])
    busy = row["status"] == JobStatus.RUNNING
    return (Claim.BUSY if busy else Claim.ENDED), int(row["attempts"])


def job_run(kind: JobType, *, job_id: int) -> Claim:
    """Claim the job and do its work. User-caused errors end it FAILED with their message and no
    retry; unexpected ones too, with a generic message and the traceback in the worker log."""
    outcome, number = job_claim(kind.model, job_id=job_id)
    if outcome is not Claim.CLAIMED:
        log.info("%s %s: %s; not running it here.", kind.name, job_id, outcome.value)
        return outcome
    attempt = Attempt(kind.model, job_id, number)
    if number > MAX_ATTEMPTS:
        if attempt.fail(f"The {kind.name} stopped the worker {MAX_ATTEMPTS} times and was given "
                        "up. Start it again; if it happens again, tell us what it was working on."):
            _ended(kind, job_id)
        return Claim.ENDED
    job = kind.model._default_manager.select_related(*kind.related).filter(pk=job_id).first()
    if job is None:
        return Claim.ENDED
    try:
        with heartbeat(attempt):
            kind.work(job, attempt)
    except Cancelled as exc:
        log.info("%s %s stopped: %s", kind.name, job_id, exc)
    except StorageUnavailable as exc:
        log.warning("%s %s: %s; it will be retried.", kind.name, job_id, exc)
        # Not a lost worker: the claim gives its number back, so storage waits (the task's own
        # budget, STORAGE_RETRIES) never add up to MAX_ATTEMPTS; and the task's retry is the next
        # sending, so the sweeper does not send it again at once (seen on tests/distributed).
        attempt.update(status=JobStatus.PENDING, stage="waiting for storage", progress=0,
                       attempts=F("attempts") - 1, enqueued_at=timezone.now(),
                       error=f"Storage was unavailable ({exc}); retrying.")
        outcome = Claim.RETRY
    except SoftTimeLimitExceeded:
        attempt.fail(f"The {kind.name} took longer than the time limit and was stopped. "
                     "Make it smaller (trim the video) and start it again.")
    except kind.user_errors as exc:
        attempt.fail(user_message(exc))
    except Exception as exc:  # noqa: BLE001 - a worker must end the job, not loop on it
        log.exception("%s %s failed", kind.name, job_id)
        attempt.fail(f"The {kind.name} failed unexpectedly ({type(exc).__name__}). Try it "
                     "again; if it fails again, tell us what it was working on.")
    finally:
        _clean_up(job, attempt)
    if outcome is Claim.RETRY:
        return outcome
    if attempt.ended:  # not when the job ended elsewhere (cancelled, or taken over): they tell
        _ended(kind, job_id)
    return Claim.ENDED


def _ended(kind: JobType, job_id: int) -> None:
    if kind.on_end is None:
        return
    try:
        kind.on_end(job_id)
    except Exception:  # noqa: BLE001 - telling others must not change how the job ended
        log.exception("%s %s: the end-of-job hook failed", kind.name, job_id)


def user_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def _clean_up(job: Job, attempt: Attempt) -> None:
    """Delete the files nothing refers to any more. Once another attempt has the job (it may be
    storing its own files right now), only this attempt's own files are touched."""
    folder = job.storage_folder()
    if not folder or not job.FILE_FIELDS:
        return
    row = type(job)._default_manager.filter(pk=job.pk).values(
        "status", "attempts", *job.FILE_FIELDS).first()
    if row is not None and (row["status"] == JobStatus.RUNNING or row["attempts"] != attempt.number):
        referenced = {row[name] for name in job.FILE_FIELDS}
        delete_stored([item for item in attempt.stored if item[1] not in referenced])
        return
    storage = job._meta.get_field(job.FILE_FIELDS[0]).storage  # type: ignore[union-attr]
    keep = [] if row is None else [row[name] for name in job.FILE_FIELDS]
    removed = delete_unreferenced(storage, folder, keep)
    if removed:
        log.info("%s %s: deleted files no row refers to: %s", type(job).__name__, job.pk, removed)


def job_enqueue(kind: JobType, *, job_id: int) -> bool:
    """Send the job to its queue. With the broker down nothing fails: the job stays PENDING and
    the periodic sweeper sends it again once the broker is back."""
    task = import_string(kind.task)
    try:
        task.apply_async(args=[job_id], queue=kind.queue)
    except (OperationalError, OSError):
        log.warning("Broker unreachable; %s %s waits for the sweeper.", kind.name, job_id)
        return False
    kind.model._default_manager.filter(pk=job_id).update(enqueued_at=timezone.now())
    return True


def job_enqueue_on_commit(kind: JobType, *, job_id: int) -> None:
    """Send the job once the transaction that created it commits (a worker must find the row)."""
    transaction.on_commit(lambda: job_enqueue(kind, job_id=job_id))


def job_cancel(kind: JobType, *, job_id: int, reason: str) -> bool:
    """Cancel a job that has not ended. Its worker stops at its next progress report or stage
    (its conditional write finds the job CANCELLED) and deletes what it stored."""
    cancelled = bool(kind.model._default_manager.filter(
        pk=job_id, status__in=[JobStatus.PENDING, JobStatus.RUNNING]).update(
        status=JobStatus.CANCELLED, stage="cancelled", error=reason, finished_at=timezone.now()))
    if cancelled:
        _ended(kind, job_id)
    return cancelled


def job_give_up(kind: JobType, *, job_id: int, reason: str) -> None:
    if kind.model._default_manager.filter(pk=job_id, status=JobStatus.PENDING).update(
            status=JobStatus.FAILED, stage="failed", finished_at=timezone.now(),
            error=f"The {kind.name} could not run: {reason}. Try it again later."):
        _ended(kind, job_id)


def job_sweep(kind: JobType, *, now: datetime | None = None) -> list[int]:
    """Send again the jobs nobody works on: PENDING ones never sent or sent long ago (the broker
    was down, or the message was lost), and RUNNING ones whose lease ran out (the worker died).
    Returns the ids sent."""
    now = now or timezone.now()
    stale_pending = Q(status=JobStatus.PENDING) & (
        Q(enqueued_at__isnull=True, created_at__lt=now - timedelta(seconds=30))
        | Q(enqueued_at__lt=now - timedelta(seconds=settings.ANALYSIS_RESEND_AFTER_S)))
    dead_running = Q(status=JobStatus.RUNNING, heartbeat_at__lt=now - 2 * lease())
    # Past the hard time limit a job cannot be alive: end it, so it can be started again.
    too_long = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) - lease()
    running_too_long = Q(status=JobStatus.RUNNING, started_at__lt=too_long)
    for job_id in list(kind.model._default_manager.filter(running_too_long)
                       .values_list("pk", flat=True)[:500]):
        # One by one and conditional: the one whose write ends the job tells the others once.
        if kind.model._default_manager.filter(running_too_long, pk=job_id).update(
                status=JobStatus.FAILED, stage="failed", finished_at=now,
                error=f"The {kind.name} ran past its time limit and was stopped. Start it again."):
            _ended(kind, job_id)
    ids = list(kind.model._default_manager.filter(stale_pending | dead_running)
               .values_list("pk", flat=True)[:500])
    return [job_id for job_id in ids if job_enqueue(kind, job_id=job_id)]
