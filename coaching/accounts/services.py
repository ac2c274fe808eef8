"""Writes for accounts: the demo coach that `make run` creates and prints."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction

from coaching.athletes.models import Membership, Role
from coaching.athletes.services import team_create


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    created: bool


@transaction.atomic
def demo_coach_ensure(*, username: str, password_file: Path) -> DemoLogin:
    """Create the demo coach with a random password once; later calls print the same login.
    The password is kept in a file readable only by the owner (under var/, not in git)."""
    user = User.objects.filter(username=username).first()
    if user is not None and password_file.exists():
        return DemoLogin(username, password_file.read_text().strip(), created=False)
    password = secrets.token_urlsafe(9)
    created = user is None
    if user is None:
        user = User.objects.create_user(username=username, email=f"{username}@example.org")
    user.set_password(password)
    user.save()
    password_file.parent.mkdir(parents=True, exist_ok=True)
    password_file.write_text(password)
    password_file.chmod(0o600)
    if not Membership.objects.filter(user=user, role=Role.HEAD_COACH).exists():
        team_create(name="Demo team", head_coach=user)
    return DemoLogin(username, password, created=created)
