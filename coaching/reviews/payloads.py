"""The JSON shapes the review page's scripts read (static/js/review.js)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from coaching.formats import moment_text
from coaching.reviews.models import Annotation, Comment
from coaching.videos.models import Video


def _who(user: User | None, video: Video) -> dict[str, Any]:
    if user is None:
        return {"name": "a former member", "role": ""}
    role = "athlete" if user.pk == video.athlete.user_id else "coach"
    return {"name": user.get_full_name() or user.username, "role": role}


def annotation_payload(annotation: Annotation, *, viewer: User) -> dict[str, Any]:
    return {
        "id": annotation.pk,
        "kind": annotation.kind,
        "kind_label": annotation.get_kind_display(),
        "t_start": annotation.t_start,
        "t_end": annotation.t_end,
        "geometry": annotation.geometry,
        "calibration": annotation.calibration,
        "text": annotation.text,
        "colour": annotation.colour,
        "author": _who(annotation.author, annotation.video),
        "mine": annotation.author_id == viewer.pk,
        "updated_at": annotation.updated_at.isoformat(),
    }


def comment_payload(comment: Comment, *, viewer: User) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "body": comment.body,
        "t_start": comment.t_start,
        "t_end": comment.t_end,
        "annotation_id": comment.annotation_id,
        "author": _who(comment.author, comment.video),
        "mine": comment.author_id == viewer.pk,
        "created_at": comment.created_at.isoformat(),
        "created_at_text": moment_text(comment.created_at),
    }
