"""Reads, always scoped to what the user may see. Another team's object is simply not there
(the view turns that into a 404)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import Q, QuerySet

from coaching.athletes.models import COACH_ROLES, Athlete, Invitation, Membership, Role, Team

User = AuthUser | AnonymousUser

ATHLETE_SORTS = {
    "name": "name",
    "-name": "-name",
    "height": "height_cm",
    "-height": "-height_cm",
    "discipline": "discipline",
    "newest": "-created_at",
}


def team_list_for_coach(*, user: User) -> QuerySet[Team]:
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(
        memberships__user=user, memberships__role__in=COACH_ROLES
    ).distinct()


def team_role(*, user: User, team: Team) -> Role | None:
    if not user.is_authenticated:
        return None
    role = (
        Membership.objects.filter(team=team, user=user).values_list("role", flat=True).first()
    )
    return Role(role) if role else None


def athlete_list_visible(*, user: User) -> QuerySet[Athlete]:
    """Athletes of the teams the user coaches, plus the user's own profile."""
    if not user.is_authenticated:
        return Athlete.objects.none()
    return Athlete.objects.filter(
        Q(team__in=team_list_for_coach(user=user)) | Q(user=user)
    ).select_related("team")


def athlete_list_for_team(
    *, team: Team, search: str = "", sort: str = "name"
) -> QuerySet[Athlete]:
    qs = team.athletes.all()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(discipline__icontains=search))
    return qs.order_by(ATHLETE_SORTS.get(sort, "name"), "pk")


def athlete_list_coached(*, user: User) -> QuerySet[Athlete]:
    if not user.is_authenticated:
        return Athlete.objects.none()
    return Athlete.objects.filter(team__in=team_list_for_coach(user=user))


def athlete_for_user(*, user: User) -> Athlete | None:
    if not user.is_authenticated:
        return None
    return Athlete.objects.filter(user=user).select_related("team").first()


def invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation a link names (the token is the credential), with what its page shows."""
    return Invitation.objects.filter(token=token).select_related("team", "athlete").first()


def athletes_without_login(*, team: Team) -> QuerySet[Athlete]:
    """The team's athlete profiles an invitation can still give a login to."""
    return team.athletes.filter(user__isnull=True)


def athlete_of_team(*, team: Team, athlete_id: int | None) -> Athlete | None:
    return team.athletes.filter(pk=athlete_id).first() if athlete_id is not None else None


def membership_list(*, team: Team) -> QuerySet[Membership]:
    return team.memberships.select_related("user").order_by("role", "user__username")


def invitation_list_open(*, team: Team) -> QuerySet[Invitation]:
    """Invitations sent and not yet used (expired ones included: the page says so)."""
    return team.invitations.filter(accepted_at__isnull=True).select_related("athlete")
