from __future__ import annotations

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from coaching.analysis.confirmation import athlete_check
from coaching.analysis.downloads import download_name
from coaching.analysis.models import Status
from coaching.analysis.selectors import analysis_list_visible
from coaching.athletes.access import can, current_user
from coaching.athletes.permissions import Action, allowed
from coaching.learning.selectors import report_moves
from coaching.progress.selectors import report_progress_get
from coaching.reports.dance import dance_report, with_beats
from coaching.reports.exports import ExportUnavailable, analysis_export_build
from coaching.reports.models import Render, RenderKind
from coaching.reports.selectors import render_latest, render_list_visible, report_get
from coaching.reports.services import render_create
from coaching.serving import content_disposition_header, serve_field_file


@login_required
@require_GET
def report(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = get_object_or_404(
        analysis_list_visible(user=request.user).select_related("video__athlete"), pk=analysis_id)
    data = report_get(analysis=analysis)
    dance = dance_report(analysis.summary) if analysis.status == Status.DONE else None
    if dance is not None and dance.music.get("times"):
        data = replace(data, figures=with_beats(data.figures, dance.music["times"]))
    return render(request, "reports/report.html", {
        "report": data, "analysis": analysis, "video": analysis.video, "dance": dance,
        "angles_name": download_name(analysis, "angles", ".csv"),
        "last_render": render_latest(analysis=analysis, kind=RenderKind.ANNOTATED),
        "last_privacy": render_latest(analysis=analysis, kind=RenderKind.PRIVACY),
        "moves": report_moves(analysis=analysis),
        "progress": report_progress_get(analysis=analysis),
        "check": athlete_check(analysis),
        "can": can(request, analysis.video.team, analysis.video.athlete),
    })


@login_required
@require_GET
def export(request: HttpRequest, analysis_id: int, fmt: str) -> HttpResponse:
    analysis = get_object_or_404(analysis_list_visible(user=request.user), pk=analysis_id)
    try:
        exported = analysis_export_build(analysis=analysis, fmt=fmt)
    except ExportUnavailable as exc:
        raise Http404(str(exc)) from exc
    response = HttpResponse(exported.body, content_type=exported.content_type)
    response["Content-Disposition"] = content_disposition_header(exported.filename)
    return response


@login_required
@require_POST
def render_start(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = get_object_or_404(analysis_list_visible(user=request.user), pk=analysis_id)
    if not allowed(user=current_user(request), team=analysis.video.team, action=Action.RENDER):
        return JsonResponse({"ok": False, "error": "Only the team's coaches make these videos."},
                            status=403)
    if analysis.status != Status.DONE:
        return JsonResponse({"ok": False, "error": "The analysis has not finished yet."}, status=400)
    kind = request.POST.get("kind", RenderKind.ANNOTATED)
    if kind not in RenderKind.values:
        return JsonResponse({"ok": False, "error": "Unknown kind of video."}, status=400)
    if kind == RenderKind.PRIVACY and not analysis.masks:
        return JsonResponse({"ok": False, "error": "This analysis has no person masks; re-run it "
                             "to get the privacy video."}, status=400)
    render = render_create(analysis=analysis, requested_by=current_user(request), kind=kind,
                           include_review=request.POST.get("include_review", "on") == "on")
    return JsonResponse({"ok": True, "status_url": reverse("render_status", args=[render.pk])},
                        status=202)


def _visible_render(request: HttpRequest, render_id: int) -> Render:
    return get_object_or_404(render_list_visible(user=request.user), pk=render_id)


@login_required
@require_GET
def render_status(request: HttpRequest, render_id: int) -> JsonResponse:
    render = _visible_render(request, render_id)
    data: dict[str, object] = {"status": render.status, "progress": render.progress,
                               "error": render.error}
    if render.status == Status.DONE and render.file:
        data["file_url"] = reverse("render_file", args=[render.pk])
    return JsonResponse(data)


@login_required
@require_GET
def render_file(request: HttpRequest, render_id: int) -> HttpResponseBase:
    render = _visible_render(request, render_id)
    return serve_field_file(request, render.file,
                            download_name=download_name(render.analysis, render.kind, ".mp4"))
