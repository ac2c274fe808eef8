"""Team invitations and membership changes (services)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coaching.athletes.models import Athlete, Invitation, Membership, Role, Team

INVITATION_DAYS = 14


def invitation_create(*, team: Team, role: Role, created_by: User, athlete: Athlete | None = None) -> Invitation:
    if role == Role.ATHLETE:
        if athlete is None or athlete.team_id != team.pk:
            raise ValidationError("Choose the athlete profile this login belongs to.")
        if athlete.user_id is not None:
            raise ValidationError(f"{athlete.name} already has a login.")
    elif role == Role.ASSISTANT_COACH:
        athlete = None
    else:
        raise ValidationError("Invite assistant coaches or athletes.")
    return Invitation.objects.create(
        team=team, role=role, athlete=athlete, created_by=created_by,
        token=secrets.token_urlsafe(24), expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )


def invitation_check(*, invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation was already used. Ask the coach for a new one.")
    if invitation.expires_at < timezone.now():
        raise ValidationError("This invitation has expired. Ask the coach for a new one.")


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("athlete").get(token=token)
    invitation_check(invitation=invitation)
    if Membership.objects.filter(team=invitation.team, user=user).exists():
        raise ValidationError(f"You are already a member of {invitation.team.name}.")
    if invitation.athlete is not None:
        athlete = Athlete.objects.select_for_update().get(pk=invitation.athlete.pk)
        if athlete.user_id is not None:
            raise ValidationError(f"{athlete.name} already has a login.")
        if Athlete.objects.filter(user=user).exists():
            raise ValidationError("Your account already belongs to an athlete profile.")
        athlete.user = user
        athlete.save(update_fields=["user"])
    membership = Membership.objects.create(team=invitation.team, user=user, role=invitation.role)
    invitation.accepted_by, invitation.accepted_at = user, timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    return membership


def invitation_signup_accept(*, token: str, username: str, password: str) -> tuple[User, Membership]:
    """A new account made from an invitation link, and the invitation accepted with it, in one
    transaction: when accepting fails (used or expired meanwhile, the athlete got a login) the
    account is not created either, so a failed sign-up leaves nothing behind. ``username`` and
    ``password`` come validated from the sign-up form."""
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password)
        membership = invitation_accept(token=token, user=user)
    return user, membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Remove a member; the team always keeps a head coach. An athlete's profile and videos
    stay; only the login's access ends."""
    if membership.role == Role.HEAD_COACH:
        others = Membership.objects.filter(team=membership.team, role=Role.HEAD_COACH).exclude(pk=membership.pk)
        if not others.exists():
            raise ValidationError("The team's only head coach cannot be removed.")
    Athlete.objects.filter(team=membership.team, user=membership.user).update(user=None)
    membership.delete()


def team_settings_update(*, team: Team, athletes_can_upload: bool) -> Team:
    team.athletes_can_upload = athletes_can_upload
    team.save(update_fields=["athletes_can_upload"])
    return team
