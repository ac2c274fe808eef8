"""What the API sends and accepts. Outputs are built from the models and the pages' selectors;
inputs are checked here for shape (types, finite numbers), then by the services for meaning."""

from __future__ import annotations

import math
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coaching.analysis.models import ANALYSIS_FILES, Analysis
from coaching.analysis.selectors import analysis_latest, analysis_status
from coaching.athletes.models import Athlete, Side, Team
from coaching.athletes.permissions import abilities
from coaching.athletes.selectors import team_role
from coaching.progress.models import MetricRow
from coaching.reports.exports import EXPORTS
from coaching.reviews.models import Kind
from coaching.videos.forms import BACKEND_CHOICES
from coaching.videos.models import MOVEMENT_CHOICES, Video


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise serializers.ValidationError("Send a finite number.")
    return value


class FiniteFloatField(serializers.FloatField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(_finite)


class TeamSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()
    abilities = serializers.SerializerMethodField()

    class Meta:
        model = Team
        fields = ["id", "name", "athletes_can_upload", "created_at", "role", "abilities"]

    def _user(self) -> Any:
        return self.context["request"].user

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_role(self, team: Team) -> str | None:
        return team_role(user=self._user(), team=team)

    @extend_schema_field(serializers.DictField(child=serializers.BooleanField()))
    def get_abilities(self, team: Team) -> dict[str, bool]:
        """The role table (coaching.athletes.permissions) for this user in this team."""
        return abilities(user=self._user(), team=team)


class AthleteSerializer(serializers.ModelSerializer):
    has_login = serializers.SerializerMethodField()

    class Meta:
        model = Athlete
        fields = ["id", "team", "name", "date_of_birth", "discipline", "dominant_side", "height_cm",
                  "notes", "has_login", "created_at"]
        read_only_fields = fields

    def get_has_login(self, athlete: Athlete) -> bool:
        return athlete.user_id is not None


class AthleteWriteSerializer(serializers.Serializer):
    """Fields a coach may set (coaching.athletes.services.ATHLETE_EDITABLE)."""

    name = serializers.CharField(max_length=120)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    discipline = serializers.CharField(max_length=80, required=False, allow_blank=True)
    dominant_side = serializers.ChoiceField(choices=Side.choices, required=False, allow_blank=True)
    height_cm = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=50,
                                         max_value=260, required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class VideoSerializer(serializers.ModelSerializer):
    latest_analysis = serializers.SerializerMethodField()
    original_url = serializers.SerializerMethodField()

    class Meta:
        model = Video
        fields = ["id", "team", "athlete", "title", "recorded_on", "notes", "original_name",
                  "size_bytes", "container", "codec", "width", "height", "rotation", "fps",
                  "duration_s", "frame_count", "bit_depth", "transfer", "has_audio", "movement",
                  "capture_fps", "created_at", "latest_analysis", "original_url"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_latest_analysis(self, video: Video) -> int | None:
        """The run the video page shows (coaching.analysis.selectors.analysis_latest)."""
        latest = analysis_latest(video=video)
        return latest.pk if latest is not None else None

    def get_original_url(self, video: Video) -> str:
        return reverse("api_video_original", args=[video.pk])


class AnalysisSerializer(serializers.ModelSerializer):
    """Status and progress (the fields the video page polls) and where the results are."""

    status_label = serializers.SerializerMethodField()
    people = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()

    class Meta:
        model = Analysis
        fields = ["id", "video", "status", "status_label", "stage", "progress", "error", "backend",
                  "attempts", "created_at", "started_at", "finished_at", "timings", "people",
                  "files", "results"]
        read_only_fields = fields

    def get_status_label(self, analysis: Analysis) -> str:
        return str(analysis_status(analysis=analysis)["status_label"])

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_people(self, analysis: Analysis) -> int | None:
        people = analysis_status(analysis=analysis).get("people")
        return people if isinstance(people, int) else None

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_files(self, analysis: Analysis) -> dict[str, str]:
        return {kind: reverse("api_analysis_file", args=[analysis.pk, kind])
                for kind in ANALYSIS_FILES if getattr(analysis, kind)}

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_results(self, analysis: Analysis) -> dict[str, str]:
        pk = analysis.pk
        links = {name: reverse(f"api_analysis_{name}", args=[pk])
                 for name in ("summary", "events", "findings", "actions")}
        links["angles_csv"] = reverse("api_analysis_angles", args=[pk])
        for fmt in EXPORTS:
            links[f"export_{fmt}"] = reverse("api_analysis_export", args=[pk, fmt])
        return links


class RerunSerializer(serializers.Serializer):
    backend = serializers.ChoiceField(choices=BACKEND_CHOICES, required=False, allow_blank=True)


class MetricRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = MetricRow
        fields = ["id", "analysis", "recorded_on", "action", "metric", "value", "unit", "t_start",
                  "t_end"]
        read_only_fields = fields


class AuthorSerializer(serializers.Serializer):
    name = serializers.CharField()
    role = serializers.CharField()


class CommentSerializer(serializers.Serializer):
    """coaching.reviews.payloads.comment_payload (the page's shape)."""

    id = serializers.IntegerField()
    body = serializers.CharField()
    t_start = serializers.FloatField(allow_null=True)
    t_end = serializers.FloatField(allow_null=True)
    annotation_id = serializers.IntegerField(allow_null=True)
    author = AuthorSerializer()
    mine = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    created_at_text = serializers.CharField(help_text="created_at as the pages write a moment (30 Nov 2026, 15:04)")


class CommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=4000)
    t_start = FiniteFloatField(required=False, allow_null=True)
    t_end = FiniteFloatField(required=False, allow_null=True)
    annotation_id = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                             max_value=2**63 - 1)


