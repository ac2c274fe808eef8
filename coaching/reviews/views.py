"""JSON endpoints of the review tools on the video page, and the unread-reviews page. Every
lookup goes through the video's visibility first (another team's video: 404)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from coaching.athletes.access import current_user, require
from coaching.athletes.permissions import allowed
from coaching.requestdata import BadRequest, finite_number, json_object, row_id
from coaching.reviews import selectors, services
from coaching.reviews.models import Annotation
from coaching.reviews.payloads import annotation_payload, comment_payload
from coaching.videos.models import Video
from coaching.videos.selectors import video_list_visible


def _video(request: HttpRequest, video_id: int) -> Video:
    return get_object_or_404(video_list_visible(user=request.user), pk=video_id)


def _body(request: HttpRequest) -> dict[str, Any]:
    return json_object(request)


def _float(data: dict[str, Any], key: str) -> float | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    return finite_number(value, f"{key} (seconds)")


def _seconds(data: dict[str, Any], key: str) -> float:
    value = _float(data, key)
    if value is None:
        raise BadRequest(f"{key} is missing.")
    return value


def _str_or_none(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _str(data: dict[str, Any], key: str, default: str = "") -> str:
    value = data.get(key)
    if value is None or value == "":
        return default
    if not isinstance(value, str):
        raise BadRequest(f"{key} must be text.")
    return value


def _id(data: dict[str, Any], key: str = "id") -> int:
    return row_id(data.get(key), key)


def _error(message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=400)


def _json_errors(view: Any) -> Any:
    """Expected input errors become a 400 with a message the page shows."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except BadRequest as exc:
            return _error(str(exc))
        except ValidationError as exc:
            return _error(" ".join(exc.messages))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@login_required
@require_GET
def annotation_list(request: HttpRequest, video_id: int) -> JsonResponse:
    video = _video(request, video_id)
    user = current_user(request)
    items = selectors.annotation_list_for_video(video=video)
    return JsonResponse({
        "can_annotate": allowed(user=user, team=video.team, action=services.ANNOTATE),
        "annotations": [annotation_payload(a, viewer=user) for a in items],
        "events": selectors.event_marks_for_video(video=video),
    })


@login_required
@require_POST
@_json_errors
def annotation_create(request: HttpRequest, video_id: int) -> JsonResponse:
    video = _video(request, video_id)
    require(request, video.team, services.ANNOTATE)
    data = _body(request)
    user = current_user(request)
    annotation = services.annotation_create(
        video=video,
        author=user,
        kind=_str(data, "kind"),
        t_start=_seconds(data, "t_start"),
        t_end=_seconds(data, "t_end"),
        geometry=data.get("geometry"),
        text=_str(data, "text"),
        colour=_str(data, "colour", "#ff3b30"),
        calibration=data.get("calibration"),
    )
    return JsonResponse({"ok": True, "annotation": annotation_payload(annotation, viewer=user)}, status=201)


def _annotation_of(video: Video, data: dict[str, Any]) -> Annotation:
    return get_object_or_404(selectors.annotation_list_for_video(video=video), pk=_id(data))


@login_required
@require_POST
@_json_errors
def annotation_update(request: HttpRequest, video_id: int) -> JsonResponse:
    video = _video(request, video_id)
    require(request, video.team, services.ANNOTATE)
    data = _body(request)
    user = current_user(request)
    annotation = services.annotation_update(
        annotation=_annotation_of(video, data),
        editor=user,
        t_start=_float(data, "t_start"),
        t_end=_float(data, "t_end"),
        text=_str_or_none(data, "text"),
        colour=_str_or_none(data, "colour"),
        geometry=data.get("geometry"),
        calibration=data.get("calibration"),
    )
    return JsonResponse({"ok": True, "annotation": annotation_payload(annotation, viewer=user)})


@login_required
@require_POST
@_json_errors
def annotation_delete(request: HttpRequest, video_id: int) -> JsonResponse:
    video = _video(request, video_id)
    require(request, video.team, services.ANNOTATE)
    annotation = _annotation_of(video, _body(request))
    services.annotation_delete(annotation=annotation, editor=current_user(request))
    return JsonResponse({"ok": True})


@login_required
@require_GET
def comment_list(request: HttpRequest, video_id: int) -> JsonResponse:
    """The thread; reading it marks the video's review as read for this user."""
    video = _video(request, video_id)
    user = current_user(request)
    comments = [comment_payload(c, viewer=user) for c in selectors.comment_list_for_video(video=video)]
    services.review_mark_read(user=user, video=video)
    return JsonResponse({"comments": comments, "unread": selectors.review_unread_count(user=user)})


@login_required
@require_POST
@_json_errors
def comment_create(request: HttpRequest, video_id: int) -> JsonResponse:
    video = _video(request, video_id)
    data = _body(request)
    user = current_user(request)
    annotation = None
    if data.get("annotation_id") not in (None, ""):
        annotation = get_object_or_404(
            selectors.annotation_list_for_video(video=video), pk=_id(data, "annotation_id")
        )
    comment = services.comment_create(
        video=video,
        author=user,
        body=_str(data, "body"),
        t_start=_float(data, "t_start"),
        t_end=_float(data, "t_end"),
        annotation=annotation,
    )
    return JsonResponse({"ok": True, "comment": comment_payload(comment, viewer=user)}, status=201)


@login_required
@require_POST
@_json_errors
def comment_delete(request: HttpRequest, video_id: int) -> JsonResponse:
    video = _video(request, video_id)
    data = _body(request)
    comment = get_object_or_404(selectors.comment_list_for_video(video=video), pk=_id(data))
    services.comment_delete(comment=comment, editor=current_user(request))
    return JsonResponse({"ok": True})


@login_required
@require_GET
def review_inbox(request: HttpRequest) -> HttpResponse:
    rows = selectors.review_unread_by_video(user=request.user)
    return render(request, "reviews/inbox.html", {"rows": rows})
