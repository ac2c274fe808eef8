"""tus 1.0 over the test client: creation, offsets, checksums, termination, expiration, and the
form upload's validation when the last byte arrives (a good clip becomes a video with its
analysis queued, a bad one is refused with the reason and leaves nothing)."""

from __future__ import annotations

import base64
import hashlib
import os
import time
import uuid
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from coaching.accounts.tasks import temp_cleanup_task
from coaching.analysis.models import Analysis
from coaching.api.models import TusUpload, UploadState
from coaching.api.uploads import MAX_OPEN_UPLOADS
from coaching.videos.models import Video
from tests.coaching.api.tus_client import metadata

pytestmark = pytest.mark.django_db
TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}


def _create(client, world, length: int, **fields: str):  # noqa: ANN001, ANN202
    return client.post(reverse("api_upload_create", args=[world.ann.pk]), **TUS,
                       HTTP_UPLOAD_LENGTH=str(length),
                       HTTP_UPLOAD_METADATA=metadata(**{"filename": "squat.mp4", **fields}))


def _patch(client, location: str, offset: int, data: bytes, checksum: str | None = None):  # noqa: ANN001, ANN202
    extra = {"HTTP_UPLOAD_CHECKSUM": checksum} if checksum else {}
    return client.generic("PATCH", location, data, content_type="application/offset+octet-stream",
                          HTTP_UPLOAD_OFFSET=str(offset), **TUS, **extra)


def _sha1(data: bytes) -> str:
    return "sha1 " + base64.b64encode(hashlib.sha1(data).digest()).decode()


def test_upload_in_chunks_becomes_the_video(client, world, make_clip) -> None:
    data = make_clip().read_bytes()
    client.force_login(world.coach)
    created = _create(client, world, len(data), title="Morning squats", movement="squat")
    assert created.status_code == 201 and created["Tus-Resumable"] == "1.0.0"
    assert created["Upload-Expires"].endswith("GMT")
    location = created["Location"]
    assert client.head(location, **TUS)["Upload-Offset"] == "0"
    half = len(data) // 2
    first = _patch(client, location, 0, data[:half], _sha1(data[:half]))
    assert first.status_code == 204 and first["Upload-Offset"] == str(half)
    stale = _patch(client, location, 0, data[:half])
    assert stale.status_code == 409  # offsets must match: nothing is written twice
    wrong = _patch(client, location, half, data[half:], _sha1(b"something else"))
    assert wrong.status_code == 460 and client.head(location, **TUS)["Upload-Offset"] == str(half)
    last = _patch(client, location, half, data[half:], _sha1(data[half:]))
    assert last.status_code == 204, last.content
    upload = TusUpload.objects.get()
    video = upload.video
    assert last["PoseCoach-Video"] == reverse("video_detail", args=[video.pk])
    assert (video.title, video.movement, video.original_name) == ("Morning squats", "squat", "squat.mp4")
    assert Path(video.file.path).read_bytes() == data
    assert Analysis.objects.filter(video=video).count() == 1
    assert upload.state == UploadState.DONE and not upload.temp_path.exists()
    status = client.get(location).json()
    assert status["video"] == video.pk and status["offset"] == len(data)
    assert _patch(client, location, len(data), b"x").status_code in (400, 403)


def test_a_bad_file_is_refused_when_complete(client, world) -> None:
    data = b"<html>not a video</html>" * 10
    videos = Video.objects.count()
    client.force_login(world.coach)
    location = _create(client, world, len(data))["Location"]
    refused = _patch(client, location, 0, data)
    assert refused.status_code == 400 and "HTML" in refused.content.decode()
    assert Video.objects.count() == videos
    upload = TusUpload.objects.get()
    assert upload.state == UploadState.FAILED and not upload.temp_path.exists()
    assert "HTML" in client.get(location).json()["error"]