class AnnotationSerializer(serializers.Serializer):
    """coaching.reviews.payloads.annotation_payload (the page's shape)."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    kind_label = serializers.CharField()
    t_start = serializers.FloatField()
    t_end = serializers.FloatField()
    geometry = serializers.JSONField()
    calibration = serializers.JSONField()
    text = serializers.CharField()
    colour = serializers.CharField()
    author = AuthorSerializer()
    mine = serializers.BooleanField()
    updated_at = serializers.DateTimeField()


class AnnotationCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    t_start = FiniteFloatField()
    t_end = FiniteFloatField()
    geometry = serializers.JSONField(help_text='{"points": [[x, y], ...]} in source pixels.')
    text = serializers.CharField(required=False, allow_blank=True, max_length=500)
    colour = serializers.CharField(required=False, max_length=7)
    calibration = serializers.JSONField(required=False, allow_null=True)


class AnnotationUpdateSerializer(serializers.Serializer):
    t_start = FiniteFloatField(required=False, allow_null=True)
    t_end = FiniteFloatField(required=False, allow_null=True)
    geometry = serializers.JSONField(required=False, allow_null=True)
    text = serializers.CharField(required=False, allow_blank=True, max_length=500)
    colour = serializers.CharField(required=False, max_length=7)
    calibration = serializers.JSONField(required=False, allow_null=True)


class FindingSerializer(serializers.Serializer):
    """inference.feedback.engine.Finding.as_dict."""

    rule = serializers.CharField()
    severity = serializers.CharField()
    value = serializers.FloatField()
    threshold = serializers.FloatField()
    unit = serializers.CharField()
    fault = serializers.CharField()
    time_ranges = serializers.ListField(child=serializers.ListField(child=serializers.FloatField()))
    message = serializers.CharField()
    suggestion = serializers.CharField()
    source = serializers.CharField()


class VideoFilterSerializer(serializers.Serializer):
    team = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    athlete = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    movement = serializers.ChoiceField(choices=MOVEMENT_CHOICES, required=False)
    recorded_from = serializers.DateField(required=False)
    recorded_to = serializers.DateField(required=False)
