"""API views for the review tools (comments, drawings) and the progress metrics, over the pages'
selectors, services and payloads (one JSON shape for the page and the API)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coaching.api import serializers as s
from coaching.api.access import athlete_or_404, one, require, video_or_404
from coaching.api.views import query
from coaching.progress.models import MetricRow
from coaching.progress.selectors import metric_rows_for_athlete
from coaching.reviews import selectors, services
from coaching.reviews.payloads import annotation_payload, comment_payload


class CommentList(APIView):
    @extend_schema(responses=s.CommentSerializer(many=True))
    def get(self, request: Request, video_id: int) -> Response:
        """The video's thread, oldest first (reading it does not mark it read)."""
        video = video_or_404(request.user, video_id)
        return Response([comment_payload(c, viewer=request.user)
                         for c in selectors.comment_list_for_video(video=video)])

    @extend_schema(request=s.CommentCreateSerializer, responses={201: s.CommentSerializer})
    def post(self, request: Request, video_id: int) -> Response:
        """Everyone who sees the video writes in its thread (coaches; the athlete on their own)."""
        video = video_or_404(request.user, video_id)
        data = s.CommentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        annotation = None
        if fields.get("annotation_id") is not None:
            annotation = one(selectors.annotation_list_for_video(video=video), fields["annotation_id"])
        comment = services.comment_create(video=video, author=request.user, body=fields["body"],
                                          t_start=fields.get("t_start"), t_end=fields.get("t_end"),
                                          annotation=annotation)
        return Response(comment_payload(comment, viewer=request.user), status=status.HTTP_201_CREATED)


class CommentDetail(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, video_id: int, comment_id: int) -> Response:
        """Its author deletes a comment (403 for anyone else)."""
        video = video_or_404(request.user, video_id)
        comment = one(selectors.comment_list_for_video(video=video), comment_id)
        services.comment_delete(comment=comment, editor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AnnotationList(APIView):
    @extend_schema(responses=s.AnnotationSerializer(many=True))
    def get(self, request: Request, video_id: int) -> Response:
        video = video_or_404(request.user, video_id)
        return Response([annotation_payload(a, viewer=request.user)
                         for a in selectors.annotation_list_for_video(video=video)])

    @extend_schema(request=s.AnnotationCreateSerializer, responses={201: s.AnnotationSerializer})
    def post(self, request: Request, video_id: int) -> Response:
        """Draw on the video (coaches): angle, line, distance, freehand, arrow or text."""
        video = video_or_404(request.user, video_id)
        require(request.user, video.team, services.ANNOTATE)
        data = s.AnnotationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        annotation = services.annotation_create(video=video, author=request.user, **data.validated_data)
        return Response(annotation_payload(annotation, viewer=request.user),
                        status=status.HTTP_201_CREATED)


class AnnotationDetail(APIView):
    def _annotation(self, request: Request, video_id: int, annotation_id: int) -> Any:
        video = video_or_404(request.user, video_id)
        require(request.user, video.team, services.ANNOTATE)
        return one(selectors.annotation_list_for_video(video=video), annotation_id)

    @extend_schema(request=s.AnnotationUpdateSerializer, responses=s.AnnotationSerializer)
    def patch(self, request: Request, video_id: int, annotation_id: int) -> Response:
        """Its author changes a drawing (403 for anyone else)."""
        annotation = self._annotation(request, video_id, annotation_id)
        data = s.AnnotationUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        annotation = services.annotation_update(annotation=annotation, editor=request.user,
                                                **data.validated_data)
        return Response(annotation_payload(annotation, viewer=request.user))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, video_id: int, annotation_id: int) -> Response:
        annotation = self._annotation(request, video_id, annotation_id)
        services.annotation_delete(annotation=annotation, editor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MetricFilter(serializers.Serializer):
    action = serializers.CharField(required=False, max_length=40)
    metric = serializers.CharField(required=False, max_length=40)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


class AthleteMetrics(generics.ListAPIView):
    """The athlete's measured values per analysis, oldest first: the series the progress page
    charts (inference.compare.metrics.METRICS)."""

    serializer_class = s.MetricRowSerializer

    @extend_schema(parameters=[MetricFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[MetricRow]:
        athlete = athlete_or_404(self.request.user, self.kwargs["athlete_id"])
        params = query(MetricFilter, self.request)
        rows = metric_rows_for_athlete(athlete=athlete, action=params.get("action", ""),
                                       date_from=params.get("date_from"), date_to=params.get("date_to"))
        if params.get("metric"):
            rows = rows.filter(metric=params["metric"])
        return rows.order_by("recorded_on", "analysis_id", "pk")
