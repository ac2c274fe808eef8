"""Renders of the annotated MP4 (a worker task with its own progress)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from coaching.analysis.models import Analysis, Status


def render_upload_to(instance: Render, filename: str) -> str:
    return f"teams/{instance.analysis.video.team_id}/renders/{instance.pk}/{filename}"


class RenderKind(models.TextChoices):
    ANNOTATED = "annotated", "Annotated video"
    PRIVACY = "privacy", "Privacy video (everything but the athlete blurred)"


class Render(models.Model):
    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="renders")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=RenderKind.choices, default=RenderKind.ANNOTATED)
    include_review = models.BooleanField(
        default=True, help_text="Draw the coaches' drawings and show comments as captions."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=render_upload_to, blank=True, max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Render {self.pk} of analysis {self.analysis_id} ({self.status})"