def test_creation_refusals(client, world, settings) -> None:
    client.force_login(world.coach)
    url = reverse("api_upload_create", args=[world.ann.pk])
    assert client.post(url, HTTP_UPLOAD_LENGTH="10").status_code == 412
    assert _create(client, world, settings.UPLOAD_MAX_BYTES + 1).status_code == 413
    assert "not a video file" in _create(client, world, 10, filename="notes.txt").content.decode()
    assert _create(client, world, 10, movement="flying").status_code == 400
    assert client.post(url, **TUS, HTTP_UPLOAD_LENGTH="ten",
                       HTTP_UPLOAD_METADATA=metadata(filename="a.mp4")).status_code == 400
    assert client.post(url, **TUS, HTTP_UPLOAD_LENGTH="10",
                       HTTP_UPLOAD_METADATA="filename %%%").status_code == 400
    assert not TusUpload.objects.exists()
    for _ in range(MAX_OPEN_UPLOADS):
        TusUpload.objects.create(user=world.coach, athlete=world.ann, length=5, metadata={})
    assert _create(client, world, 10).status_code == 429
    options = client.options(url)  # discovery needs no credentials
    assert options.status_code == 204 and "checksum" in options["Tus-Extension"]
    assert options["Tus-Max-Size"] == str(settings.UPLOAD_MAX_BYTES)
    assert "sha1" in options["Tus-Checksum-Algorithm"]


def test_only_its_maker_sees_an_upload(client, world) -> None:
    client.force_login(world.coach)
    location = _create(client, world, 100)["Location"]
    client.force_login(world.ann_user)  # the athlete of the video, not the one uploading
    assert client.head(location, **TUS).status_code == 404
    assert _patch(client, location, 0, b"x").status_code == 404
    world.team.athletes_can_upload = True
    world.team.save()
    assert _create(client, world, 100).status_code == 201  # her own videos, the team allows it
    assert client.post(reverse("api_upload_create", args=[world.al.pk]), **TUS).status_code == 404


def test_termination(client, world) -> None:
    client.force_login(world.coach)
    location = _create(client, world, 100)["Location"]
    _patch(client, location, 0, b"x" * 40)
    path = TusUpload.objects.get().temp_path
    assert path.stat().st_size == 40
    assert client.delete(location, **TUS).status_code == 204
    assert not path.exists() and not TusUpload.objects.exists()
    assert client.head(location, **TUS).status_code == 404


def test_expired_uploads_are_refused_then_cleaned(client, world, settings) -> None:
    client.force_login(world.coach)
    location = _create(client, world, 100)["Location"]
    _patch(client, location, 0, b"x" * 40)
    upload = TusUpload.objects.get()
    settings.TEMP_MAX_AGE_S = 60
    old = time.time() - 120
    TusUpload.objects.filter(pk=upload.pk).update(updated_at=upload.updated_at.fromtimestamp(old, tz=upload.updated_at.tzinfo))
    assert _patch(client, location, 40, b"y").status_code == 410
    os.utime(upload.temp_path, (old, old))
    keep = TusUpload.objects.create(user=world.coach, athlete=world.ann, length=5,
                                    metadata={"filename": "a.mp4"})
    keep.temp_path.touch()
    temp_cleanup_task()  # the hourly beat task
    assert not upload.temp_path.exists() and list(TusUpload.objects.all()) == [keep]
    assert keep.temp_path.exists()
    assert Path(settings.FILE_UPLOAD_TEMP_DIR) == upload.temp_path.parent
    assert client.head(reverse("api_upload", args=[uuid.uuid4()]), **TUS).status_code == 404


def test_session_uploads_need_the_csrf_token(world) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.coach)
    refused = browser.post(reverse("api_upload_create", args=[world.ann.pk]), **TUS,
                           HTTP_UPLOAD_LENGTH="10", HTTP_UPLOAD_METADATA=metadata(filename="a.mp4"))
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert not TusUpload.objects.exists()
