"""The annotated MP4: rendered by the service a worker runs, with the coach's drawing only inside
its time range and the comment as a caption; scoped views."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from coaching.analysis.models import Status
from coaching.reports.models import Render
from coaching.reports.services import render_run
from coaching.reviews.models import Annotation, Comment
from inference.render import angle_at
from inference.video import iter_frames, probe

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(world, make_clip):
    """Ann's DONE analysis with a 320x200 24 fps proxy, a green line from 0.5 to 1.0 s and a
    comment at 0.25–0.75 s."""
    clip = make_clip(frames=36, size=(320, 200), fps=24)
    video = world.video
    video.width, video.height = 320, 200
    video.save()
    world.analysis.proxy.save("proxy.mp4", ContentFile(clip.read_bytes()), save=True)
    Annotation.objects.create(video=video, author=world.coach, kind="line", t_start=0.5, t_end=1.0,
                              geometry={"points": [[20, 150], [300, 150]]}, colour="#00ff00")
    Comment.objects.create(video=video, author=world.coach, body="Knees out here", t_start=0.25,
                           t_end=0.75)
    return world.analysis


def _green(image: np.ndarray) -> bool:
    row = image[148:153, 60:260].astype(int)  # BGR
    return bool(((row[..., 1] > 180) & (row[..., 0] < 90) & (row[..., 2] < 90)).mean() > 0.5)


def test_render_draws_review_layers_at_their_times(world, reviewed) -> None:
    render = Render.objects.create(analysis=reviewed, requested_by=world.coach)
    render_run(render_id=render.pk)
    render.refresh_from_db()
    assert render.status == Status.DONE, render.error
    info = probe(render.file.path)
    assert (info.codec, info.width, info.height, info.frame_count) == ("h264", 320, 200, 36)
    frames = list(iter_frames(render.file.path))
    for image, t in frames:
        assert _green(image) == (0.5 <= t <= 1.0), t
    caption_rows = {round(t, 3): image[185:200, 20:300].mean() for image, t in frames}
    plain = {round(t, 3): image[185:200, 20:300].mean() for image, t in iter_frames(reviewed.proxy.path)}
    darker = [t for t in caption_rows if caption_rows[t] < plain[t] - 5]
    assert darker and min(darker) >= 0.25 - 1e-3 and max(darker) <= 0.75 + 1e-3


def test_render_without_review_layers(world, reviewed) -> None:
    render = Render.objects.create(analysis=reviewed, requested_by=world.coach, include_review=False)
    render_run(render_id=render.pk)
    render.refresh_from_db()
    assert render.status == Status.DONE
    assert not any(_green(image) for image, _ in iter_frames(render.file.path))


def test_render_of_a_broken_proxy_fails_with_a_message(world) -> None:
    world.analysis.proxy.save("proxy.mp4", ContentFile(b"\0" * 100), save=True)
    render = Render.objects.create(analysis=world.analysis, requested_by=world.coach)
    render_run(render_id=render.pk)
    render.refresh_from_db()
    assert render.status == Status.FAILED and render.error


def test_render_views(client, world, django_capture_on_commit_callbacks, monkeypatch) -> None:
    from coaching.reports import tasks

    sent: list[dict] = []
    monkeypatch.setattr(tasks.run_render, "apply_async", lambda **kw: sent.append(kw))
    client.force_login(world.coach)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("render_start", args=[world.analysis.pk]))
    assert response.status_code == 202 and sent[0]["queue"] == "default"
    status = client.get(response.json()["status_url"]).json()
    assert status["status"] == "pending"
    done = client.get(reverse("render_status", args=[world.render.pk])).json()
    assert done["file_url"] == reverse("render_file", args=[world.render.pk])


def test_angle_of_three_points() -> None:
    assert angle_at([[0, 10], [0, 0], [10, 0]]) == pytest.approx(90)
    assert angle_at([[10, 0], [0, 0], [-10, 0]]) == pytest.approx(180)
