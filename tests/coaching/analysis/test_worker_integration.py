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
from tests.truth import action_disagreements, load_truth

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
    # the pose stage: poses stored, the athlete found in > 90 % of frames, upright portrait
    from inference.posedata import PoseSequence

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
    # the segmentation and actions stages: masks, the athlete's outline, silhouette, moves
    assert analysis.masks and analysis.cutout and analysis.summary["silhouette"]["t"]
    cutout = json.loads(Path(analysis.cutout.path).read_text())
    assert sum(bool(rings) for rings in cutout["polygons"]) > 0.9 * len(cutout["times"])
    # the moves say nothing the frames do not show (bench/truth: a leg swing, no product class fits)
    segments, truth = analysis.summary["actions"]["segments"], load_truth(clip)
    assert segments and action_disagreements(segments, truth) == {}, analysis.summary["actions"]
    _team_trains_through_the_worker(client, world, analysis)


def _team_trains_through_the_worker(client, world, analysis) -> None:
    """Two labelled ranges in each of two videos (a team model needs ranges in two videos: Al's
    analysis is given this analysis' poses), *Train team model*: the gpu-queue task trains a
    version."""
    import time

    from django.core.files.base import ContentFile

    from coaching.learning.models import TeamActionModel

    other = world.analysis_al
    other.poses.save("poses.npz", ContentFile(Path(analysis.poses.path).read_bytes()), save=False)
    other.summary = {"pose": analysis.summary["pose"]}
    other.save()
    other.video.duration_s = analysis.video.duration_s
    other.video.save()
    for labelled in (analysis, other):
        for start, end in ((0.0, 0.8), (0.8, 1.6)):
            client.post(reverse("label_create", args=[labelled.pk]), {"label": "lunge", "start": start, "end": end})
    client.post(reverse("team_moves_train", args=[world.team.pk]))
    row = TeamActionModel.objects.get(team=world.team)
    deadline = time.monotonic() + 240
    while row.status in ("pending", "running"):
        assert time.monotonic() < deadline, (row.status, row.message)
        time.sleep(0.5)
        row.refresh_from_db()
    assert row.status == "done", row.error
    assert "lunge" in row.classes and row.file and row.decision


def _pool_children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_killed_worker_process_run_completes_exactly_once(client, world, celery_worker_process) -> None:
    """SIGKILL the pool process in the middle of an analysis: the message comes back (acks late,
    reject on worker lost), waits for the dead attempt's lease to run out, and completes once."""
    import os
    import signal
    import time

    from coaching.analysis.models import Analysis

    clip = shared_clip("indoor_two_people_1080p.mp4")
    client.force_login(world.coach)
    upload = SimpleUploadedFile(clip.name, clip.read_bytes(), content_type="video/mp4")
    video_id = client.post(reverse("video_upload", args=[world.al.pk]), {"file": upload}).json()["id"]
    deadline = time.monotonic() + 60
    while True:
        analysis = Analysis.objects.get(video_id=video_id)
        if analysis.status == "running" and analysis.stage == "pose":
            break
        assert analysis.status in ("pending", "running"), analysis.error
        assert time.monotonic() < deadline, "the run never reached the pose stage"
        time.sleep(0.05)
    children = _pool_children(celery_worker_process.pid)
    assert children, "the worker has no pool process"
    for child in children:
        os.kill(child, signal.SIGKILL)
    analysis = wait_for_analysis(video_id, timeout=180)
    assert analysis.status == "done", analysis.error
    assert analysis.attempts == 2
    assert analysis.progress == 100 and analysis.poses and analysis.proxy
    stored = list(Path(analysis.proxy.path).parent.iterdir())
    from coaching.analysis.models import ANALYSIS_FILES

    owned = [getattr(analysis, name) for name in ANALYSIS_FILES]
    assert sorted(p.name for p in stored) == sorted(Path(f.name).name for f in owned if f)
    assert Analysis.objects.filter(video_id=video_id).count() == 1


def test_bad_video_fails_once_without_retry(world, celery_worker_process) -> None:
    from django.core.files.base import ContentFile

    from coaching.analysis.models import Analysis
    from coaching.analysis.services import analysis_create

    world.video_al.file.save("broken.mp4", ContentFile(b"\0" * 5000), save=True)
    analysis = analysis_create(video=world.video_al)
    done = wait_for_analysis(world.video_al.pk, timeout=60)
    assert done.pk == analysis.pk and done.status == "failed"
    assert "damaged" in done.error and done.attempts == 1
    assert Analysis.objects.get(pk=analysis.pk).attempts == 1


def test_broker_down_during_upload_then_back(client, world, celery_worker_process, monkeypatch) -> None:
    """A private Redis that is down at upload time: the upload succeeds at once and the run
    waits as PENDING; once that Redis is up, the sweeper (what celery beat runs every minute)
    sends it and a real worker on that broker completes it."""
    import time
    from datetime import timedelta

    from django.utils import timezone

    from coaching.analysis.models import Analysis
    from coaching.analysis.runner import analysis_sweep
    from tests.support import DownBroker

    with DownBroker(monkeypatch) as broker:
        clip = shared_clip("lab_walk_portrait_60fps.mp4")
        client.force_login(world.coach)
        began = time.monotonic()
        upload = SimpleUploadedFile(clip.name, clip.read_bytes(), content_type="video/mp4")
        response = client.post(reverse("video_upload", args=[world.al.pk]), {"file": upload})
        assert response.status_code == 201 and time.monotonic() - began < 10
        analysis = Analysis.objects.get(video_id=response.json()["id"])
        assert analysis.status == "pending" and analysis.enqueued_at is None
        broker.bring_up()
        assert analysis_sweep(now=timezone.now() + timedelta(minutes=1)) == [analysis.pk]
        done = wait_for_analysis(analysis.video_id, timeout=120)
        assert done.status == "done" and done.attempts == 1
