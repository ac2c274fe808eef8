"""Writes for teams and athletes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from coaching.athletes.models import Athlete, Membership, Role, Team
from coaching.videos.services import video_delete


@transaction.atomic
def team_create(*, name: str, head_coach: User) -> Team:
    team = Team.objects.create(name=name)
    Membership.objects.create(team=team, user=head_coach, role=Role.HEAD_COACH)
    return team


def athlete_create(
    *,
    team: Team,
    name: str,
    date_of_birth: date | None = None,
    discipline: str = "",
    dominant_side: str = "",
    height_cm: Decimal | None = None,
    notes: str = "",
    user: User | None = None,
) -> Athlete:
    with transaction.atomic():
        athlete = Athlete.objects.create(
            team=team,
            name=name,
            date_of_birth=date_of_birth,
            discipline=discipline,
            dominant_side=dominant_side,
            height_cm=height_cm,
            notes=notes,
            user=user,
        )
        if user is not None:
            Membership.objects.get_or_create(team=team, user=user, defaults={"role": Role.ATHLETE})
    return athlete


ATHLETE_EDITABLE = ("name", "date_of_birth", "discipline", "dominant_side", "height_cm", "notes")


def athlete_update(*, athlete: Athlete, data: dict[str, object]) -> Athlete:
    fields = [name for name in ATHLETE_EDITABLE if name in data]
    for name in fields:
        setattr(athlete, name, data[name])
    athlete.full_clean()
    athlete.save(update_fields=fields)
    return athlete


def athlete_delete(*, athlete: Athlete) -> None:
    """Delete the athlete, their videos, analyses and every stored file."""
    for video in athlete.videos.all():
        video_delete(video=video)
    athlete.delete()


@transaction.atomic
def athlete_login_create(*, athlete: Athlete, username: str, password: str) -> User:
    """Give the athlete a login of their own: it sees only their videos and analyses."""
    if athlete.user_id is not None:
        raise ValidationError(f"{athlete.name} already has a login.")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(f"The username “{username}” is taken; choose another.")
    user = User.objects.create_user(username=username, password=password)
    athlete.user = user
    athlete.save(update_fields=["user"])
    Membership.objects.get_or_create(team=athlete.team, user=user, defaults={"role": Role.ATHLETE})
    return user
