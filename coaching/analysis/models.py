"""Analysis runs of a video: a state machine, progress, and the stored results."""

from __future__ import annotations

from django.db import models

from coaching.videos.models import Video


class Status(models.TextChoices):
    PENDING = "pending", "Waiting for a worker"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


# The stored files of a run, as model fields (served by analysis_file, removed with the run).
ANALYSIS_FILES = (
    "proxy", "poster", "poses", "overlay", "kinematics", "angles_csv", "masks", "cutout",
)


def analysis_upload_to(instance: Analysis, filename: str) -> str:
    return f"teams/{instance.video.team_id}/analyses/{instance.pk}/{filename}"


class Analysis(models.Model):
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="analyses")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=40, blank=True)
    error = models.TextField(blank=True)
    backend = models.CharField(max_length=20, default="blazepose")
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker_host = models.CharField(max_length=255, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    proxy = models.FileField(upload_to=analysis_upload_to, blank=True, max_length=255)
    poster = models.FileField(upload_to=analysis_upload_to, blank=True, max_length=255)
    poses = models.FileField(upload_to=analysis_upload_to, blank=True, max_length=255)
    overlay = models.FileField(upload_to=analysis_upload_to, blank=True, max_length=255)
    kinematics = models.FileField(upload_to=analysis_upload_to, blank=True, max_length=255)
    angles_csv = models.FileField(upload_to=analysis_upload_to, blank=True, max_length=255)
    masks = models.FileField(upload_to=analysis_upload_to, blank=True, max_length=255)
    cutout = models.FileField(upload_to=analysis_upload_to, blank=True, max_length=255)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "analyses"
        indexes = [
            models.Index(fields=["video", "-created_at"]),
            models.Index(fields=["status", "heartbeat_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="analysis_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(progress=100),
                name="analysis_done_is_100",
            ),
        ]

    def __str__(self) -> str:
        return f"Analysis {self.pk} of {self.video} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (Status.DONE, Status.FAILED)
