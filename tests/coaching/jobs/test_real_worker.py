"""Every kind of job against real processes: a Celery worker on PostgreSQL and Redis whose pool
process is SIGKILLed in the middle of the job (the job completes exactly once, on the next
attempt, with no stray file), and a broker that is down when the jobs start (they wait PENDING
and a real worker completes them once the sweeper sends them). The analysis's own runs are in
tests/coaching/analysis/test_worker_integration.py."""

from __future__ import annotations

import io
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from coaching.jobs.files import folder_files
from coaching.jobs.models import Job, JobStatus
from tests.coaching.jobs.kinds import kind_named
from tests.support import label_for_training, shared_clip

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _with_poses(*analyses: Any) -> None:
    """Give World analyses the real poses of a shared clip (BlazePose, tracked)."""
    from inference.pipeline import AnalysisConfig, analyze

    result = analyze(shared_clip("lab_walk_portrait_60fps.mp4"), AnalysisConfig(max_side=640, until="athlete"))
    buffer = io.BytesIO()
    result.poses.save(buffer)
    for analysis in analyses:
        analysis.poses.save("poses.npz", ContentFile(buffer.getvalue()), save=False)
        analysis.summary = {"pose": {"athlete_track_id": result.athlete_track_id}}
        analysis.save()


def _labelled(world: Any) -> None:
    """Ranges in two videos (the same clip's poses in Ann's and Al's analyses), as a team model needs."""
    _with_poses(world.analysis, world.analysis_al)
    label_for_training(world, spans=((0.0, 0.8), (0.8, 1.6)))


def _long_proxy(world: Any, make_clip: Any) -> None:
    """A proxy long enough that the render is still drawing when the worker is killed."""
    clip = make_clip(frames=480, size=(640, 360), fps=24)
    world.analysis.proxy.save("proxy.mp4", ContentFile(clip.read_bytes()), save=True)


def _start(name: str, world: Any) -> Job:
    """The services the views and the command call (each queues its job after commit)."""
    from coaching.analysis.services import analysis_create
    from coaching.learning.segmentation import segmentation_retrain_start
    from coaching.learning.services import analysis_relabel_enqueue, team_model_train_start
    from coaching.reports.services import render_create

    if name == "analysis":
        return analysis_create(video=world.video_al)
    if name == "render":
        return render_create(analysis=world.analysis, requested_by=world.coach)
    if name == "training":
        return team_model_train_start(team=world.team, requested_by=world.coach)
    if name == "re-labelling":
        return analysis_relabel_enqueue(analysis=world.analysis, requested_by=world.coach)
    if name == "athlete choice":
        return _click_the_athlete(world)
    return segmentation_retrain_start()


def _click_the_athlete(world: Any) -> Job:
    """The coach clicks the torso of the stored athlete at 0.5 s (an athlete-choice job)."""
    import numpy as np

    from coaching.analysis.models import AthleteChoice
    from coaching.analysis.services import analysis_set_athlete
    from inference.posedata import PoseSequence

    poses = PoseSequence.load(world.analysis.poses.path)
    frame = int(np.argmin(np.abs(poses.timestamps - 0.5)))
    x, y = np.nanmean(poses.keypoints[frame, 0, [11, 12, 23, 24], :2], axis=0)
    track = analysis_set_athlete(analysis=world.analysis, x=float(x), y=float(y), t=float(poses.timestamps[frame]),
                                 requested_by=world.coach)  # fmt: skip
    assert track is not None
    return AthleteChoice.objects.filter(analysis=world.analysis).latest("pk")


def _wait(job: Job, done: Any, timeout: float, what: str) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        job.refresh_from_db()
        if done(job):
            return job
        assert time.monotonic() < deadline, f"{what}: {job.status} {job.stage} {job.error}"
        time.sleep(0.05)


def _kill_pool(worker: Any) -> None:
    children = [int(p) for p in Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()]
    assert children, "the worker has no pool process"
    for child in children:
        os.kill(child, signal.SIGKILL)


