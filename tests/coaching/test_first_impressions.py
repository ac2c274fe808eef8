"""Small things a new coach notices (issue 23): the container's name, a failed sign-in keeping
the username, the distances sentence, the CSV's file name, the demo pages' wording."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from coaching.reports.selectors import Report

pytestmark = pytest.mark.django_db


def _client(world) -> Client:
    client = Client()
    client.force_login(world.coach)
    return client


@pytest.mark.parametrize(("container", "name", "codec", "shown"), [
    ("mov", "clip.mp4", "vp9", "vp9 in MP4"),
    ("mov", "IMG_0001.MOV", "hevc", "hevc in QuickTime MOV"),
    ("mov", "take.m4v", "h264", "h264 in M4V (MP4)"),
    ("matroska", "run.webm", "vp9", "vp9 in WebM"),
    ("matroska", "run.mkv", "h264", "h264 in Matroska (MKV)"),
    ("avi", "old.avi", "mpeg4", "mpeg4 in AVI"),
])
def test_container_is_named_from_its_family_and_the_file(world, container: str, name: str, codec: str,
                                                         shown: str) -> None:
    world.video.container, world.video.original_name, world.video.codec = container, name, codec
    world.video.save()
    html = _client(world).get(f"/videos/{world.video.pk}/").content.decode()
    assert shown + "," in html
    assert f"{codec} in {container}," not in html or container == "avi"


def test_failed_sign_in_keeps_the_username(world) -> None:
    html = Client().post("/accounts/login/", {"username": "coach", "password": "wrong"}).content.decode()
    assert "didn't match" in html
    assert 'name="username" autocomplete="username" required value="coach"' in html
    assert 'autocomplete="current-password" required autofocus' in html


def _report(world, monkeypatch: pytest.MonkeyPatch, scale: dict[str, object]) -> str:
    analysis = world.analysis
    analysis.summary = {"events": {"scale": scale}}
    analysis.angles_csv.save("angles.csv", ContentFile(b"t,left_knee\n0,170\n"), save=False)
    analysis.save()
    monkeypatch.setattr("coaching.reports.views.report_get", lambda analysis: Report(
        analysis, summary=[("Jumps", "2"), ("Best jump height", "0.31 m")],
        scale_reason=str(scale.get("reason", ""))))
    return _client(world).get(f"/analyses/{analysis.pk}/report/").content.decode()


def test_distances_say_metres_when_scaled_from_the_height(world, monkeypatch: pytest.MonkeyPatch) -> None:
    html = _report(world, monkeypatch, {"metres_per_pixel": 0.003, "reason": "from a height of 170 cm"})
    assert "Distances in metres, scaled from a height of 170 cm." in html
    assert "Distances in pixels: from a height" not in html


def test_distances_say_pixels_and_why_when_not_scaled(world, monkeypatch: pytest.MonkeyPatch) -> None:
    html = _report(world, monkeypatch, {"metres_per_pixel": None, "reason": "the athlete's height is not set"})
    assert "Distances in pixels: the athlete&#x27;s height is not set" in html


def test_report_leads_with_key_numbers_and_folds_its_sections(world, monkeypatch: pytest.MonkeyPatch) -> None:
    html = _report(world, monkeypatch, {"metres_per_pixel": 0.003, "reason": "from a height of 170 cm"})
    key = html.index("Key numbers")
    assert key < html.index('id="summary-fold"') < html.index('id="downloads-fold"')
    assert '<dt>Best jump height</dt><dd>0.31 m</dd>' in html[key:html.index('id="summary-fold"')]
    for fold in ("summary-fold", "downloads-fold", "review-fold", "compare-fold", "moves-fold"):
        assert f'<details class="fold" id="{fold}"' in html
    assert 'class="wide"' in html


def test_angle_csv_downloads_under_the_video_title(world, monkeypatch: pytest.MonkeyPatch) -> None:
    html = _report(world, monkeypatch, {})
    day = world.video.created_at.date().isoformat()  # no recorded date: the upload's day
    assert f'download="ann-squat-{day}-angles.csv"' in html
