"""Reads for reviews, always through the video's visibility (video_list_visible): another
team's video, drawing or comment is simply not there; an athlete sees only their own videos'."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from coaching.analysis.selectors import analysis_latest
from coaching.athletes.selectors import User
from coaching.reviews.models import Annotation, Comment, ReadMarker
from coaching.videos.models import Video
from coaching.videos.selectors import video_list_visible


def annotation_list_for_video(*, video: Video) -> QuerySet[Annotation]:
    return Annotation.objects.filter(video=video).select_related("author")


def comment_list_for_video(*, video: Video) -> QuerySet[Comment]:
    return Comment.objects.filter(video=video).select_related("author", "annotation")


def event_marks_for_video(*, video: Video) -> list[dict[str, object]]:
    """The analysis' detected events (reps, jumps, steps: start/end seconds) of the latest run,
    as jump targets for the player."""
    analysis = analysis_latest(video=video)
    found = (analysis.summary.get("events") or {}).get("events") if analysis is not None else None
    if not isinstance(found, list):
        return []
    marks: list[dict[str, object]] = []
    for e in found[:1000]:
        start = e.get("start") if isinstance(e, dict) else None
        if isinstance(start, int | float):
            end = e.get("end")
            marks.append({"kind": str(e.get("kind", "")), "start": float(start),
                          "end": float(end) if isinstance(end, int | float) else float(start)})
    return marks


def _unread(model: type[Annotation] | type[Comment], *, user: User) -> QuerySet:
    seen = ReadMarker.objects.filter(user=user.pk, video=OuterRef("video")).values("seen_at")[:1]
    return (
        model.objects.filter(video__in=video_list_visible(user=user))
        .exclude(author=user.pk)
        .annotate(seen_at=Subquery(seen))
        .filter(Q(seen_at__isnull=True) | Q(created_at__gt=F("seen_at")))
    )


def review_unread_count(*, user: User) -> int:
    """Comments and drawings by others, on videos the user sees, newer than their last visit."""
    if not user.is_authenticated:
        return 0
    return _unread(Comment, user=user).count() + _unread(Annotation, user=user).count()


@dataclass(frozen=True)
class UnreadVideo:
    video: Video
    comments: int
    drawings: int
    latest: Comment | None


def review_unread_by_video(*, user: User) -> list[UnreadVideo]:
    """The videos with unread review items, newest activity first."""
    if not user.is_authenticated:
        return []
    comments = list(_unread(Comment, user=user).select_related("author").order_by("-created_at"))
    drawings = list(_unread(Annotation, user=user).values_list("video_id", "created_at"))
    video_ids = {c.video_id for c in comments} | {v for v, _ in drawings}
    videos = video_list_visible(user=user).filter(pk__in=video_ids).select_related("athlete")
    newest = {c.video_id: c.created_at for c in reversed(comments)}
    for video_id, created in drawings:
        newest[video_id] = max(newest.get(video_id, created), created)
    rows = [
        UnreadVideo(
            video=v,
            comments=sum(1 for c in comments if c.video_id == v.pk),
            drawings=sum(1 for d, _ in drawings if d == v.pk),
            latest=next((c for c in comments if c.video_id == v.pk), None),
        )
        for v in videos
    ]
    return sorted(rows, key=lambda r: newest[r.video.pk], reverse=True)
