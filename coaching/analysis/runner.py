"""Running an analysis on a worker: the claim, the lease, progress, the end states, and the
sweeper that recovers runs a dead worker or a down broker left behind.

Each run is claimed with a conditional UPDATE (PENDING → RUNNING, or RUNNING whose lease has
expired → RUNNING again with the next attempt number). The worker renews the lease with a
heartbeat; every later write is conditional on (status RUNNING, this attempt), so a worker that
lost its lease can no longer change the run. A message delivered while another worker holds a
live lease is retried after the lease time, so a killed worker's run completes exactly once.
"""

from __future__ import annotations

import enum
import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import close_old_connections
from django.db.models import F, Q
from django.utils import timezone

from coaching.analysis.models import Analysis, Status
from coaching.analysis.stages import STAGES, StageContext
from coaching.storage import StorageUnavailable
from inference.models import ModelError
from inference.video import VideoError

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.5
MAX_ATTEMPTS = 3


class Claim(enum.Enum):
    CLAIMED = "claimed"
    RETRY = "retry"  # storage was unavailable: the run is PENDING again, retry with backoff
    BUSY = "busy"  # another worker holds a live lease: try again after the lease time
    ENDED = "ended"  # done, failed, or gone: nothing to do


def lease() -> timedelta:
    return timedelta(seconds=settings.ANALYSIS_LEASE_S)


def analysis_claim(*, analysis_id: int) -> tuple[Claim, int]:
    """Take the run for this worker. Returns (outcome, attempt number)."""
    now = timezone.now()
    claimable = Q(status=Status.PENDING) | Q(status=Status.RUNNING, heartbeat_at__lt=now - lease())
    changed = Analysis.objects.filter(claimable, id=analysis_id).update(
        status=Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        worker_host=socket.gethostname(),
        stage="starting",
        progress=0,
        attempts=F("attempts") + 1,
    )
    row = Analysis.objects.filter(id=analysis_id).values("status", "attempts").first()
    if row is None:
        return Claim.ENDED, 0
    if changed:
        return Claim.CLAIMED, int(row["attempts"])
    return (Claim.BUSY if row["status"] == Status.RUNNING else Claim.ENDED), int(row["attempts"])


class _Run:
    """Conditional writes for one attempt of one run."""

    def __init__(self, analysis_id: int, attempt: int) -> None:
        self.analysis_id, self.attempt = analysis_id, attempt

    def mine(self) -> object:
        return Analysis.objects.filter(
            id=self.analysis_id, status=Status.RUNNING, attempts=self.attempt
        )

    def update(self, **fields: object) -> bool:
        return bool(self.mine().update(**fields))  # type: ignore[attr-defined]


