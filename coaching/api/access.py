"""Scoped lookups for the API, over the same selectors and the same role table as the pages
(coaching.athletes.permissions): another team's object is a 404, an action the role does not
allow on an object the user sees is a 403 with the reason."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404
from rest_framework.exceptions import PermissionDenied

from coaching.analysis.models import Analysis
from coaching.analysis.selectors import analysis_list_visible
from coaching.athletes.models import Athlete, Team
from coaching.athletes.permissions import Action, allowed
from coaching.athletes.selectors import User, athlete_list_visible, team_list_for_coach
from coaching.videos.models import Video
from coaching.videos.selectors import video_list_visible

M = TypeVar("M", bound=Model)


def one(queryset: QuerySet[M], pk: Any) -> M:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404("Not found.")
    return found


def require(user: User, team: Team, action: Action, athlete: Athlete | None = None) -> None:
    if not allowed(user=user, team=team, action=action, athlete=athlete):
        raise PermissionDenied(f"Your role in {team.name} does not allow this.")


def team_or_404(user: User, team_id: int) -> Team:
    return one(team_list_for_coach(user=user), team_id)


def athlete_or_404(user: User, athlete_id: int) -> Athlete:
    return one(athlete_list_visible(user=user), athlete_id)


def video_or_404(user: User, video_id: int) -> Video:
    return one(video_list_visible(user=user), video_id)


def analysis_or_404(user: User, analysis_id: int) -> Analysis:
    return one(analysis_list_visible(user=user).select_related("video__team", "video__athlete"),
               analysis_id)
