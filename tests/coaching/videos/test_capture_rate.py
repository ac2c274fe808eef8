"""The capture rate of slow motion stored at playback rate: given at upload or on the video page,
validated with a message, handed to the analysis, a change re-runs it, and the report says which
rate its times use."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coaching.analysis.models import Analysis
from coaching.analysis.stages import analysis_config
from coaching.videos.forms import CaptureRateForm, VideoUploadForm
from coaching.videos.models import Video

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("value", "message"), [
    ("fast", "Enter the capture rate as a number of frames per second"),
    ("0", "at least 1 fps"),
    ("-240", "at least 1 fps"),
    ("5000", "at most 1000 fps"),
])  # fmt: skip
def test_a_bad_capture_rate_gets_a_message(value: str, message: str) -> None:
    for form in (CaptureRateForm({"capture_fps": value}), VideoUploadForm({"capture_fps": value})):
        assert not form.is_valid()
        assert any(message in e for e in form.errors["capture_fps"]), form.errors


def _upload(client, world, clip: bytes, **fields: str):  # noqa: ANN001, ANN202
    return client.post(reverse("video_upload", args=[world.ann.pk]),
                       {"file": SimpleUploadedFile("slow.mp4", clip, content_type="video/mp4"), **fields})  # fmt: skip


def test_upload_keeps_a_capture_rate_and_the_analysis_uses_it(client, world, make_clip) -> None:
    clip = make_clip(frames=24, fps=24).read_bytes()
    client.force_login(world.coach)
    response = _upload(client, world, clip, capture_fps="96")
    assert response.status_code == 201, response.content
    video = Video.objects.get(pk=response.json()["id"])
    assert video.capture_fps == 96.0 and video.timeline_fps == 96.0
    assert video.timeline_duration_s == pytest.approx(video.duration_s / 4)
    config, _ = analysis_config(video.analyses.get())
    assert config.capture_fps == 96.0 and config.time_scale(video.fps) == pytest.approx(0.25)


def test_upload_refuses_a_capture_rate_below_the_files_rate(client, world, make_clip) -> None:
    clip = make_clip(frames=24, fps=24).read_bytes()
    client.force_login(world.coach)
    before = Video.objects.count()
    response = _upload(client, world, clip, capture_fps="12")
    assert response.status_code == 400
    assert "below the video's own rate (24 fps)" in response.json()["error"]
    assert Video.objects.count() == before
    response = _upload(client, world, clip, capture_fps="a lot")
    assert response.status_code == 400 and "number of frames per second" in response.json()["error"]


def _set_rate(client, video: Video, value: str):  # noqa: ANN202
    return client.post(reverse("video_capture_rate", args=[video.pk]), {"capture_fps": value}, follow=True)


def test_changing_the_capture_rate_on_the_video_page_reruns_the_analysis(client, world) -> None:
    video = world.video  # 24 fps
    client.force_login(world.coach)
    page = client.get(reverse("video_detail", args=[video.pk])).content.decode()
    assert 'id="capture-rate-form"' in page and "the file's own, 24 fps" in page
    runs = Analysis.objects.filter(video=video).count()
    response = _set_rate(client, video, "240")
    video.refresh_from_db()
    assert video.capture_fps == 240.0 and Analysis.objects.filter(video=video).count() == runs + 1
    assert "Capture rate set to 240 fps; a new analysis was queued." in [str(m) for m in get_messages(response.wsgi_request)]
    assert "240 fps: slow motion stored at 24 fps" in response.content.decode()
    again = _set_rate(client, video, "240")
    assert Analysis.objects.filter(video=video).count() == runs + 1
    assert "The capture rate is unchanged." in [str(m) for m in get_messages(again.wsgi_request)]
    _set_rate(client, video, "")  # back to the file's own rate: another run
    video.refresh_from_db()
    assert video.capture_fps is None and Analysis.objects.filter(video=video).count() == runs + 2


@pytest.mark.parametrize(("value", "message"), [
    ("12", "The capture rate (12 fps) is below the video&#x27;s own rate (24 fps)"),
    ("nope", "Enter the capture rate as a number of frames per second"),
    ("100000", "at most 1000 fps"),
])  # fmt: skip
def test_a_bad_rate_on_the_video_page_is_a_message_not_a_new_run(client, world, value: str, message: str) -> None:
    client.force_login(world.coach)
    runs = Analysis.objects.filter(video=world.video).count()
    response = _set_rate(client, world.video, value)
    assert response.status_code == 200 and message in response.content.decode()
    world.video.refresh_from_db()
    assert world.video.capture_fps is None and Analysis.objects.filter(video=world.video).count() == runs


def test_the_report_shows_the_rate_its_times_use(client, world) -> None:
    analysis = world.analysis
    client.force_login(world.coach)
    analysis.summary = {"pose": {"video": {"fps": 60.0}, "config": {"capture_fps": 240.0}}}
    analysis.save()
    page = client.get(reverse("analysis_report", args=[analysis.pk])).content.decode()
    assert "Timed at the capture rate, 240 fps (the file stores 60 fps)" in page
    analysis.summary = {"pose": {"video": {"fps": 29.97}, "config": {"capture_fps": None}}}
    analysis.save()
    page = client.get(reverse("analysis_report", args=[analysis.pk])).content.decode()
    assert "Timed at the file's own rate, 29.97 fps." in page and "#capture-rate-form" in page


def test_a_resumable_upload_carries_the_capture_rate_and_its_checks(client, world) -> None:
    """The tus endpoint reads the same form: a bad rate is refused at creation with the reason."""
    from tests.coaching.api.tus_client import metadata

    client.force_login(world.coach)
    url = reverse("api_upload_create", args=[world.ann.pk])
    refused = client.post(url, HTTP_TUS_RESUMABLE="1.0.0", HTTP_UPLOAD_LENGTH="10",
                          HTTP_UPLOAD_METADATA=metadata(filename="slow.mp4", capture_fps="5000"))  # fmt: skip
    assert refused.status_code == 400 and "at most 1000 fps" in refused.content.decode()
    created = client.post(url, HTTP_TUS_RESUMABLE="1.0.0", HTTP_UPLOAD_LENGTH="10",
                          HTTP_UPLOAD_METADATA=metadata(filename="slow.mp4", capture_fps="240"))  # fmt: skip
    assert created.status_code == 201
