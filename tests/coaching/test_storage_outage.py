"""Pages and API endpoints that read stored files answer a clear 503 (not a 500) while the storage
does not answer: the exceptions the real backends raise — botocore's when S3/SeaweedFS is down or
busy (django-storages lets them through), OSError when a mounted file system fails — are raised
from the storage's own calls here. Storage-independent pages keep working."""

from __future__ import annotations

import errno
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.urls import reverse

from coaching.reports.models import Render
from tests.support import give_kinematics, squat_kinematics, store_small_poses

pytestmark = pytest.mark.django_db

FAILURES: dict[str, Callable[[], Exception]] = {
    "s3 unreachable": lambda: EndpointConnectionError(endpoint_url="http://seaweedfs:8333/media/x"),
    "s3 busy": lambda: ClientError({"Error": {"Code": "SlowDown", "Message": "Please reduce your request rate."},
                                    "ResponseMetadata": {"HTTPStatusCode": 503}}, "HeadObject"),
    "mount gone": lambda: OSError(errno.ENOTCONN, "Transport endpoint is not connected"),
}


@pytest.fixture
def stored(world: Any) -> Any:
    """Ann's analysis with every file a page reads: kinematics, poses, poster, angles CSV."""
    give_kinematics(world.analysis, squat_kinematics(depth=90))
    store_small_poses(world.analysis)
    world.analysis.poster.save("poster.jpg", ContentFile(b"\xff\xd8\xff\xd9"), save=False)
    world.analysis.angles_csv.save("angles.csv", ContentFile(b"time_s,left_knee\n0.0,12.5\n"), save=True)
    cache.clear()  # the report's figures are cached by file name
    return world


def _outage(monkeypatch: pytest.MonkeyPatch, failure: str) -> None:
    """The storage stops answering: S3Storage has no local path (path() raises
    NotImplementedError), so every read goes through open/exists/size, which now raise."""
    def fail(*args: object, **kwargs: object) -> Any:
        raise FAILURES[failure]()

    def no_path(self: FileSystemStorage, name: str) -> str:
        raise NotImplementedError("This backend doesn't support absolute paths.")

    for method in ("_open", "exists", "size"):
        monkeypatch.setattr(FileSystemStorage, method, fail)
    monkeypatch.setattr(FileSystemStorage, "path", no_path)


def _pages(w: Any) -> dict[str, str]:
    a = w.analysis.pk
    return {
        "report": reverse("analysis_report", args=[a]),
        "proxy": reverse("analysis_file", args=[a, "proxy"]),
        "poster": reverse("analysis_file", args=[a, "poster"]),
        "angles csv": reverse("analysis_file", args=[a, "angles_csv"]),
        "export trc": reverse("analysis_export", args=[a, "trc"]),
        "export openpose json": reverse("analysis_export", args=[a, "openpose"]),
        "original": reverse("video_original", args=[w.video.pk]),
        "annotated video": reverse("render_file", args=[Render.objects.get(analysis=w.analysis).pk]),
    }


def _api(w: Any) -> dict[str, str]:
    a = w.analysis.pk
    return {
        "angles csv": reverse("api_analysis_angles", args=[a]),
        "file": reverse("api_analysis_file", args=[a, "kinematics"]),
        "export trc": reverse("api_analysis_export", args=[a, "trc"]),
        "original": reverse("api_video_original", args=[w.video.pk]),
    }


def test_they_work_while_the_storage_answers(client, stored) -> None:
    client.force_login(stored.coach)
    for name, url in {**_pages(stored), **_api(stored)}.items():
        assert client.get(url).status_code == 200, name


@pytest.mark.parametrize("failure", FAILURES)
def test_pages_answer_503_with_a_clear_page(client, stored, monkeypatch, failure) -> None:
    client.force_login(stored.coach)
    _outage(monkeypatch, failure)
    for name, url in _pages(stored).items():
        response = client.get(url, HTTP_ACCEPT="text/html,*/*;q=0.8")
        assert response.status_code == 503, (name, response.status_code)
        assert response["Retry-After"] == "60"
        page = response.content.decode()
        assert "storage" in page and "try again" in page.lower() and "</html>" in page, name
    # Pages that read no file still work: the coach can find their way around.
    assert client.get(reverse("video_detail", args=[stored.video.pk])).status_code == 200
    assert client.get(reverse("athlete_detail", args=[stored.ann.pk])).status_code == 200


@pytest.mark.parametrize("failure", FAILURES)
def test_api_and_page_scripts_get_json(client, stored, monkeypatch, failure) -> None:
    client.force_login(stored.coach)
    _outage(monkeypatch, failure)
    for name, url in _api(stored).items():
        response = client.get(url)
        assert response.status_code == 503, (name, response.status_code)
        assert "storage" in response.json()["detail"] and response["Retry-After"] == "60"
    fetched = client.get(reverse("analysis_tracks", args=[stored.analysis.pk]), HTTP_ACCEPT="application/json")
    assert fetched.status_code == 503 and "storage" in fetched.json()["error"]
    # A script's fetch that names no type (the athlete click): the browser marks it as no navigation.
    clicked = client.post(reverse("analysis_athlete", args=[stored.analysis.pk]), {"x": 50, "y": 50, "t": 0},
                          HTTP_SEC_FETCH_MODE="cors")
    assert clicked.status_code == 503 and "storage" in clicked.json()["error"]


def test_a_file_system_that_fails_under_a_local_path(client, stored, monkeypatch) -> None:
    """Local storage reads through the file's path, not open(): the read itself fails."""
    import numpy as np

    def unreadable(*args: object, **kwargs: object) -> Any:
        raise OSError(errno.EIO, "Input/output error")

    client.force_login(stored.coach)
    monkeypatch.setattr(np, "load", unreadable)
    assert client.get(reverse("analysis_report", args=[stored.analysis.pk])).status_code == 503