def _only_its_files(job: Job) -> None:
    """The job's folder holds exactly the files its row refers to."""
    job.refresh_from_db()
    folder = job.storage_folder()
    if folder:
        owned = sorted(str(getattr(job, name).name) for name in job.FILE_FIELDS if getattr(job, name))
        assert sorted(folder_files(default_storage, folder)) == owned


@pytest.mark.parametrize(("name", "stage"), [("render", "drawing"), ("training", "training"),
                                             ("segmentation retraining", "training")])
def test_a_job_survives_a_sigkilled_worker(name, stage, world, make_clip, celery_worker_process) -> None:
    """SIGKILL the pool process in the middle of the job: the message comes back (acks late,
    reject on worker lost), waits for the dead attempt's lease to run out, and completes once."""
    if name == "render":
        _long_proxy(world, make_clip)
    if name == "training":
        _labelled(world)
    kind = kind_named(name)
    job = _start(name, world)
    _wait(job, lambda j: j.status == JobStatus.RUNNING and j.stage == stage, 240, "never reached " + stage)
    _kill_pool(celery_worker_process)
    job = _wait(job, lambda j: j.is_finished, 600, "did not finish after the kill")
    assert job.status == JobStatus.DONE, job.error
    assert job.attempts == 2 and job.progress == 100 and job.finished_at
    assert not kind.model.objects.filter(pk__gt=job.pk).exists()  # the same job, not a copy
    _only_its_files(job)


def test_relabel_survives_a_sigkilled_worker(world, celery_worker_process) -> None:
    """A relabel is quick: the test holds the analysis row locked, so the job's final summary
    write waits (RUNNING) while its worker is killed; then the lock goes and attempt 2 ends it."""
    import psycopg

    from tests.conftest import _test_database_url

    world.analysis.summary = {}
    _with_poses(world.analysis)
    with psycopg.connect(_test_database_url()) as holder:
        # NO KEY UPDATE: the job's row (a foreign key to the analysis) can still be inserted;
        # the summary helper's FOR UPDATE has to wait.
        holder.execute("SELECT id FROM analysis_analysis WHERE id = %s FOR NO KEY UPDATE",
                       [world.analysis.pk])
        job = _start("re-labelling", world)
        _wait(job, lambda j: j.status == JobStatus.RUNNING, 120, "never ran")
        time.sleep(1.0)  # labelling done, waiting for the row
        _kill_pool(celery_worker_process)
        holder.rollback()
    job = _wait(job, lambda j: j.is_finished, 300, "did not finish after the kill")
    assert job.status == JobStatus.DONE and job.attempts == 2, job.error
    world.analysis.refresh_from_db()
    assert world.analysis.summary["actions"]["segments"] is not None
    assert world.analysis.summary["pose"]  # the other sections are kept


def test_every_kind_waits_out_a_broker_outage(world, celery_worker_process, monkeypatch) -> None:
    """A private Redis that is down when every kind of job starts: nothing fails, each job waits
    as PENDING; once that Redis is up, the sweeper (celery beat's job) sends each of them and a
    real worker on that broker completes them."""
    from datetime import timedelta

    from django.utils import timezone

    from coaching.jobs.tasks import sweep_all
    from tests.support import DownBroker

    _labelled(world)
    names = ("analysis", "render", "training", "re-labelling", "segmentation retraining", "athlete choice")
    with DownBroker(monkeypatch) as broker:
        began = time.monotonic()
        jobs = [_start(name, world) for name in names]  # autocommit: each enqueues at once
        assert time.monotonic() - began < 30
        for job in jobs:
            job.refresh_from_db()
            assert (job.status, job.enqueued_at) == (JobStatus.PENDING, None), job
        broker.bring_up()
        assert sweep_all(now=timezone.now() + timedelta(minutes=1)) == len(names)
        for name, job in zip(names, jobs, strict=True):
            job = _wait(job, lambda j: j.is_finished, 600, f"{name} did not finish")
            assert job.status == JobStatus.DONE and job.attempts == 1, (name, job.error)
            assert kind_named(name).model is type(job)
