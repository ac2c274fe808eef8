"""Personal API tokens: made on the account page and shown once, stored as a SHA-256 hash,
accepted as a Bearer token (session auth still works for the browser), last use noted,
revoked on the same page (then 401), limited per token."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from coaching.api.models import ApiToken

pytestmark = pytest.mark.django_db


def _make_token(client: Client, name: str) -> str:
    page = client.post(reverse("api_tokens"), {"name": name}).content.decode()
    return re.search(r'<code id="token-secret">([^<]+)</code>', page).group(1)


def test_token_lifecycle(client, world) -> None:
    client.force_login(world.coach)
    secret = _make_token(client, "Pitch-side iPad")
    stored = ApiToken.objects.get()
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values_list().get())  # only the hash is kept
    listing = client.get(reverse("api_tokens")).content.decode()
    assert "Pitch-side iPad" in listing and secret not in listing and "never" in listing

    api = Client()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert api.get(reverse("api_team_list")).status_code == 401
    teams = api.get(reverse("api_team_list"), **bearer)
    assert teams.status_code == 200 and [t["name"] for t in teams.json()["results"]] == ["Team A"]
    assert api.get(reverse("api_video_detail", args=[world.video_b.pk]), **bearer).status_code == 404
    # Stored files come through the API with the token too (range requests for seeking).
    files = api.get(reverse("api_analysis_detail", args=[world.analysis.pk]), **bearer).json()["files"]
    part = api.get(files["proxy"], HTTP_RANGE="bytes=4-7", **bearer)
    assert part.status_code == 206 and b"".join(part.streaming_content) == b"ftyp"
    video = api.get(reverse("api_video_detail", args=[world.video.pk]), **bearer).json()
    assert b"".join(api.get(video["original_url"], **bearer).streaming_content)[4:8] == b"ftyp"
    stored.refresh_from_db()
    assert stored.last_used_at is not None
    assert "never" not in client.get(reverse("api_tokens")).content.decode()
    # A token needs no CSRF token (it is not a cookie); the session does (tested in security).
    assert api.delete(reverse("api_video_detail", args=[world.video_al.pk]), **bearer).status_code == 204

    client.post(reverse("api_tokens"), {"revoke": stored.pk})
    assert not ApiToken.objects.exists()
    revoked = api.get(reverse("api_team_list"), **bearer)
    assert revoked.status_code == 401 and "revoked" in revoked.json()["detail"]
    assert api.get(reverse("api_team_list"), HTTP_AUTHORIZATION="Bearer pc_made-up").status_code == 401


def test_one_user_cannot_revoke_anothers_token(client, world) -> None:
    client.force_login(world.other_coach)
    _make_token(client, "B's script")
    theirs = ApiToken.objects.get()
    client.force_login(world.coach)
    client.post(reverse("api_tokens"), {"revoke": theirs.pk})
    client.post(reverse("api_tokens"), {"revoke": "not-a-number"})
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    page = client.post(reverse("api_tokens"), {"name": "   "}).content.decode()
    assert "Give the token a name" in page


def test_session_writes_need_the_csrf_token(world) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.coach)
    assert browser.get(reverse("api_video_list")).status_code == 200
    assert browser.delete(reverse("api_video_detail", args=[world.video_al.pk])).status_code == 403


def test_throttled_per_token(client, world, settings) -> None:
    settings.API_THROTTLE_RATE = "3/min"
    cache.clear()
    client.force_login(world.coach)
    first, second = _make_token(client, "one"), _make_token(client, "two")
    api = Client()
    url = reverse("api_team_list")
    codes = [api.get(url, HTTP_AUTHORIZATION=f"Bearer {first}").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert api.get(url, HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200  # its own allowance
    assert client.get(url).status_code == 200  # the session is counted apart
    cache.clear()
