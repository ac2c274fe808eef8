"""Writes for reviews. Who may do what:

- Drawing (creating annotations) needs `ANNOTATE`, which is the coaches' `Action.VIEW_TEAM`
  (head and assistant coaches; not athletes). It is an alias rather than a new Action because the
  permission table is mirrored in the README: a new row there belongs to the README's owner.
- An annotation is edited or deleted by its author only (another coach gets a 403 too).
- Comments: everyone who sees the video writes in its thread — the team's coaches and the
  athlete on their own video. A comment is deleted by its author only.
Visibility (404 for other teams, an athlete only on their own videos) is the video's:
coaching.videos.selectors.video_list_visible.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coaching.athletes.permissions import Action
from coaching.reviews.geometry import clean_calibration, clean_geometry
from coaching.reviews.models import Annotation, Comment, Kind, ReadMarker
from coaching.videos.models import Video

ANNOTATE = Action.VIEW_TEAM
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
MAX_COMMENT = 4000
END_SLACK_S = 0.5  # a range may end a little after the last frame (rounding of durations)


def _clean_range(*, video: Video, t_start: float, t_end: float) -> tuple[float, float]:
    if not 0 <= t_start <= video.duration_s + END_SLACK_S:
        raise ValidationError(f"The start must be between 0 and {video.duration_s:.2f} s.")
    if t_end <= t_start:
        raise ValidationError("The end must come after the start.")
    return round(t_start, 4), round(min(t_end, video.duration_s + END_SLACK_S), 4)


def _clean_colour(colour: str) -> str:
    if not COLOUR.fullmatch(colour):
        raise ValidationError("The colour must look like #ff3b30.")
    return colour.lower()


def _clean_text(*, kind: str, text: str) -> str:
    text = text.strip()
    if kind == Kind.TEXT and not text:
        raise ValidationError("Type the text to place on the frame.")
    if len(text) > 500:
        raise ValidationError("The text is longer than 500 characters.")
    return text


def annotation_create(
    *,
    video: Video,
    author: User,
    kind: str,
    t_start: float,
    t_end: float,
    geometry: Any,
    text: str = "",
    colour: str = "#ff3b30",
    calibration: Any = None,
) -> Annotation:
    t_start, t_end = _clean_range(video=video, t_start=t_start, t_end=t_end)
    annotation = Annotation(
        video=video,
        author=author,
        kind=kind,
        t_start=t_start,
        t_end=t_end,
        geometry=clean_geometry(kind=kind, geometry=geometry, width=video.width, height=video.height),
        calibration=clean_calibration(kind=kind, calibration=calibration),
        text=_clean_text(kind=kind, text=text),
        colour=_clean_colour(colour),
    )
    annotation.save()
    return annotation


def _require_author(*, annotation: Annotation | Comment, user: User) -> None:
    if annotation.author_id is None or annotation.author_id != user.pk:
        raise PermissionDenied("Only its author may change this.")


def annotation_update(
    *,
    annotation: Annotation,
    editor: User,
    t_start: float | None = None,
    t_end: float | None = None,
    text: str | None = None,
    colour: str | None = None,
    geometry: Any = None,
    calibration: Any = None,
) -> Annotation:
    """Change the given fields (None: keep). Only the author may."""
    _require_author(annotation=annotation, user=editor)
    video = annotation.video
    annotation.t_start, annotation.t_end = _clean_range(
        video=video,
        t_start=annotation.t_start if t_start is None else t_start,
        t_end=annotation.t_end if t_end is None else t_end,
    )
    if text is not None:
        annotation.text = _clean_text(kind=annotation.kind, text=text)
    if colour is not None:
        annotation.colour = _clean_colour(colour)
    if geometry is not None:
        annotation.geometry = clean_geometry(
            kind=annotation.kind, geometry=geometry, width=video.width, height=video.height
        )
    if calibration is not None:
        annotation.calibration = clean_calibration(kind=annotation.kind, calibration=calibration)
    annotation.save()
    return annotation


def annotation_delete(*, annotation: Annotation, editor: User) -> None:
    _require_author(annotation=annotation, user=editor)
    annotation.delete()


def comment_create(
    *,
    video: Video,
    author: User,
    body: str,
    t_start: float | None = None,
    t_end: float | None = None,
    annotation: Annotation | None = None,
) -> Comment:
    body = body.strip()
    if not body:
        raise ValidationError("Write something first.")
    if len(body) > MAX_COMMENT:
        raise ValidationError(f"The comment is longer than {MAX_COMMENT} characters.")
    if annotation is not None and annotation.video_id != video.pk:
        raise ValidationError("The drawing belongs to another video.")
    if t_start is None and annotation is not None:
        t_start, t_end = annotation.t_start, annotation.t_end
    if t_start is not None:
        if t_end is None:
            t_start, _ = _clean_range(video=video, t_start=t_start, t_end=t_start + 1)
        else:
            t_start, t_end = _clean_range(video=video, t_start=t_start, t_end=t_end)
    elif t_end is not None:
        raise ValidationError("A comment's end time needs a start time.")
    comment = Comment.objects.create(
        video=video, author=author, body=body, t_start=t_start, t_end=t_end, annotation=annotation
    )
    # Writing in a thread means having read it.
    review_mark_read(user=author, video=video)
    return comment


def comment_delete(*, comment: Comment, editor: User) -> None:
    _require_author(annotation=comment, user=editor)
    comment.delete()


def review_mark_read(*, user: User, video: Video) -> None:
    ReadMarker.objects.update_or_create(user=user, video=video, defaults={"seen_at": timezone.now()})
