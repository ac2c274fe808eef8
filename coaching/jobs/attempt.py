"""One attempt at one job: the writes it may still make, its progress, its heartbeat, and the
files it stored. Every write is a conditional UPDATE on (status RUNNING, this attempt number): it
changes nothing, and the attempt stops with Cancelled, once the job was cancelled, deleted (its
video was), or taken over by another worker after this one's lease ran out."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from coaching.jobs.files import delete_stored
from coaching.jobs.models import Job, JobStatus

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.5


class Cancelled(Exception):  # noqa: N818 - a state, not an error: the job is no longer ours
    """The job was cancelled, deleted, or taken over by another attempt: stop working on it.
    Raised by progress reports, stage entries and the final write; the runner catches it."""


class Attempt:
    """The conditional writes of attempt `number` of job `job_id` of `model`."""

    def __init__(self, model: type[Job], job_id: int, number: int) -> None:
        self.model, self.job_id, self.number = model, job_id, number
        self.lost = threading.Event()  # set by the heartbeat when a write found the job gone
        self.stored: list[tuple[Any, str]] = []  # (storage, name) of every file this attempt wrote
        self.fail_fields: dict[str, object] = {}  # written with FAILED too (e.g. stage timings)
        self.ended = False  # this attempt's write ended the job (DONE or FAILED): it tells others

    @classmethod
    def of(cls, job: Job) -> Attempt:
        """The attempt that loaded `job` (its attempt number as loaded)."""
        return cls(type(job), job.pk, job.attempts)

    def owns(self) -> Q:
        return Q(pk=self.job_id, status=JobStatus.RUNNING, attempts=self.number)

    def mine(self) -> QuerySet[Any]:
        return self.model._default_manager.filter(self.owns())

    def update(self, **fields: object) -> bool:
        """Write `fields` if the job is still this attempt's; False (and nothing written) if not."""
        return bool(self.mine().update(**fields))

    def check(self) -> None:
        """Renew the lease; raise Cancelled when the job is no longer this attempt's."""
        if self.lost.is_set() or not self.update(heartbeat_at=timezone.now()):
            raise Cancelled(f"{self.model.__name__} {self.job_id} is no longer attempt {self.number}'s")

    def store(self, field_file: FieldFile, name: str, content: File[Any]) -> None:
        """Save a file into the job's FileField (not yet the row) and remember it, so that the
        file is deleted if this attempt does not end the job as DONE."""
        field_file.save(name, content, save=False)
        self.stored.append((field_file.storage, str(field_file.name)))

    def finish(self, job: Job, fields: Iterable[str] = (), *,
               inside: Callable[[], None] | None = None) -> None:
        """End the job DONE with `fields` of `job` (its files already stored), in one transaction
        with `inside` (e.g. deactivating the previous model) and only if the job is still ours.
        Otherwise delete those files and raise Cancelled."""
        names = list(fields)
        values = {name: getattr(job, name) for name in names}
        with transaction.atomic():
            owned = list(self.mine().select_for_update().values_list("pk", flat=True))
            if owned:
                if inside is not None:
                    inside()
                self.update(**values, status=JobStatus.DONE, progress=100, stage="done", error="",
                            finished_at=timezone.now())
        if not owned:
            delete_stored([value for value in values.values() if isinstance(value, FieldFile)])
            raise Cancelled(f"{self.model.__name__} {self.job_id} ended elsewhere before its result")
        self.ended = True
        job.status, job.progress, job.stage = JobStatus.DONE, 100, "done"

    def fail(self, message: str) -> bool:
        failed = self.update(status=JobStatus.FAILED, error=message, stage="failed",
                             finished_at=timezone.now(), **self.fail_fields)
        self.ended = self.ended or failed
        return failed


class ProgressReporter:
    """Maps each stage's own 0..1 onto the job's 0..100 and writes at most twice a second (the
    write renews the lease too). A write that finds the job no longer ours raises Cancelled, so
    the work stops at its next progress report or stage."""

    def __init__(self, attempt: Attempt) -> None:
        self.attempt = attempt
        self._last_write = 0.0
        self._span = (0.0, 1.0)
        self._stage = ""

    def enter(self, stage: str, start: float, end: float, **fields: object) -> None:
        self._stage, self._span = stage, (start, end)
        self._write(0.0, fields, force=True)

    def __call__(self, fraction: float, **fields: object) -> None:
        self._write(fraction, fields)

    def stage(self, name: str) -> None:
        """A step inside the current span starts (the pipeline names its own stages); the name
        goes out with the next progress write."""
        self._stage = name

    def _write(self, fraction: float, fields: dict[str, object], *, force: bool = False) -> None:
        if self.attempt.lost.is_set():
            raise Cancelled(f"job {self.attempt.job_id} was lost")
        now = time.monotonic()
        if not force and now - self._last_write < PROGRESS_INTERVAL_S:
            return
        self._last_write = now
        start, end = self._span
        percent = int(round(100 * (start + (end - start) * min(max(fraction, 0.0), 1.0))))
        if not self.attempt.update(progress=min(percent, 99), stage=self._stage[:40],
                                   heartbeat_at=timezone.now(), **fields):
            raise Cancelled(f"job {self.attempt.job_id} is no longer ours")


@contextmanager
def heartbeat(attempt: Attempt) -> Iterator[None]:
    """Renew the lease from a thread, so stages without progress reports keep it too; a beat
    that finds the job gone marks the attempt lost (the next report raises Cancelled)."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.ANALYSIS_LEASE_S / 4):
                try:
                    if not attempt.update(heartbeat_at=timezone.now()):
                        attempt.lost.set()
                        return
                except Exception:  # noqa: BLE001 - a missed beat only shortens the lease
                    log.exception("heartbeat of %s %s failed", attempt.model.__name__, attempt.job_id)
        finally:
            connection.close()  # this thread's own connection; do not leave it open

    thread = threading.Thread(target=beat, name=f"heartbeat-{attempt.job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
