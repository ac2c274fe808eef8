"""Analysis runs of a video: a state machine, progress, and the stored results."""

from __future__ import annotations

from django.db import models

from coaching.videos.models import Video


class Status(models.TextChoices):
    PENDING = "pending", "Waiting for a worker"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


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
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker_host = models.CharField(max_length=255, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    proxy = models.FileField(upload_to=analysis_upload_to, blank=True, max_length=255)
    poster = models.FileField(upload_to=analysis_upload_to, blank=True, max_length=255)
    poses = models.FileField(upload_to=analysis_upload_to, blank=True, max_length=255)
    overlay = models.FileField(upload_to=analysis_upload_to, blank=True, max_length=255)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "analyses"
        indexes = [models.Index(fields=["video", "-created_at"])]

    def __str__(self) -> str:
        return f"Analysis {self.pk} of {self.video} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (Status.DONE, Status.FAILED)
