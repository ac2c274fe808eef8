"""Metric rows (one set per analysis, the latest analysis of a video only) and the team's
reference performance per action."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from coaching.analysis.models import Analysis
from coaching.athletes.models import Athlete, Team


class MetricRow(models.Model):
    """One measured value of an analysis (inference.compare.metrics.METRICS). team and athlete
    are copied from the video so progress and dashboard queries need no join."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="metric_rows")
    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="metric_rows")
    recorded_on = models.DateField(help_text="The video's recorded date (its upload date if unset).")
    action = models.CharField(max_length=40)
    metric = models.CharField(max_length=40)
    value = models.FloatField()
    unit = models.CharField(max_length=16)
    t_start = models.FloatField(help_text="Seconds into the video where the value was measured.")
    t_end = models.FloatField()

    class Meta:
        ordering = ["recorded_on", "analysis_id"]
        indexes = [
            models.Index(fields=["athlete", "metric", "recorded_on"]),
            models.Index(fields=["team", "metric", "recorded_on"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["analysis", "action", "metric"], name="one_metric_per_action"),
        ]

    def __str__(self) -> str:
        return f"{self.metric}={self.value:g} {self.unit} ({self.action}, analysis {self.analysis_id})"


class Reference(models.Model):
    """The team's reference performance of an action: a segment of one analysis."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="references")
    action = models.CharField(max_length=40)
    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="+")
    start = models.FloatField()
    end = models.FloatField()
    kind = models.CharField(max_length=10, default="whole", help_text="Segment kind: action, rep, jump, whole.")
    label = models.CharField(max_length=80, blank=True)
    core_start = models.FloatField(null=True, blank=True)
    core_end = models.FloatField(null=True, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["action"]
        constraints = [
            models.UniqueConstraint(fields=["team", "action"], name="one_reference_per_action"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="reference_has_length"),
        ]

    def __str__(self) -> str:
        return f"Reference {self.action} of {self.team}"
