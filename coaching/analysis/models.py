"""Analysis runs of a video: a state machine, progress, and the stored results."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from coaching.jobs.models import Job, JobStatus
from coaching.videos.models import Video

# Every job shares one state machine; this name stays for the many modules that import it here.
Status = JobStatus


# The stored files of a run, as model fields (served by analysis_file, removed with the run).
ANALYSIS_FILES = (
    "proxy", "poster", "poses", "overlay", "kinematics", "angles_csv", "masks", "cutout",
)


def analysis_upload_to(instance: Analysis, filename: str) -> str:
    return f"{instance.storage_folder()}/{filename}"


class Analysis(Job):
    FILE_FIELDS: ClassVar[tuple[str, ...]] = ANALYSIS_FILES

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="analyses")
    backend = models.CharField(max_length=20, default="blazepose")
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

    def storage_folder(self) -> str:
        return f"teams/{self.video.team_id}/analyses/{self.pk}"


class AthleteChoice(Job):
    """A coach chose another person as the athlete of a finished analysis: the athlete's stages
    run again on a worker (inference.pipeline.reanalyze) — a background job like any other."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="athlete_choices")
    track_id = models.IntegerField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Athlete choice {self.pk} (track {self.track_id}) of analysis {self.analysis_id} ({self.status})"
