"""Scoped lookups for views: an object outside the user's teams is a 404; an action the user's
role does not allow on an object they can see is a 403 (coaching.athletes.permissions)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from coaching.athletes.models import Athlete, Team
from coaching.athletes.permissions import Action, abilities, allowed
from coaching.athletes.selectors import athlete_list_visible, team_list_for_coach


def current_user(request: HttpRequest) -> User:
    """The signed-in user (views using this are behind login_required)."""
    if not isinstance(request.user, User):
        raise PermissionDenied("Sign in first.")
    return request.user


def coached_team_or_404(request: HttpRequest, team_id: int) -> Team:
    return get_object_or_404(team_list_for_coach(user=request.user), pk=team_id)


def visible_athlete_or_404(request: HttpRequest, athlete_id: int) -> Athlete:
    return get_object_or_404(athlete_list_visible(user=request.user), pk=athlete_id)


def can(request: HttpRequest, team: Team, athlete: Athlete | None = None) -> dict[str, bool]:
    return abilities(user=request.user, team=team, athlete=athlete)


def require(request: HttpRequest, team: Team, action: Action, athlete: Athlete | None = None) -> None:
    if not allowed(user=request.user, team=team, action=action, athlete=athlete):
        raise PermissionDenied(f"Your role in {team.name} does not allow this.")
