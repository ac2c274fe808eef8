from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coaching.analysis.selectors import analysis_latest, analysis_status
from coaching.analysis.services import analysis_rerun
from coaching.athletes.access import can, current_user, require, visible_athlete_or_404
from coaching.athletes.permissions import Action
from coaching.serving import serve_field_file
from coaching.storage import STORAGE_UNAVAILABLE, transient_storage_errors
from coaching.videos import services
from coaching.videos.forms import BACKEND_CHOICES, CaptureRateForm, RerunForm, VideoUploadForm
from coaching.videos.models import PLAYBACK_RATES, Video
from coaching.videos.selectors import video_list_visible
from coaching.videos.upload import UPLOAD_TOO_LARGE
from inference.movements import Movement

log = logging.getLogger(__name__)


def _visible_video_or_404(request: HttpRequest, video_id: int) -> Video:
    return get_object_or_404(video_list_visible(user=request.user), pk=video_id)


@login_required
@require_http_methods(["GET", "POST"])
def video_upload(request: HttpRequest, athlete_id: int) -> HttpResponse:
    """GET: the upload page. POST (one file per request, sent by the page's script): JSON."""
    athlete = visible_athlete_or_404(request, athlete_id)
    require(request, athlete.team, Action.UPLOAD, athlete)
    if request.method == "GET":
        return render(request, "videos/upload.html", {"athlete": athlete, "form": VideoUploadForm()})
    files = request.FILES  # parses the body (streamed to a temporary file by our handler)
    if getattr(request, "upload_too_large", False):
        return _upload_error(UPLOAD_TOO_LARGE, 413)
    form = VideoUploadForm(request.POST, files)
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return _upload_error(errors or "The upload was incomplete; try again.", 400)
    try:
        video = services.video_upload(
            athlete=athlete,
            file=form.cleaned_data["file"],
            uploaded_by=current_user(request),
            title=form.cleaned_data["title"],
            recorded_on=form.cleaned_data["recorded_on"],
            notes=form.cleaned_data["notes"],
            backend=form.cleaned_data["backend"] or None,
            movement=Movement.parse(form.cleaned_data["movement"]),
            capture_fps=form.cleaned_data["capture_fps"],
        )
    except ValidationError as exc:
        return _upload_error(" ".join(exc.messages), 400)
    except transient_storage_errors() as exc:  # S3 down: the coach retries, no 500
        log.warning("upload for athlete %s not stored: %s", athlete.pk, exc)
        return _upload_error(STORAGE_UNAVAILABLE, 503)
    return JsonResponse(
        {"ok": True, "id": video.pk, "url": reverse("video_detail", args=[video.pk])}, status=201
    )


def _upload_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


@login_required
def video_detail(request: HttpRequest, video_id: int) -> HttpResponse:
    video = _visible_video_or_404(request, video_id)
    analysis = analysis_latest(video=video)
    return render(
        request,
        "videos/video_detail.html",
        {
            "video": video,
            "analysis": analysis,
            "analyses": video.analyses.all()[:10],
            "can": can(request, video.team, video.athlete),
            "backends": BACKEND_CHOICES,
            "playback_rates": PLAYBACK_RATES,
            "capture_form": CaptureRateForm(initial={"capture_fps": video.capture_fps}),
        },
    )


@login_required
@require_GET
def video_status(request: HttpRequest, video_id: int) -> JsonResponse:
    video = _visible_video_or_404(request, video_id)
    analysis = analysis_latest(video=video)
    data = analysis_status(analysis=analysis)
    if analysis is not None and analysis.proxy:
        data["proxy_url"] = reverse("analysis_file", args=[analysis.pk, "proxy"])
    if analysis is not None and analysis.proxy and analysis.poster:  # not every run stored one
        data["poster_url"] = reverse("analysis_file", args=[analysis.pk, "poster"])
    if analysis is not None and analysis.overlay:
        data["overlay_url"] = reverse("analysis_file", args=[analysis.pk, "overlay"])
        data["athlete_url"] = reverse("analysis_athlete", args=[analysis.pk])
    return JsonResponse(data)


@login_required
@require_POST
def video_rerun(request: HttpRequest, video_id: int) -> HttpResponse:
    video = _visible_video_or_404(request, video_id)
    require(request, video.team, Action.RERUN)
    form = RerunForm(request.POST)
    backend = form.cleaned_data["backend"] if form.is_valid() else ""
    analysis_rerun(video=video, backend=backend or None)
    messages.success(request, "A new analysis was queued.")
    return redirect("video_detail", video_id=video.pk)


@login_required
@require_POST
def video_capture_rate(request: HttpRequest, video_id: int) -> HttpResponse:
    """Set or clear the rate slow motion was filmed at; a change re-runs the analysis."""
    video = _visible_video_or_404(request, video_id)
    require(request, video.team, Action.RERUN)
    form = CaptureRateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("video_detail", video_id=video.pk)
    try:
        rerun = services.video_capture_rate_set(video=video, capture_fps=form.cleaned_data["capture_fps"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("video_detail", video_id=video.pk)
    if rerun is None:
        messages.info(request, "The capture rate is unchanged.")
    else:
        rate = f"{video.capture_fps:g} fps" if video.capture_fps else "the file's own rate"
        messages.success(request, f"Capture rate set to {rate}; a new analysis was queued.")
    return redirect("video_detail", video_id=video.pk)


@login_required
@require_POST
def video_delete(request: HttpRequest, video_id: int) -> HttpResponse:
    video = _visible_video_or_404(request, video_id)
    require(request, video.team, Action.DELETE)
    athlete_id, title = video.athlete_id, video.title
    services.video_delete(video=video)
    messages.success(request, f"“{title}” was deleted.")
    return redirect("athlete_detail", athlete_id=athlete_id)


@login_required
@require_GET
def video_original(request: HttpRequest, video_id: int) -> HttpResponseBase:
    video = _visible_video_or_404(request, video_id)
    return serve_field_file(request, video.file, download_name=video.original_name)
