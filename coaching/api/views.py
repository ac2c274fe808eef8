"""API views for teams, athletes and videos: scope through the pages' selectors, check the
role table, call the pages' services. Thin: parse, call, serialize."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coaching.analysis.services import analysis_rerun
from coaching.api import serializers as s
from coaching.api.access import athlete_or_404, require, team_or_404, video_or_404
from coaching.athletes import services as athlete_services
from coaching.athletes.models import Athlete, Team
from coaching.athletes.permissions import Action
from coaching.athletes.selectors import athlete_list_visible, team_list_for_coach
from coaching.serving import serve_field_file
from coaching.videos import services as video_services
from coaching.videos.models import Video
from coaching.videos.selectors import video_list_visible


def query(serializer_class: type[s.serializers.Serializer], request: Request) -> dict[str, Any]:
    """Query parameters checked by a serializer: a bad value is a 400 that names it."""
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return dict(params.validated_data)


class TeamList(generics.ListAPIView):
    """The teams the user coaches (athletes see their own profile under /athletes/)."""

    serializer_class = s.TeamSerializer

    def get_queryset(self) -> QuerySet[Team]:
        return team_list_for_coach(user=self.request.user).order_by("name", "pk")


class TeamDetail(APIView):
    @extend_schema(responses=s.TeamSerializer)
    def get(self, request: Request, team_id: int) -> Response:
        team = team_or_404(request.user, team_id)
        require(request.user, team, Action.VIEW_TEAM)
        return Response(s.TeamSerializer(team, context={"request": request}).data)


class AthleteFilter(s.serializers.Serializer):
    team = s.serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    search = s.serializers.CharField(required=False, max_length=100)


class AthleteList(generics.ListAPIView):
    """Athletes the user sees: their teams' athletes (coaches), their own profile (athletes)."""

    serializer_class = s.AthleteSerializer

    @extend_schema(parameters=[AthleteFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Athlete]:
        params = query(AthleteFilter, self.request)
        athletes = athlete_list_visible(user=self.request.user)
        if "team" in params:
            athletes = athletes.filter(team_id=params["team"])
        if params.get("search"):
            athletes = athletes.filter(name__icontains=params["search"])
        return athletes.order_by("name", "pk")


class TeamAthleteCreate(APIView):
    @extend_schema(request=s.AthleteWriteSerializer, responses={201: s.AthleteSerializer})
    def post(self, request: Request, team_id: int) -> Response:
        team = team_or_404(request.user, team_id)
        require(request.user, team, Action.EDIT_ATHLETE)
        data = s.AthleteWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        athlete = athlete_services.athlete_create(team=team, **data.validated_data)
        return Response(s.AthleteSerializer(athlete).data, status=status.HTTP_201_CREATED)


class AthleteDetail(APIView):
    @extend_schema(responses=s.AthleteSerializer)
    def get(self, request: Request, athlete_id: int) -> Response:
        return Response(s.AthleteSerializer(athlete_or_404(request.user, athlete_id)).data)

    @extend_schema(request=s.AthleteWriteSerializer, responses=s.AthleteSerializer)
    def patch(self, request: Request, athlete_id: int) -> Response:
        athlete = athlete_or_404(request.user, athlete_id)
        require(request.user, athlete.team, Action.EDIT_ATHLETE)
        data = s.AthleteWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        athlete = athlete_services.athlete_update(athlete=athlete, data=dict(data.validated_data))
        return Response(s.AthleteSerializer(athlete).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, athlete_id: int) -> Response:
        athlete = athlete_or_404(request.user, athlete_id)
        require(request.user, athlete.team, Action.DELETE)
        athlete_services.athlete_delete(athlete=athlete)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VideoList(generics.ListAPIView):
    """Videos the user sees, newest first; filter by team, athlete, movement, recorded dates."""

    serializer_class = s.VideoSerializer

    @extend_schema(parameters=[s.VideoFilterSerializer])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Video]:
        params = query(s.VideoFilterSerializer, self.request)
        videos = video_list_visible(user=self.request.user)
        lookups = {"team": "team_id", "athlete": "athlete_id", "movement": "movement",
                   "recorded_from": "recorded_on__gte", "recorded_to": "recorded_on__lte"}
        videos = videos.filter(**{lookups[k]: v for k, v in params.items()})
        return videos.order_by("-created_at", "-pk")


class VideoDetail(APIView):
    @extend_schema(responses=s.VideoSerializer)
    def get(self, request: Request, video_id: int) -> Response:
        return Response(s.VideoSerializer(video_or_404(request.user, video_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, video_id: int) -> Response:
        """Deletes the video, its analyses, renders and every stored file (head coaches)."""
        video = video_or_404(request.user, video_id)
        require(request.user, video.team, Action.DELETE)
        video_services.video_delete(video=video)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VideoOriginal(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, video_id: int) -> HttpResponseBase:
        """The uploaded file as it came (HTTP range requests for seeking)."""
        video = video_or_404(request.user, video_id)
        return serve_field_file(request._request, video.file, download_name=video.original_name)


class VideoRerun(APIView):
    @extend_schema(request=s.RerunSerializer, responses={202: s.AnalysisSerializer})
    def post(self, request: Request, video_id: int) -> Response:
        """Queue a new analysis of the video (optionally with another pose engine)."""
        video = video_or_404(request.user, video_id)
        require(request.user, video.team, Action.RERUN)
        data = s.RerunSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        analysis = analysis_rerun(video=video, backend=data.validated_data.get("backend") or None)
        return Response(s.AnalysisSerializer(analysis).data, status=status.HTTP_202_ACCEPTED)

