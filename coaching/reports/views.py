from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from coaching.analysis.models import Status
from coaching.analysis.selectors import analysis_list_visible
from coaching.athletes.access import can, current_user
from coaching.learning.selectors import report_moves
from coaching.reports.models import Render, RenderKind
from coaching.reports.selectors import kinematics_load, report_get
from coaching.reports.services import render_create
from coaching.serving import serve_field_file
from coaching.storage import local_path
from inference.exports import openpose_zip, to_mot, to_trc
from inference.posedata import PoseSequence

EXPORTS = {  # format: (file suffix, content type)
    "trc": (".trc", "text/plain; charset=utf-8"),
    "mot": (".mot", "text/plain; charset=utf-8"),
    "openpose": ("_openpose_json.zip", "application/zip"),
}


@login_required
@require_GET
def report(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = get_object_or_404(
        analysis_list_visible(user=request.user).select_related("video__athlete"), pk=analysis_id)
    data = report_get(analysis=analysis)
    return render(request, "reports/report.html", {
        "report": data, "analysis": analysis, "video": analysis.video,
        "last_render": Render.objects.filter(analysis=analysis, kind=RenderKind.ANNOTATED).first(),
        "last_privacy": Render.objects.filter(analysis=analysis, kind=RenderKind.PRIVACY).first(),
        "moves": report_moves(analysis=analysis),
        "can": can(request, analysis.video.team, analysis.video.athlete),
    })


@login_required
@require_GET
def export(request: HttpRequest, analysis_id: int, fmt: str) -> HttpResponse:
    analysis = get_object_or_404(analysis_list_visible(user=request.user), pk=analysis_id)
    if fmt not in EXPORTS or analysis.status != Status.DONE:
        raise Http404("No such export.")
    suffix, content_type = EXPORTS[fmt]
    stem = f"analysis-{analysis.pk}"
    if fmt == "openpose":
        if not analysis.poses:
            raise Http404("This analysis has no poses.")
        with local_path(analysis.poses) as path:
            body: bytes | str = openpose_zip(PoseSequence.load(path), stem=stem)
    else:
        if not analysis.kinematics:
            raise Http404("This analysis has no angles; re-run it.")
        kin = kinematics_load(analysis=analysis)
        body = to_trc(kin, name=stem + suffix) if fmt == "trc" else to_mot(kin, name=stem)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}{suffix}"'
    return response


@login_required
@require_POST
def render_start(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = get_object_or_404(analysis_list_visible(user=request.user), pk=analysis_id)
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
    return get_object_or_404(
        Render.objects.filter(analysis__in=analysis_list_visible(user=request.user)), pk=render_id)


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
                            download_name=f"analysis-{render.analysis_id}-{render.kind}.mp4")
