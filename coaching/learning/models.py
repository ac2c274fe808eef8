"""What the instance learns from its coaches and library: labelled time ranges, each team's
action-recognition model versions, and the segmentation weights retrained on the library.
The training itself is inference.actions / inference.segmentation; these rows keep its inputs,
its progress and its versions."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from coaching.analysis.models import Analysis
from coaching.athletes.models import Team
from coaching.jobs.models import Job


class ActionLabel(models.Model):
    """A coach's label on a time range of an analysed video: what the athlete does there."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="action_labels")
    label = models.CharField(max_length=40)
    start = models.FloatField(help_text="seconds on the video's time axis")
    end = models.FloatField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["analysis", "start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(start__gte=0), name="label_start_not_negative"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")),
                                   name="label_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.start:.2f}–{self.end:.2f} s of analysis {self.analysis_id}"


def action_model_upload_to(instance: TeamActionModel, filename: str) -> str:
    return f"{instance.storage_folder()}/{filename}"


class TeamActionModel(Job):
    """One version of a team's action model: fine-tuned from the base model on the team's labels
    (a background job: training runs on a worker)."""

    FILE_FIELDS: ClassVar[tuple[str, ...]] = ("file",)

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="action_models")
    version = models.PositiveIntegerField()
    message = models.CharField(max_length=200, blank=True)  # the trainer's own words (epochs…)
    classes = models.JSONField(default=list, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    decision = models.TextField(blank=True, help_text="Why it became active, or why not.")
    active = models.BooleanField(default=False)
    # Activation is a coach's decision after seeing the cross-validated accuracy, the base-class
    # accuracy and the confusion matrix (learning.services.team_model_activate), never automatic.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to=action_model_upload_to, blank=True, max_length=255)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["team", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["team", "version"], name="action_model_version_unique"),
            models.UniqueConstraint(fields=["team"], condition=models.Q(active=True),
                                    name="one_active_action_model_per_team"),
        ]

    def __str__(self) -> str:
        return f"{self.team} action model v{self.version} ({self.status})"

    def storage_folder(self) -> str:
        return f"teams/{self.team_id}/action-models/{self.version}"


def segmentation_upload_to(instance: SegmentationWeights, filename: str) -> str:
    return f"{instance.storage_folder()}/{filename}"


class SegmentationWeights(Job):
    """Segmentation weights retrained on the instance's library (teacher masks of its videos;
    a background job)."""

    FILE_FIELDS: ClassVar[tuple[str, ...]] = ("file",)

    videos = models.PositiveIntegerField(default=0)
    metrics = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(default=False)
    file = models.FileField(upload_to=segmentation_upload_to, blank=True, max_length=255)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "segmentation weights"
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=models.Q(active=True),
                                    name="one_active_segmentation_weights"),
        ]

    def __str__(self) -> str:
        return f"Segmentation weights {self.pk} ({self.status})"

    def storage_folder(self) -> str:
        return f"models/segmentation/{self.pk}"


class ActionRelabel(Job):
    """Labelling an analysis's moves again with its team's active model (a background job)."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="relabels")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Relabel {self.pk} of analysis {self.analysis_id} ({self.status})"
