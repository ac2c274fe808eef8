"""API views for analyses: status and progress, cancel, and the results of a finished run
(summary, events, findings, action segments, the angles CSV, the exports). The stored summary
is read through its typed round trips (Finding.from_dict) and the report's selectors."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coaching.analysis.downloads import download_name
from coaching.analysis.models import ANALYSIS_FILES, Analysis, Status
from coaching.analysis.selectors import analysis_list_visible
from coaching.analysis.services import analysis_cancel
from coaching.api import serializers as s
from coaching.api.access import analysis_or_404, require
from coaching.api.views import query
from coaching.athletes.permissions import Action
from coaching.learning.selectors import report_moves
from coaching.reports.exports import EXPORTS, ExportUnavailable, analysis_export_build
from coaching.serving import content_disposition_header, serve_field_file
from inference.feedback.engine import stored_findings


class NotFinished(APIException):
    status_code = 409
    default_detail = "The analysis has not finished yet; poll its status."
    default_code = "not_finished"


def _finished(request: Request, analysis_id: int) -> Analysis:
    analysis = analysis_or_404(request.user, analysis_id)
    if analysis.status != Status.DONE:
        raise NotFinished()
    return analysis


class AnalysisFilter(serializers.Serializer):
    video = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    status = serializers.ChoiceField(choices=Status.choices, required=False)


class AnalysisList(generics.ListAPIView):
    serializer_class = s.AnalysisSerializer

    @extend_schema(parameters=[AnalysisFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Analysis]:
        params = query(AnalysisFilter, self.request)
        analyses = analysis_list_visible(user=self.request.user)
        if "video" in params:
            analyses = analyses.filter(video_id=params["video"])
        if "status" in params:
            analyses = analyses.filter(status=params["status"])
        return analyses.order_by("-created_at", "-pk")


class AnalysisDetail(APIView):
    @extend_schema(responses=s.AnalysisSerializer)
    def get(self, request: Request, analysis_id: int) -> Response:
        """Status, stage and percent while it runs; links to the results once it is done."""
        return Response(s.AnalysisSerializer(analysis_or_404(request.user, analysis_id)).data)


class AnalysisCancel(APIView):
    @extend_schema(request=None, responses={200: s.AnalysisSerializer})
    def post(self, request: Request, analysis_id: int) -> Response:
        """Stop a queued or running analysis (409 when it had already ended)."""
        analysis = analysis_or_404(request.user, analysis_id)
        require(request.user, analysis.video.team, Action.RERUN)
        if not analysis_cancel(analysis=analysis, cancelled_by=request.user):
            return Response({"detail": "The analysis had already ended."}, status=409)
        analysis.refresh_from_db()
        return Response(s.AnalysisSerializer(analysis).data)


class AnalysisSummary(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT, 409: OpenApiResponse(description="Not finished")})
    def get(self, request: Request, analysis_id: int) -> Response:
        """Every section of the stored result summary (video, pose, athlete, kinematics, events,
        feedback, actions...), as the worker stored it."""
        analysis = _finished(request, analysis_id)
        return Response({"analysis": analysis.pk, "summary": analysis.summary})


class AnalysisEvents(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT, 409: OpenApiResponse(description="Not finished")})
    def get(self, request: Request, analysis_id: int) -> Response:
        """Repetitions, jumps and steps (start/end seconds) and their summary."""
        events = _finished(request, analysis_id).summary.get("events") or {}
        return Response({"analysis": analysis_id, "movement": events.get("movement"),
                         "events": events.get("events", []), "summary": events.get("summary", {}),
                         "reason": events.get("reason") or ""})


class FindingsResponse(serializers.Serializer):
    analysis = serializers.IntegerField()
    findings = s.FindingSerializer(many=True)
    skipped = serializers.ListField(child=serializers.DictField())
    reason = serializers.CharField()


class AnalysisFindings(APIView):
    @extend_schema(responses={200: FindingsResponse, 409: OpenApiResponse(description="Not finished")})
    def get(self, request: Request, analysis_id: int) -> Response:
        """Technique findings, majors first then by time (the report's order)."""
        feedback = _finished(request, analysis_id).summary.get("feedback") or {}
        findings = stored_findings(feedback.get("findings", []))
        return Response({"analysis": analysis_id, "findings": [f.as_dict() for f in findings],
                         "skipped": feedback.get("skipped", []),
                         "reason": feedback.get("reason") or ""})


class AnalysisActions(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT, 409: OpenApiResponse(description="Not finished")})
    def get(self, request: Request, analysis_id: int) -> Response:
        """What the athlete does when: action segments with confidence, the model that named
        them, and the findings judged inside each recognised move."""
        moves = report_moves(analysis=_finished(request, analysis_id))
        return Response({
            "analysis": analysis_id,
            "segments": [{k: seg[k] for k in seg if k not in ("left", "width", "colour")}
                         for seg in moves["segments"]],  # type: ignore[attr-defined]
            "model": moves["model"],
            "reason": moves["reason"],
            "feedback": [{**block, "findings": [f.as_dict() for f in block["findings"]]}
                         for block in moves["feedback"]],  # type: ignore[attr-defined]
        })


class AnalysisAngles(APIView):
    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY})
    def get(self, request: Request, analysis_id: int) -> HttpResponseBase:
        """Joint and segment angles per frame (degrees), as a CSV file."""
        analysis = _finished(request, analysis_id)
        return serve_field_file(request._request, analysis.angles_csv,
                                download_name=download_name(analysis, "angles", ".csv"))


class AnalysisFile(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   description="A stored file of the run: " + ", ".join(ANALYSIS_FILES)
                   + " (HTTP range requests for seeking).")
    def get(self, request: Request, analysis_id: int, kind: str) -> HttpResponseBase:
        analysis = analysis_or_404(request.user, analysis_id)
        if kind not in ANALYSIS_FILES:
            raise Http404("No such file.")
        return serve_field_file(request._request, getattr(analysis, kind))


class AnalysisExport(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   description="Formats: " + ", ".join(EXPORTS) + " (OpenSim .trc/.mot, OpenPose JSON zip).")
    def get(self, request: Request, analysis_id: int, fmt: str) -> HttpResponse:
        analysis = _finished(request, analysis_id)
        try:
            exported = analysis_export_build(analysis=analysis, fmt=fmt)
        except ExportUnavailable as exc:
            raise Http404(str(exc)) from exc
        response = HttpResponse(exported.body, content_type=exported.content_type)
        response["Content-Disposition"] = content_disposition_header(exported.filename)
        return response
