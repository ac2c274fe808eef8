"""Signing up from an invitation link and accepting it are one transaction: an accept that fails
leaves no account behind and nobody signed in."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse

from coaching.athletes.invitations import invitation_create, invitation_signup_accept
from coaching.athletes.models import Role

pytestmark = pytest.mark.django_db

PASSWORD = "long-enough-pw-42"


def test_signup_and_accept_make_the_account_and_the_membership(world) -> None:
    invitation = invitation_create(team=world.team, role=Role.ATHLETE, created_by=world.coach, athlete=world.al)
    user, membership = invitation_signup_accept(token=invitation.token, username="al-runner", password=PASSWORD)
    world.al.refresh_from_db()
    assert world.al.user == user and membership.role == Role.ATHLETE and user.check_password(PASSWORD)


def test_a_failed_accept_leaves_no_account(world) -> None:
    invitation = invitation_create(team=world.team, role=Role.ATHLETE, created_by=world.coach, athlete=world.al)
    world.al.user = User.objects.create_user("al-elsewhere", password=PASSWORD)  # got a login meanwhile
    world.al.save()
    with pytest.raises(ValidationError, match="already has a login"):
        invitation_signup_accept(token=invitation.token, username="al-runner", password=PASSWORD)
    assert not User.objects.filter(username="al-runner").exists()


def test_the_sign_up_page_shows_the_error_and_signs_nobody_in(client, world) -> None:
    invitation = invitation_create(team=world.team, role=Role.ATHLETE, created_by=world.coach, athlete=world.al)
    url = reverse("invitation_accept", args=[invitation.token])
    world.al.user = User.objects.create_user("al-elsewhere", password=PASSWORD)
    world.al.save()
    page = client.post(url, {"username": "al-runner", "password1": PASSWORD, "password2": PASSWORD})
    assert page.status_code == 200 and "already has a login" in page.content.decode()
    assert not User.objects.filter(username="al-runner").exists()
    assert "_auth_user_id" not in client.session
