"""Scoped lookups for views: an object outside the user's teams is a 404, a coach-only action
by an athlete on their own object is a 403."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from coaching.athletes.models import COACH_ROLES, Athlete, Team
from coaching.athletes.selectors import athlete_list_visible, team_list_for_coach, team_role


def current_user(request: HttpRequest) -> User:
    """The signed-in user (views using this are behind login_required)."""
    if not isinstance(request.user, User):
        raise PermissionDenied("Sign in first.")
    return request.user


def coached_team_or_404(request: HttpRequest, team_id: int) -> Team:
    return get_object_or_404(team_list_for_coach(user=request.user), pk=team_id)


def visible_athlete_or_404(request: HttpRequest, athlete_id: int) -> Athlete:
    return get_object_or_404(athlete_list_visible(user=request.user), pk=athlete_id)


def is_coach(request: HttpRequest, team: Team) -> bool:
    return team_role(user=request.user, team=team) in COACH_ROLES


def require_coach(request: HttpRequest, team: Team) -> None:
    if not is_coach(request, team):
        raise PermissionDenied("Only the team's coaches can do this.")
