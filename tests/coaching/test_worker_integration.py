"""End to end with real parts: a clip from ../shared/media uploaded through the view, a real
Celery worker process on Redis, PostgreSQL, and a playable proxy at the end."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inference.video import probe
from tests.support import shared_clip, wait_for_analysis

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_upload_is_analysed_by_a_real_worker(client, world, celery_worker_process) -> None:
    clip = shared_clip("lab_walk_portrait_60fps.mp4")
    client.force_login(world.coach)
    upload = SimpleUploadedFile(clip.name, clip.read_bytes(), content_type="video/mp4")
    response = client.post(reverse("video_upload", args=[world.al.pk]), {"file": upload})
    assert response.status_code == 201, response.content
    analysis = wait_for_analysis(response.json()["id"])
    assert analysis.status == "done", analysis.error
    assert analysis.worker_host and analysis.started_at <= analysis.finished_at
    info = probe(analysis.proxy.path)
    # portrait stays portrait; long side capped at 1280; every frame kept
    assert (info.codec, info.width, info.height, info.frame_count) == ("h264", 720, 1280, 100)
    # the pose stage: poses stored, the walker found in > 90 % of frames, upright portrait
    from inference.pose.base import PoseSequence

    poses = PoseSequence.load(analysis.poses.path)
    pose = analysis.summary["pose"]
    assert poses.keypoints.shape[0] == 100 and poses.size == (1080, 1920)
    assert pose["frames_with_athlete"] > 90
    athlete = poses.keypoints[:, list(poses.track_ids).index(pose["athlete_track_id"])]
    head_y, ankles_y = np.nanmedian(athlete[:, 0, 1]), np.nanmedian(athlete[:, [27, 28], 1])
    assert head_y < ankles_y - 400  # head well above the ankles in a 1920-tall frame
    overlay = json.loads(Path(analysis.overlay.path).read_text())
    assert overlay["athlete"] == pose["athlete_track_id"] and len(overlay["t"]) >= 50
    status = client.get(reverse("video_status", args=[response.json()["id"]])).json()
    assert status["status"] == "done" and status["progress"] == 100
