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
    "proxy", "poster", "poses", "overlay", "kinematics", "angles_csv", "masks", "cutout", "poses_tracked",
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
    # The poses as the tracking stage left them, kept by the first track edit: every edit (and an
    # undo) is replayed on them, so the coach's repairs can be taken back.
    poses_tracked = models.FileField(upload_to=analysis_upload_to, blank=True, max_length=255)

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


class TrackEditOperation(models.TextChoices):
    JOIN = "join", "Join two tracks into one person"
    SPLIT = "split", "Split a track at a time"
    DROP = "drop", "Not a person"
    UNDO = "undo", "Undo the last edit"


class TrackEdit(Job):
    """A coach's repair of the people found in a finished analysis (docs/tracking.md): join two
    tracks, split one at a time, drop one that is not a person, or undo the latest edit. A worker
    replays the analysis's edits on the tracking's own poses and re-runs the athlete's stages —
    a background job like any other. The rows are the analysis's edit history."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="track_edits")
    operation = models.CharField(max_length=10, choices=TrackEditOperation.choices)
    track_id = models.IntegerField(null=True, blank=True)  # join: the one kept; split, drop: the track
    other_track_id = models.IntegerField(null=True, blank=True)  # join: the one joined into track_id
    at_s = models.FloatField(null=True, blank=True)  # split: from this time (a frame's time) on
    reverts = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="reverted_by")  # undo: the edit it takes back
    result_track_id = models.IntegerField(null=True, blank=True)  # split: the later part's new id
    athlete_before = models.IntegerField(null=True, blank=True)
    athlete_after = models.IntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Track edit {self.pk} ({self.operation}) of analysis {self.analysis_id} ({self.status})"
