"""A coach's review of a video: drawings on frames (annotations), a timestamped comment thread
between the team's coaches and the athlete, and what each user has already read."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from coaching.videos.models import Video


class Kind(models.TextChoices):
    ANGLE = "angle", "Angle"
    LINE = "line", "Line"
    DISTANCE = "distance", "Distance"
    FREEHAND = "freehand", "Free drawing"
    ARROW = "arrow", "Arrow"
    TEXT = "text", "Text"


class Annotation(models.Model):
    """A drawing shown over the video from t_start to t_end (seconds on the proxy's time axis,
    which keeps the source's presentation times). `geometry` is {"points": [[x, y], ...]} in
    source pixels of the upright video (Video.width x Video.height), so it survives any display
    size. `calibration` is {} or how pixels became metres when the drawing was made."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="annotations")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    t_start = models.FloatField()
    t_end = models.FloatField()
    geometry = models.JSONField()
    calibration = models.JSONField(default=dict, blank=True)
    text = models.CharField(max_length=500, blank=True)
    colour = models.CharField(max_length=7, default="#ff3b30")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["t_start", "pk"]
        indexes = [models.Index(fields=["video", "t_start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(t_start__gte=0) & Q(t_end__gt=models.F("t_start")),
                name="annotation_time_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.t_start:.2f} s on {self.video}"


class Comment(models.Model):
    """One message of a video's thread, optionally at a time (range) and about a drawing."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField()
    t_start = models.FloatField(null=True, blank=True)
    t_end = models.FloatField(null=True, blank=True)
    annotation = models.ForeignKey(
        Annotation, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["video", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(t_end__isnull=True)
                | (Q(t_start__isnull=False) & Q(t_end__gte=models.F("t_start"))),
                name="comment_time_range",
            )
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.video}"


class ReadMarker(models.Model):
    """Until when a user has read a video's review: newer comments and drawings by others
    are unread."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "video"], name="one_read_marker_per_video")
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.video} at {self.seen_at}"
