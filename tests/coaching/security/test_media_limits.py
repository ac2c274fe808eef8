"""Issue 21 item 2: the work an upload causes is bounded by what is really in the file. Crafted
files through the real upload endpoint: a 700 s clip whose headers say 10 s, the review's
599,000 frames of 16x16 at 1000 fps, too many frames, edit-list pre-roll, and an MJPEG MKV that
declares 64x64 but holds 12000x12000 frames (refused at upload, or by the worker's frame reader)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coaching.analysis.models import Analysis, Status
from coaching.analysis.runner import analysis_run
from coaching.videos.models import Video
from inference.video import VideoError, iter_frames, probe
from tests.coaching.security import crafted

pytestmark = pytest.mark.django_db


def _upload(client, world, path: Path):
    client.force_login(world.coach)
    upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="video/mp4")
    started = time.monotonic()
    response = client.post(reverse("video_upload", args=[world.ann.pk]), {"file": upload})
    return response, time.monotonic() - started


def test_duration_comes_from_the_packets_not_the_headers(client, world, tmp_path) -> None:
    clip = crafted.header_lies_about_duration(tmp_path / "lie.mp4", real_s=700, claimed_s=10)
    response, _ = _upload(client, world, clip)
    assert response.status_code == 400
    assert "11.7 min long; the limit is 10 min" in response.json()["error"]
    assert not Video.objects.filter(original_name="lie.mp4").exists()


def test_the_reviews_599000_frames_at_1000_fps_are_refused_at_once(client, world, tmp_path) -> None:
    clip = crafted.dense_tiny_frames(tmp_path / "dense.mp4", fps=1000, seconds=599)
    assert clip.stat().st_size < 9_000_000  # the review's file: 7.8 MB
    response, took = _upload(client, world, clip)
    assert response.status_code == 400 and "1000 frames per second" in response.json()["error"]
    assert took < 5  # was 11 s of demuxing in the request, then ~12 h of worker time
    with pytest.raises(VideoError, match="could not be checked within"):
        probe(clip, budget_s=0.2)  # no rate or frame limit: the time budget still stops it


def test_frame_count_is_limited(client, world, tmp_path, settings) -> None:
    clip = crafted.dense_tiny_frames(tmp_path / "many.mp4", fps=240, seconds=320)  # 76,800 frames
    response, _ = _upload(client, world, clip)
    assert response.status_code == 400
    assert f"more than {settings.UPLOAD_MAX_FRAMES:,} frames" in response.json()["error"]


def test_frame_count_is_the_frames_shown(client, world, tmp_path) -> None:
    clip = crafted.with_preroll(tmp_path / "trimmed.mp4", frames=48, preroll=10)
    response, _ = _upload(client, world, clip)
    assert response.status_code == 201, response.content
    video = Video.objects.get(pk=response.json()["id"])
    assert video.frame_count == 38 == sum(1 for _ in iter_frames(video.file.path))
    assert video.duration_s == pytest.approx(38 / 24, abs=0.01)


def test_huge_frame_near_the_end_is_refused_at_upload(client, world, tmp_path) -> None:
    clip = crafted.mjpeg_small_then_huge(tmp_path / "huge.mkv", small=30, huge_at=list(range(25, 30)))
    response, _ = _upload(client, world, clip)
    assert response.status_code == 400 and "huge.mkv" in response.json()["error"]


def test_huge_frame_in_the_middle_fails_the_analysis_with_a_message(client, world, tmp_path, monkeypatch) -> None:
    from coaching.analysis import tasks

    monkeypatch.setattr(tasks.run_analysis, "apply_async", lambda **kw: None)
    clip = crafted.mjpeg_small_then_huge(tmp_path / "middle.mkv", small=30, huge_at=[12])
    response, _ = _upload(client, world, clip)
    assert response.status_code == 201  # the probe decodes two frames, not every one
    video = Video.objects.get(pk=response.json()["id"])
    with pytest.raises(VideoError, match="larger than 35 megapixels"):
        list(iter_frames(video.file.path))
    analysis = Analysis.objects.get(video=video)
    analysis_run(analysis_id=analysis.pk)
    analysis.refresh_from_db()
    assert analysis.status == Status.FAILED and "megapixels" in analysis.error
