"""The fields and states every background job shares (the analysis run is the model)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class JobStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a worker"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ENDED = (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


class Job(models.Model):
    """A row a worker claims (status PENDING → RUNNING), renews (heartbeat_at), and ends (DONE,
    FAILED or CANCELLED). `attempts` numbers the claims: every write of a worker is conditional
    on its own number, so a worker that lost its lease cannot change the row any more."""

    # The FileFields the job writes; their files live under storage_folder() and nowhere else.
    FILE_FIELDS: ClassVar[tuple[str, ...]] = ()

    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=40, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker_host = models.CharField(max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def is_finished(self) -> bool:
        return self.status in ENDED

    def storage_folder(self) -> str:
        """The storage folder that holds this job's files and only them ("" when it has none):
        what a cancelled, failed or lost attempt leaves there is deleted."""
        return ""
