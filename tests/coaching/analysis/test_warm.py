"""A worker that takes analyses warms their models when its pool process starts."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_a_worker_on_the_analysis_queue_warms_the_models_once_at_start(celery_worker_process) -> None:
    """The session's real worker (queues gpu and default) logs the warm-up of its pool process:
    pose, segmentation and actions, each once."""
    log = Path(settings.VAR_DIR) / "worker-test.log"
    deadline = time.monotonic() + 180  # TensorFlow's start on a busy 2-core machine
    while "analysis models warm:" not in log.read_text(errors="replace"):
        assert "warming the analysis models failed" not in log.read_text(errors="replace"), log.read_text()[-3000:]
        assert time.monotonic() < deadline, "no warm-up in the worker's log:\n" + log.read_text()[-3000:]
        time.sleep(0.5)
    lines = [line for line in log.read_text().splitlines() if "analysis models warm:" in line]
    assert len(lines) == 1  # one pool process (-c 1), warmed once
    assert all(f"{model} " in lines[0] for model in ("pose", "segmentation", "actions"))


def test_a_warm_worker_loads_no_model_for_the_videos_it_analyses(client, world, celery_worker_process) -> None:
    """Two uploads analysed one after the other by the session's real worker, after its warm-up:
    every stage runs, and no model is loaded while they do (each loader logs "model loaded:" when
    it loads one)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.support import shared_clip, wait_for_analysis

    log = Path(settings.VAR_DIR) / "worker-test.log"
    deadline = time.monotonic() + 180
    while "analysis models warm:" not in log.read_text(errors="replace"):
        assert time.monotonic() < deadline, "no warm-up in the worker's log:\n" + log.read_text()[-3000:]
        time.sleep(0.5)
    offset = log.stat().st_size
    clip = shared_clip("lab_walk_portrait_60fps.mp4")
    client.force_login(world.coach)
    analyses = []
    for _ in range(2):
        upload = SimpleUploadedFile(clip.name, clip.read_bytes(), content_type="video/mp4")
        response = client.post(reverse("video_upload", args=[world.al.pk]), {"file": upload})
        assert response.status_code == 201, response.content
        analyses.append(wait_for_analysis(response.json()["id"], timeout=300))
    for analysis in analyses:
        assert analysis.status == "done", analysis.error
        assert analysis.masks and analysis.summary["actions"]["segments"]  # segmentation and actions ran
    with log.open("rb") as fh:
        fh.seek(offset)
        written = fh.read().decode(errors="replace")
    assert "analysis.run" in written  # the two tasks' lines are in this part of the log
    assert [line for line in written.splitlines() if "model loaded:" in line] == []
    for i, analysis in enumerate(analyses, 1):  # docs/speed.md quotes these (pytest -s)
        run = (analysis.finished_at - analysis.started_at).total_seconds()
        print(f"video {i}: run {run:.2f} s, analyze() {analysis.timings['total']:.2f} s, outside analyze() "
              f"(settings, source, result files, storage, database) {run - analysis.timings['total']:.2f} s")
