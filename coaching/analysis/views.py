from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from coaching.analysis.confirmation import analysis_athlete_confirm
from coaching.analysis.downloads import download_name
from coaching.analysis.forms import TrackEditForm
from coaching.analysis.models import ANALYSIS_FILES
from coaching.analysis.selectors import analysis_list_visible
from coaching.analysis.services import analysis_cancel, analysis_set_athlete
from coaching.analysis.tracks import BUSY, analysis_track_state, track_edit_request
from coaching.athletes.access import current_user, require
from coaching.athletes.permissions import Action
from coaching.requestdata import BadRequest, finite_number
from coaching.serving import serve_field_file


@login_required
@require_GET
def analysis_file(request: HttpRequest, analysis_id: int, kind: str) -> HttpResponseBase:
    analysis = get_object_or_404(analysis_list_visible(user=request.user), pk=analysis_id)
    if kind not in ANALYSIS_FILES:
        raise Http404("No such file.")
    # The angles are the one file a coach downloads from here; the others feed the page's player.
    name = download_name(analysis, "angles", ".csv") if kind == "angles_csv" else None
    return serve_field_file(request, getattr(analysis, kind), download_name=name)


@login_required
@require_POST
def analysis_athlete(request: HttpRequest, analysis_id: int) -> JsonResponse:
    """The coach clicked a person on the frame: that person becomes the analysed athlete."""
    analysis = get_object_or_404(analysis_list_visible(user=request.user), pk=analysis_id)
    require(request, analysis.video.team, Action.RERUN)
    try:
        # Finite only: NaN or 1e400 used to pass float() and pick an athlete.
        x, y, t = (finite_number(request.POST.get(k), k) for k in ("x", "y", "t"))
    except BadRequest:
        return JsonResponse({"ok": False, "error": "Send x, y (pixels) and t (seconds) as finite "
                             "numbers."}, status=400)
    track_id = analysis_set_athlete(analysis=analysis, x=x, y=y, t=t, requested_by=current_user(request))
    if track_id is None:
        return JsonResponse({"ok": False, "error": "Nobody was found there; click on a person."},
                            status=400)
    return JsonResponse({"ok": True, "athlete": track_id})


@login_required
@require_POST
def analysis_athlete_confirm_view(request: HttpRequest, analysis_id: int) -> HttpResponse:
    """The coach confirms that the person the analysis chose (a close call) is the athlete; back
    to the page the form was on (``next``), else the video page."""
    analysis = get_object_or_404(analysis_list_visible(user=request.user), pk=analysis_id)
    require(request, analysis.video.team, Action.RERUN)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("video_detail", args=[analysis.video_id])
    try:
        done = analysis_athlete_confirm(analysis=analysis, confirmed_by=current_user(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    if done:
        messages.success(request, f"Confirmed: the analysed person is {analysis.video.athlete.name}. This session "
                                  "now counts in progress, personal bests and the team dashboard.")
    else:
        messages.info(request, "There was nothing to confirm: the athlete had already been chosen or confirmed.")
    return redirect(back)


@login_required
@require_POST
def analysis_cancel_view(request: HttpRequest, analysis_id: int) -> HttpResponse:
    """Cancel button of a queued or running analysis (coaches who may re-run analyses)."""
    analysis = get_object_or_404(analysis_list_visible(user=request.user), pk=analysis_id)
    require(request, analysis.video.team, Action.RERUN)
    if analysis_cancel(analysis=analysis, cancelled_by=current_user(request)):
        messages.success(request, "The analysis was cancelled; re-run it when you need it.")
    else:
        messages.info(request, "The analysis had already ended.")
    return redirect("video_detail", video_id=analysis.video_id)


@login_required
@require_GET
def analysis_tracks(request: HttpRequest, analysis_id: int) -> JsonResponse:
    """The people of the analysis as tracks, its edit history and the edit running now."""
    analysis = get_object_or_404(analysis_list_visible(user=request.user), pk=analysis_id)
    return JsonResponse(analysis_track_state(analysis=analysis))


@login_required
@require_POST
def analysis_track_edit(request: HttpRequest, analysis_id: int) -> JsonResponse:
    """A coach joins two tracks, splits one at a time, marks one as not a person, or undoes the
    latest edit: a track-edit job is queued (202), or the page gets why not (400; 409 while
    another change of this analysis runs)."""
    analysis = get_object_or_404(analysis_list_visible(user=request.user), pk=analysis_id)
    require(request, analysis.video.team, Action.RERUN)
    form = TrackEditForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"ok": False, "error": form.error_text()}, status=400)
    data = form.cleaned_data
    try:
        edit = track_edit_request(analysis=analysis, operation=data["operation"], track_id=data["track"],
                                  other_track_id=data["other"], at_s=data["at"], requested_by=current_user(request))
    except ValidationError as exc:
        return JsonResponse({"ok": False, "error": " ".join(exc.messages)}, status=409 if exc.code == BUSY else 400)
    return JsonResponse({"ok": True, "edit": edit.pk}, status=202)
