"""Reads of videos, scoped: coaches see their teams' videos, an athlete only their own."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from coaching.athletes.selectors import User, team_list_for_coach
from coaching.videos.models import Video


def video_list_visible(*, user: User) -> QuerySet[Video]:
    if not user.is_authenticated:
        return Video.objects.none()
    return Video.objects.filter(
        Q(team__in=team_list_for_coach(user=user)) | Q(athlete__user=user)
    ).select_related("athlete", "team")


def video_list_coached(*, user: User) -> QuerySet[Video]:
    if not user.is_authenticated:
        return Video.objects.none()
    return Video.objects.filter(team__in=team_list_for_coach(user=user))
