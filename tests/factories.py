"""factory_boy factories for the coaching models (the World fixture builds a fixed scene; these
make extra objects in one line)."""

from __future__ import annotations

import factory
from django.contrib.auth.models import User

from coaching.athletes.models import Athlete, Membership, Role, Team


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-factory-123")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.HEAD_COACH


class AthleteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Athlete

    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"Athlete {n}")
    discipline = "sprint"
    height_cm = 172
