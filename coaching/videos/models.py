"""Uploaded training videos and what the probe learned about them."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models

from coaching.athletes.models import Athlete, Team
from inference.movements import DEFAULT_MOVEMENT, Movement
from inference.video import SLOW_MOTION_FPS

PLAYBACK_RATES = (0.1, 0.125, 0.25, 0.5, 1.0, 1.5, 2.0)
# Derived from the one definition (inference.movements); the form and the model field share it.
MOVEMENT_CHOICES = [(m.value, m.label) for m in Movement]


def video_upload_to(instance: Video, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"teams/{instance.team_id}/videos/{uuid.uuid4().hex}{suffix}"


class Video(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="videos")
    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="videos")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    recorded_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    file = models.FileField(upload_to=video_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    size_bytes = models.BigIntegerField()
    container = models.CharField(max_length=40)
    codec = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    rotation = models.PositiveSmallIntegerField(default=0)
    fps = models.FloatField()
    duration_s = models.FloatField()
    frame_count = models.PositiveIntegerField()
    bit_depth = models.PositiveSmallIntegerField(default=8)
    transfer = models.CharField(
        max_length=20, default="sdr", help_text="sdr, smpte2084 (PQ HDR) or arib-std-b67 (HLG HDR)"
    )
    has_audio = models.BooleanField(default=False)
    movement = models.CharField(
        max_length=20,
        choices=MOVEMENT_CHOICES,
        default=DEFAULT_MOVEMENT.value,
        help_text="Which events and technique rules apply.",
    )
    capture_fps = models.FloatField(
        null=True,
        blank=True,
        help_text="The rate the camera filmed at, for slow motion exported at playback rate "
        "(e.g. 240 for 240 captured frames stored at 60 fps); empty: the file's own rate.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_on", "-created_at"]
        indexes = [models.Index(fields=["athlete", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_hdr(self) -> bool:
        return self.transfer != "sdr"

    @property
    def timeline_fps(self) -> float:
        """Frames per second of real time: the capture rate when one was given, else the file's.
        The analysis and its proxy run on this clock (inference.pipeline.config.capture_fps)."""
        return self.capture_fps or self.fps

    @property
    def timeline_duration_s(self) -> float:
        """Seconds of real time the video covers (shorter than the file's for slow motion)."""
        return self.duration_s * self.fps / self.timeline_fps if self.timeline_fps else self.duration_s

    @property
    def is_slow_motion(self) -> bool:
        return self.timeline_fps >= SLOW_MOTION_FPS

    @property
    def default_playback_rate(self) -> float:
        """Slow-motion captures start at a rate that shows them at about 60 fps."""
        if not self.is_slow_motion:
            return 1.0
        return min(PLAYBACK_RATES, key=lambda r: abs(r - 60.0 / self.timeline_fps))
