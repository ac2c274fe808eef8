"""Upload validation with real files: good clips are stored and queued; bad ones get a clear
message and leave no file and no row."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coaching.analysis.models import Analysis, Status
from coaching.videos.models import Video

pytestmark = pytest.mark.django_db


def _stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _temp_files() -> set[Path]:
    return {p for p in Path(settings.FILE_UPLOAD_TEMP_DIR).rglob("*") if p.is_file()}


@pytest.fixture
def no_new_temp_files():  # noqa: ANN201
    """After the test, no temporary file the test made is left (unfinished resumable uploads of
    other tests may sit in the same folder on purpose: they can still be resumed)."""
    before = _temp_files()
    yield
    assert not _temp_files() - before


def _post(client, world, name: str, data: bytes, **fields: str):
    upload = SimpleUploadedFile(name, data, content_type="video/mp4")
    return client.post(reverse("video_upload", args=[world.ann.pk]), {"file": upload, **fields})


def _bad_files(clip: bytes) -> dict[str, tuple[str, bytes, str]]:
    ok, png = cv2.imencode(".png", np.zeros((8, 8, 3), np.uint8))
    return {
        "truncated_half": ("cut.mp4", clip[: len(clip) // 2], "damaged"),
        "truncated_tail": ("cut.mp4", clip[: len(clip) - 200], "truncated"),
        "text": ("notes.mp4", b"Squat session notes: go deeper.\n" * 20, "text file"),
        "zero": ("empty.mp4", b"", "empty"),
        "png": ("photo.mp4", png.tobytes(), "PNG image"),
        "html": ("page.mp4", b"<!DOCTYPE html><html><body>hi</body></html>", "HTML"),
        "random_behind_header": ("noise.mp4", clip[:32] + np.random.default_rng(1).bytes(50_000), "could not be read"),
        "wrong_extension": ("clip.txt", clip, ".mp4"),
    }


@pytest.fixture
def clip_bytes(make_clip) -> bytes:
    return make_clip(frames=48, size=(160, 96)).read_bytes()


def test_good_clip_is_stored_and_queued(client, world, clip_bytes, no_new_temp_files) -> None:
    client.force_login(world.coach)
    before = Video.objects.count()
    response = _post(client, world, "squat.mp4", clip_bytes, title="Squat 1", recorded_on="2026-11-20")
    assert response.status_code == 201, response.content
    video = Video.objects.get(pk=response.json()["id"])
    assert Video.objects.count() == before + 1
    assert (video.title, str(video.recorded_on), video.width, video.height) == ("Squat 1", "2026-11-20", 160, 96)
    assert video.frame_count == 48 and video.codec == "h264"
    assert Path(video.file.path).read_bytes() == clip_bytes
    assert Analysis.objects.get(video=video).status == Status.PENDING


@pytest.mark.parametrize("case", list(_bad_files(b"x" * 100)))
def test_bad_upload_is_rejected_cleanly(client, world, clip_bytes, case: str, no_new_temp_files) -> None:
    name, data, expected = _bad_files(clip_bytes)[case]
    client.force_login(world.coach)
    videos, analyses, files = Video.objects.count(), Analysis.objects.count(), _stored_files()
    response = _post(client, world, name, data)
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False
    assert expected.lower() in body["error"].lower(), body["error"]
    assert Video.objects.count() == videos and Analysis.objects.count() == analyses
    assert _stored_files() == files


def test_over_size_limit_is_rejected_while_streaming(client, world, clip_bytes, settings, no_new_temp_files) -> None:
    settings.UPLOAD_MAX_BYTES = 10_000
    client.force_login(world.coach)
    files = _stored_files()
    response = _post(client, world, "big.mp4", clip_bytes + b"\0" * 20_000)
    assert response.status_code == 413
    assert "limit" in response.json()["error"]
    assert _stored_files() == files


def test_over_duration_limit_is_rejected(client, world, make_clip, settings) -> None:
    settings.UPLOAD_MAX_DURATION_S = 1
    client.force_login(world.coach)
    long_clip = make_clip(frames=60, fps=24).read_bytes()  # 2.5 s
    response = _post(client, world, "long.mp4", long_clip)
    assert response.status_code == 400
    assert "limit is" in response.json()["error"]


def test_upload_handler_never_holds_the_file_in_memory(client, world, clip_bytes) -> None:
    from coaching.videos.upload import LimitedTemporaryFileUploadHandler

    handler = LimitedTemporaryFileUploadHandler()
    handler.new_file("file", "x.mp4", "video/mp4", len(clip_bytes))
    stream = io.BytesIO(clip_bytes)
    while chunk := stream.read(handler.chunk_size):
        handler.receive_data_chunk(chunk, 0)
    uploaded = handler.file_complete(len(clip_bytes))
    assert uploaded.temporary_file_path().startswith(settings.FILE_UPLOAD_TEMP_DIR)
    uploaded.close()
