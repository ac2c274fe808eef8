"""The run's lease, attempts, conditional writes and the sweeper (database only; the real
worker process is in test_worker_integration.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from coaching.analysis import tasks
from coaching.analysis.models import Analysis, Status
from coaching.analysis.runner import (
    MAX_ATTEMPTS,
    Claim,
    analysis_claim,
    analysis_run,
    analysis_sweep,
)
from coaching.jobs.attempt import Attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch) -> list[dict]:
    calls: list[dict] = []
    monkeypatch.setattr(tasks.run_analysis, "apply_async", lambda **kw: calls.append(kw))
    return calls


def test_expired_lease_is_taken_over_and_the_old_attempt_loses_its_writes(world, settings) -> None:
    analysis = Analysis.objects.create(video=world.video)
    assert analysis_claim(analysis_id=analysis.pk) == (Claim.CLAIMED, 1)
    old = Attempt(Analysis, analysis.pk, 1)
    Analysis.objects.filter(pk=analysis.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=settings.ANALYSIS_LEASE_S + 1))
    assert analysis_claim(analysis_id=analysis.pk) == (Claim.CLAIMED, 2)
    assert old.update(status=Status.DONE, progress=100) is False
    assert Attempt(Analysis, analysis.pk, 2).update(progress=50) is True


def test_ended_runs_are_not_claimed(world) -> None:
    assert analysis_claim(analysis_id=world.analysis.pk)[0] is Claim.ENDED  # DONE
    assert analysis_claim(analysis_id=999_999)[0] is Claim.ENDED


def test_a_run_that_keeps_killing_workers_is_given_up(world) -> None:
    analysis = Analysis.objects.create(video=world.video, attempts=MAX_ATTEMPTS)
    assert analysis_run(analysis_id=analysis.pk) is Claim.ENDED
    analysis.refresh_from_db()
    assert analysis.status == Status.FAILED and "given up" in analysis.error


def test_broker_down_at_upload_then_the_sweeper_sends_it(world, monkeypatch, django_capture_on_commit_callbacks, sent) -> None:
    from coaching.analysis.services import analysis_create

    def down(**kwargs: object) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.run_analysis, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        analysis = analysis_create(video=world.video)
    analysis.refresh_from_db()
    assert analysis.status == Status.PENDING and analysis.enqueued_at is None
    monkeypatch.setattr(tasks.run_analysis, "apply_async", lambda **kw: sent.append(kw))
    assert analysis_sweep(now=timezone.now()) == []  # too fresh: the upload may still be sending
    assert analysis_sweep(now=timezone.now() + timedelta(minutes=1)) == [analysis.pk]
    assert sent == [{"args": [analysis.pk], "queue": "gpu"}]
    analysis.refresh_from_db()
    assert analysis.enqueued_at is not None
    assert analysis_sweep(now=timezone.now() + timedelta(minutes=1)) == []  # sent once


def test_sweeper_resends_runs_of_dead_workers_only(world, settings, sent) -> None:
    now = timezone.now()
    dead = Analysis.objects.create(video=world.video, status=Status.RUNNING, attempts=1,
                                   heartbeat_at=now - timedelta(seconds=3 * settings.ANALYSIS_LEASE_S))
    alive = Analysis.objects.create(video=world.video, status=Status.RUNNING, attempts=1,
                                    heartbeat_at=now)
    assert analysis_sweep(now=now) == [dead.pk]
    assert alive.pk not in [call["args"][0] for call in sent]


def test_busy_run_is_retried_after_the_lease(world, settings, monkeypatch) -> None:
    analysis = Analysis.objects.create(video=world.video)
    analysis_claim(analysis_id=analysis.pk)
    retried: list[dict] = []

    class Retry(Exception):
        pass

    def fake_retry(**kwargs: object) -> Exception:
        retried.append(kwargs)
        return Retry()

    monkeypatch.setattr(tasks.run_analysis, "retry", fake_retry)
    with pytest.raises(Retry):
        tasks.run_analysis.run(analysis.pk)
    assert retried[0]["countdown"] == settings.ANALYSIS_LEASE_S


def test_transient_storage_error_puts_the_run_back_then_it_completes(world, make_clip, monkeypatch) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage

    world.video.file.save("real.mp4", ContentFile(make_clip(frames=12).read_bytes()), save=True)
    analysis = Analysis.objects.create(video=world.video)
    real_save = FileSystemStorage._save
    failures = iter([True])

    def flaky_save(self, name, content):
        if next(failures, False):
            raise OSError(5, "Input/output error (NFS server not responding)")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", flaky_save)
    assert analysis_run(analysis_id=analysis.pk) is Claim.RETRY
    analysis.refresh_from_db()
    assert analysis.status == Status.PENDING and "Storage was unavailable" in analysis.error
    assert analysis.attempts == 0  # a storage wait is not a lost worker: no attempt spent
    assert analysis_run(analysis_id=analysis.pk) is Claim.ENDED
    analysis.refresh_from_db()
    assert analysis.status == Status.DONE and analysis.attempts == 1


def test_storage_waits_do_not_use_up_the_attempts(world, make_clip, monkeypatch) -> None:
    """More storage failures in a row than MAX_ATTEMPTS (what a storage outage of a minute gives
    with the task's backoff) still end DONE when the storage is back, not "given up"."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage

    from coaching.jobs.runner import MAX_ATTEMPTS

    world.video.file.save("real.mp4", ContentFile(make_clip(frames=12).read_bytes()), save=True)
    analysis = Analysis.objects.create(video=world.video)
    real_save = FileSystemStorage._save
    failures = iter([True] * (MAX_ATTEMPTS + 1))

    def flaky_save(self, name, content):
        if next(failures, False):
            raise OSError(5, "Input/output error")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", flaky_save)
    for _ in range(MAX_ATTEMPTS + 1):
        assert analysis_run(analysis_id=analysis.pk) is Claim.RETRY
    assert analysis_run(analysis_id=analysis.pk) is Claim.ENDED
    analysis.refresh_from_db()
    assert (analysis.status, analysis.attempts, analysis.error) == (Status.DONE, 1, "")


def test_task_backs_off_on_storage_errors_then_gives_up(world, monkeypatch) -> None:
    from coaching.analysis import runner

    analysis = Analysis.objects.create(video=world.video)
    monkeypatch.setattr(tasks, "analysis_run", lambda **kw: runner.Claim.RETRY)
    countdowns: list[object] = []

    class Retry(Exception):
        pass

    def fake_retry(**kwargs: object) -> Exception:
        countdowns.append(kwargs["countdown"])
        return Retry()

    monkeypatch.setattr(tasks.run_analysis, "retry", fake_retry)
    for attempt in range(tasks.STORAGE_RETRIES):
        tasks.run_analysis.push_request(retries=attempt)
        with pytest.raises(Retry):
            tasks.run_analysis.run(analysis.pk)
        tasks.run_analysis.pop_request()
    assert countdowns == [10, 20, 40, 80, 160]
    tasks.run_analysis.push_request(retries=tasks.STORAGE_RETRIES)
    tasks.run_analysis.run(analysis.pk)
    tasks.run_analysis.pop_request()
    analysis.refresh_from_db()
    assert analysis.status == Status.FAILED and "storage stayed unavailable" in analysis.error


def test_missing_original_fails_without_retry(world) -> None:
    from pathlib import Path

    Path(world.video.file.path).unlink()
    analysis = Analysis.objects.create(video=world.video)
    assert analysis_run(analysis_id=analysis.pk) is Claim.ENDED
    analysis.refresh_from_db()
    assert analysis.status == Status.FAILED and "missing from storage" in analysis.error


def test_run_stuck_past_the_hard_limit_is_failed_and_can_be_rerun(world, settings, sent) -> None:
    now = timezone.now()
    stuck = Analysis.objects.create(
        video=world.video, status=Status.RUNNING, attempts=1, heartbeat_at=now,
        started_at=now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 2 * settings.ANALYSIS_LEASE_S))
    analysis_sweep(now=now)
    stuck.refresh_from_db()
    assert stuck.status == Status.FAILED and "time limit" in stuck.error
    from coaching.analysis.services import analysis_rerun

    assert analysis_rerun(video=world.video).status == Status.PENDING


def test_publishing_to_a_dead_broker_fails_fast_and_is_caught() -> None:
    """The real Redis client against a port where nothing listens: the publish retry policy
    gives up within seconds (an upload never hangs on a down broker) with kombu's
    OperationalError, the error analysis_enqueue turns into "wait for the sweeper"."""
    import socket
    import time

    from coaching.celery import app

    with socket.socket() as probe_socket:  # a free port: nothing listens there
        probe_socket.bind(("127.0.0.1", 0))
        port = probe_socket.getsockname()[1]
    began = time.monotonic()
    with pytest.raises(OperationalError), app.connection_for_write(f"redis://127.0.0.1:{port}/0") as conn:
        tasks.run_analysis.apply_async(args=[1], queue="gpu", connection=conn)
    assert time.monotonic() - began < 5
