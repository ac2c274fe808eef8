"""The demo coach: an admin on the local demo (dev settings), an ordinary coach anywhere else."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def _run(tmp_path: Path, module: str, debug: bool) -> str:
    # One override: a nested one would read SETTINGS_MODULE back as None.
    out = StringIO()
    with override_settings(VAR_DIR=tmp_path, SETTINGS_MODULE=module, DEBUG=debug):
        call_command("demo_coach", stdout=out)
    return out.getvalue()


def test_local_demo_coach_opens_the_admin(tmp_path: Path) -> None:
    printed = _run(tmp_path, "coaching.settings.dev", True)
    assert "/admin/" in printed
    user = User.objects.get(username="coach")
    assert user.is_staff and user.is_superuser
    password = (tmp_path / "demo-login.txt").read_text().strip()
    client = Client()
    assert client.login(username="coach", password=password)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize(("module", "debug"), [("coaching.settings.production", False),
                                                ("coaching.settings.test", True),
                                                ("coaching.settings.dev", False)])
def test_demo_coach_is_no_admin_elsewhere(tmp_path: Path, module: str, debug: bool) -> None:
    printed = _run(tmp_path, module, debug)
    assert "/admin/" not in printed
    user = User.objects.get(username="coach")
    assert not user.is_staff and not user.is_superuser
