"""Renders of the annotated MP4 (a background job with its own progress)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from coaching.analysis.models import Analysis
from coaching.jobs.models import Job


def render_upload_to(instance: Render, filename: str) -> str:
    return f"{instance.storage_folder()}/{filename}"


class RenderKind(models.TextChoices):
    ANNOTATED = "annotated", "Annotated video"
    PRIVACY = "privacy", "Privacy video (everything but the athlete blurred)"


class Render(Job):
    FILE_FIELDS: ClassVar[tuple[str, ...]] = ("file",)

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="renders")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=RenderKind.choices, default=RenderKind.ANNOTATED)
    include_review = models.BooleanField(
        default=True, help_text="Draw the coaches' drawings and show comments as captions."
    )
    file = models.FileField(upload_to=render_upload_to, blank=True, max_length=255)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Render {self.pk} of analysis {self.analysis_id} ({self.status})"

    def storage_folder(self) -> str:
        return f"teams/{self.analysis.video.team_id}/renders/{self.pk}"