class ProgressReporter:
    """Maps each stage's own 0..1 onto the run's 0..100; writes at most twice a second."""

    def __init__(self, run: _Run) -> None:
        self.run = run
        self._last_write = 0.0
        self._span = (0.0, 1.0)
        self._stage = ""

    def enter(self, stage: str, start: float, end: float) -> None:
        self._stage, self._span = stage, (start, end)
        self._write(0.0, force=True)

    def __call__(self, fraction: float) -> None:
        self._write(fraction)

    def _write(self, fraction: float, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_write < PROGRESS_INTERVAL_S:
            return
        self._last_write = now
        start, end = self._span
        percent = int(round(100 * (start + (end - start) * min(max(fraction, 0.0), 1.0))))
        self.run.update(progress=min(percent, 99), stage=self._stage, heartbeat_at=timezone.now())


@contextmanager
def _heartbeat(run: _Run) -> Iterator[None]:
    """Renew the lease from a thread, so long stages without progress keep it too."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(settings.ANALYSIS_LEASE_S / 4):
            try:
                run.update(heartbeat_at=timezone.now())
            except Exception:  # noqa: BLE001 - a missed beat only shortens the lease
                log.exception("heartbeat of analysis %s failed", run.analysis_id)
            finally:
                close_old_connections()

    thread = threading.Thread(target=beat, name=f"heartbeat-{run.analysis_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def analysis_run(*, analysis_id: int) -> Claim:
    """Claim and run every stage. User-caused errors end as FAILED with their message and no
    retry; unexpected ones too, with a generic message and the traceback in the worker log."""
    outcome, attempt = analysis_claim(analysis_id=analysis_id)
    if outcome is not Claim.CLAIMED:
        log.info("Analysis %s: %s; not running it here.", analysis_id, outcome.value)
        return outcome
    run = _Run(analysis_id, attempt)
    if attempt > MAX_ATTEMPTS:
        _fail(run, f"The analysis stopped the worker {MAX_ATTEMPTS} times and was given up. "
              "Re-run it; if it happens again, tell us about this video.", {})
        return Claim.ENDED
    analysis = Analysis.objects.select_related("video", "video__athlete").get(id=analysis_id)
    timings: dict[str, float] = {}
    try:
        reporter = ProgressReporter(run)
        with _heartbeat(run), StageContext.open(analysis, reporter) as ctx:
            for stage in STAGES:
                reporter.enter(stage.name, stage.start, stage.end)
                began = time.perf_counter()
                stage.run(ctx)
                timings[stage.name] = round(time.perf_counter() - began, 3)
            _finish(run, analysis, ctx, timings)
    except StorageUnavailable as exc:
        log.warning("Analysis %s: %s; it will be retried.", analysis_id, exc)
        run.update(status=Status.PENDING, stage="waiting for storage", progress=0,
                   error=f"Storage was unavailable ({exc}); retrying.")
        return Claim.RETRY
    except (VideoError, ModelError) as exc:
        _fail(run, str(exc), timings)
    except SoftTimeLimitExceeded:
        _fail(run, "The analysis took longer than the time limit and was stopped. "
              "Trim the video to the part you need and upload it again.", timings)
    except Exception as exc:  # noqa: BLE001 - a worker must end the run, not loop on it
        log.exception("Analysis %s failed", analysis_id)
        _fail(run, f"The analysis failed unexpectedly ({type(exc).__name__}). "
              "Try re-running it; if it fails again, tell us about this video.", timings)
    return Claim.ENDED


def _finish(run: _Run, analysis: Analysis, ctx: StageContext, timings: dict[str, float]) -> None:
    fields = ctx.save_outputs(analysis)
    values = {name: getattr(analysis, name) for name in fields}
    done = run.update(**values, status=Status.DONE, progress=100, stage="done",
                      finished_at=timezone.now(), timings=timings)
    if done:  # metric rows for the progress pages, replacing the video's earlier ones
        from coaching.progress.services import metric_rows_write_safely

        analysis.status = Status.DONE
        metric_rows_write_safely(analysis=analysis)
    if not done:  # the lease was lost to another attempt: leave its results alone
        for name in fields:
            field_file = getattr(analysis, name, None)
            if field_file is not None and hasattr(field_file, "delete"):
                field_file.delete(save=False)


def _fail(run: _Run, message: str, timings: dict[str, float]) -> None:
    run.update(status=Status.FAILED, error=message, finished_at=timezone.now(), timings=timings,
               stage="failed")


def analysis_sweep(*, now: object = None) -> list[int]:
    """Send again the runs nobody is working on: PENDING ones never sent or sent long ago (the
    broker was down, or the message was lost), and RUNNING ones whose lease expired (the
    worker died). Returns the ids sent."""
    from coaching.analysis.services import analysis_enqueue

    now = now or timezone.now()
    stale_pending = Q(status=Status.PENDING) & (
        Q(enqueued_at__isnull=True, created_at__lt=now - timedelta(seconds=30))  # type: ignore[operator]
        | Q(enqueued_at__lt=now - timedelta(seconds=settings.ANALYSIS_RESEND_AFTER_S))  # type: ignore[operator]
    )
    dead_running = Q(status=Status.RUNNING, heartbeat_at__lt=now - 2 * lease())  # type: ignore[operator]
    # Past the hard time limit a run cannot be alive: end it, so the coach can re-run it.
    too_long = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT) - lease()  # type: ignore[operator]
    Analysis.objects.filter(status=Status.RUNNING, started_at__lt=too_long).update(
        status=Status.FAILED, stage="failed", finished_at=now,
        error="The analysis ran past its time limit and was stopped. Re-run it, or trim the video.")
    ids = list(Analysis.objects.filter(stale_pending | dead_running).values_list("id", flat=True)[:500])
    return [analysis_id for analysis_id in ids if analysis_enqueue(analysis_id=analysis_id)]


def analysis_give_up(*, analysis_id: int, reason: str) -> None:
    Analysis.objects.filter(id=analysis_id, status=Status.PENDING).update(
        status=Status.FAILED, stage="failed", finished_at=timezone.now(),
        error=f"The analysis could not run: {reason}. Try re-running it later.")
