"""API views for the people of a finished analysis and a coach's repairs of them (join, split,
drop, undo: docs/tracking.md): the video page's track state and edit rows (one JSON shape for the
page and the API), its service (coaching.analysis.tracks.track_edit_request) and its rules —
anyone who sees the analysis sees its people, editing needs the re-run permission."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coaching.analysis.models import TrackEditOperation
from coaching.analysis.tracks import (
    BUSY,
    analysis_track_edits,
    analysis_track_state,
    track_edit_get,
    track_edit_request,
)
from coaching.api.access import analysis_or_404, require
from coaching.api.serializers import FiniteFloatField
from coaching.athletes.permissions import Action
from coaching.jobs.models import JobStatus
from coaching.requestdata import MAX_ID


class TrackEditCreateSerializer(serializers.Serializer):
    """join: ``track_id`` and ``other_track_id`` become one person (the one seen first keeps its
    id); split: ``track_id`` from ``at_s`` seconds on becomes a new person; drop: ``track_id`` is
    not a person; undo: takes back the latest edit in effect (no other field)."""

    operation = serializers.ChoiceField(choices=TrackEditOperation.choices)
    track_id = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=MAX_ID)
    other_track_id = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=MAX_ID)
    at_s = FiniteFloatField(required=False, allow_null=True, min_value=0.0)


class TrackEditSerializer(serializers.Serializer):
    """An edit and its job: status, stage and percent while it runs; the athlete before and after
    once it is done; ``undone`` once an undo took it back."""

    id = serializers.IntegerField()
    url = serializers.CharField()
    operation = serializers.ChoiceField(choices=TrackEditOperation.choices)
    text = serializers.CharField(help_text="What the edit does, in the coach's words.")
    status = serializers.ChoiceField(choices=JobStatus.choices)
    status_label = serializers.CharField()
    progress = serializers.IntegerField()
    stage = serializers.CharField()
    error = serializers.CharField()
    by = serializers.CharField(help_text="Who asked for it.")
    at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    undone = serializers.BooleanField()
    track_id = serializers.IntegerField(allow_null=True)
    other_track_id = serializers.IntegerField(allow_null=True)
    at_s = serializers.FloatField(allow_null=True)
    reverts = serializers.IntegerField(allow_null=True, help_text="undo: the edit it takes back.")
    result_track_id = serializers.IntegerField(allow_null=True, help_text="split: the later part's id.")
    athlete_before = serializers.IntegerField(allow_null=True)
    athlete_after = serializers.IntegerField(allow_null=True)


class TrackSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.FloatField(help_text="First seen (seconds).")
    end = serializers.FloatField(help_text="Last seen (seconds).")
    frames = serializers.IntegerField(help_text="Frames with a skeleton.")
    coverage = serializers.FloatField(help_text="Share of the video's frames.")
    athlete = serializers.BooleanField()
    spans = serializers.ListField(child=serializers.ListField(child=serializers.FloatField()))
    number = serializers.IntegerField(help_text="The person's number on the pages: 1..N in this list's order.")


class TrackStateSerializer(serializers.Serializer):
    analysis = serializers.IntegerField()
    status = serializers.ChoiceField(choices=JobStatus.choices)
    tracks = TrackSerializer(many=True)
    numbers = serializers.DictField(child=serializers.IntegerField(),
                                    help_text="Person number by track id, also of people the edits name.")
    athlete = serializers.IntegerField(allow_null=True)
    athlete_source = serializers.CharField(allow_null=True)
    close_call = serializers.IntegerField(
        allow_null=True, help_text="The person the athlete rule nearly chose instead: worth a look.")
    frames = serializers.IntegerField(allow_null=True)
    frames_with_athlete = serializers.IntegerField(allow_null=True)
    edits = TrackEditSerializer(many=True, help_text="The latest edits, newest first.")
    running = TrackEditSerializer(allow_null=True)
    can_undo = serializers.BooleanField()
    undo_text = serializers.CharField()
    athlete_changing = serializers.BooleanField()
    duration = serializers.FloatField()


def _with_url(analysis_id: int, edit: dict[str, object]) -> dict[str, object]:
    return {**edit, "url": reverse("api_track_edit_detail", args=[analysis_id, edit["id"]])}


class AnalysisTracks(APIView):
    @extend_schema(responses=TrackStateSerializer)
    def get(self, request: Request, analysis_id: int) -> Response:
        """The people found in the analysis as tracks, the athlete, the latest edits and the edit
        running now (what the video page's track list shows; empty before it has finished)."""
        analysis = analysis_or_404(request.user, analysis_id)
        state = analysis_track_state(analysis=analysis)
        edits = [_with_url(analysis.pk, e) for e in state["edits"]]  # type: ignore[attr-defined]
        running = state["running"]
        return Response({**state, "edits": edits,
                         "running": _with_url(analysis.pk, running) if running else None})  # type: ignore[arg-type]


class TrackEditList(APIView):
    @extend_schema(responses=TrackEditSerializer(many=True))
    def get(self, request: Request, analysis_id: int) -> Response:
        """Every edit of the analysis's people, newest first."""
        analysis = analysis_or_404(request.user, analysis_id)
        return Response([_with_url(analysis.pk, e) for e in analysis_track_edits(analysis=analysis, limit=None)])

    @extend_schema(request=TrackEditCreateSerializer, responses={
        202: TrackEditSerializer,
        400: OpenApiResponse(description="The edit cannot be made (the reason in `detail`), or "
                                         "the analysis has not finished."),
        409: OpenApiResponse(description="Another change of this analysis's people is running.")})
    def post(self, request: Request, analysis_id: int) -> Response:
        """Join, split or drop tracks, or undo the latest edit (coaches who may re-run analyses).
        The edit is checked now and runs on a worker: poll its ``url`` until it is done."""
        analysis = analysis_or_404(request.user, analysis_id)
        require(request.user, analysis.video.team, Action.RERUN)
        data = TrackEditCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        try:
            edit = track_edit_request(
                analysis=analysis, operation=fields["operation"], track_id=fields.get("track_id"),
                other_track_id=fields.get("other_track_id"), at_s=fields.get("at_s"),
                requested_by=request.user)
        except ValidationError as exc:
            code = status.HTTP_409_CONFLICT if exc.code == BUSY else status.HTTP_400_BAD_REQUEST
            return Response({"detail": " ".join(exc.messages)}, status=code)
        created = track_edit_get(analysis=analysis, edit_id=edit.pk)
        assert created is not None  # made for this analysis just now
        body = _with_url(analysis.pk, created)
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class TrackEditDetail(APIView):
    @extend_schema(responses=TrackEditSerializer)
    def get(self, request: Request, analysis_id: int, track_edit_id: int) -> Response:
        """One edit and its job's status (pending, running, done, failed with the reason)."""
        analysis = analysis_or_404(request.user, analysis_id)
        edit = track_edit_get(analysis=analysis, edit_id=track_edit_id)
        if edit is None:
            raise Http404("Not found.")
        return Response(_with_url(analysis.pk, edit))
