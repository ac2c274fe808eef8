"""Personal API tokens and resumable (tus) uploads in progress."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models

from coaching.athletes.models import Athlete, Team
from coaching.videos.models import Video


class ApiToken(models.Model):
    """A personal token for scripts and capture apps. Only the SHA-256 of its secret is kept:
    the secret is shown once, when it is made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(max_length=80)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="The token's first characters, to tell tokens apart.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.user}"


class UploadState(models.TextChoices):
    RECEIVING = "receiving", "Receiving"
    DONE = "done", "Stored"
    FAILED = "failed", "Refused"


class TusUpload(models.Model):
    """A resumable upload (tus 1.0): its bytes so far live in a temporary file named so the
    hourly temp cleanup removes it once untouched for TEMP_MAX_AGE_S; the row says how far it
    got, what it is for, and which video it became."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="+")
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    metadata = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=UploadState.choices, default=UploadState.RECEIVING)
    error = models.TextField(blank=True)
    video = models.ForeignKey(Video, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(offset__gte=0) & models.Q(offset__lte=models.F("length")),
                                   name="tus_offset_within_length"),
        ]

    def __str__(self) -> str:
        return f"Upload {self.id} ({self.offset}/{self.length})"

    @property
    def temp_path(self) -> Path:
        # "tmp" prefix: coaching.accounts.tempfiles cleans it like any other stale temporary file.
        return Path(settings.FILE_UPLOAD_TEMP_DIR) / f"tmptus-{self.id.hex}.part"


class Webhook(models.Model):
    """A URL of a team's own system that is told when an analysis ends. ``secret`` signs every
    delivery (HMAC-SHA256); it must be kept to sign, so it is stored as it is and shown once."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Webhook {self.url} of {self.team}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Sending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Gave up"


class WebhookDelivery(models.Model):
    """One event sent to one webhook, with what happened at each try (the team settings log)."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_try_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event} to {self.webhook.url} ({self.state})"
