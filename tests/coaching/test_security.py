"""Web hardening: the deploy check, the content security policy, CSRF on every write including
the upload XHR, login rate limiting."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from tests.support import ROOT

pytestmark = pytest.mark.django_db


def test_deploy_check_is_clean_under_production_settings() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "coaching.settings.production",
           "SECRET_KEY": secrets.token_urlsafe(60)}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_pages_carry_a_csp_and_templates_have_no_inline_scripts(client, world) -> None:
    client.force_login(world.coach)
    policy = client.get(reverse("video_detail", args=[world.video.pk]))["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"  # no inline scripts, no eval
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert not re.search(r"\son[a-z]+=", text), template


def test_csrf_is_required_for_uploads_and_other_writes(world, make_clip) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.coach)
    clip = make_clip()
    with clip.open("rb") as fh:
        assert client.post(reverse("video_upload", args=[world.al.pk]), {"file": fh}).status_code == 403
    assert client.post(reverse("video_delete", args=[world.video.pk])).status_code == 403
    page = client.get(reverse("video_upload", args=[world.al.pk])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    with clip.open("rb") as fh:
        response = client.post(reverse("video_upload", args=[world.al.pk]), {"file": fh},
                               HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_login_is_rate_limited(client, world, settings) -> None:
    from django.core.cache import cache

    cache.clear()
    url = reverse("login")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = client.post(url, {"username": "coach", "password": "wrong"})
        assert "didn't match" in response.content.decode()
    blocked = client.post(url, {"username": "coach", "password": "pw-coach-123"})
    assert "Too many failed sign-ins" in blocked.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()
    assert client.post(url, {"username": "coach", "password": "pw-coach-123"}).status_code == 302
