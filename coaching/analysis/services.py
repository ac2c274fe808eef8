"""The analysis state machine: create (and queue after commit), claim, progress, finish.

All status transitions happen here. A run is claimed with a conditional UPDATE, so any number
of workers (and redelivered messages) run each analysis at most once.
"""

from __future__ import annotations

import logging
import socket
import time

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from coaching.analysis.models import Analysis, Status
from coaching.analysis.stages import OVERLAY_MAX_FPS, STAGES, StageContext
from coaching.storage import local_path
from coaching.videos.models import Video
from inference.models import ModelError
from inference.video import VideoError

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.5


def analysis_create(*, video: Video, backend: str | None = None) -> Analysis:
    """Create a PENDING analysis and queue it once the surrounding transaction commits."""
    from coaching.analysis.tasks import run_analysis

    analysis = Analysis.objects.create(
        video=video, backend=backend or settings.POSECOACH_DEFAULT_BACKEND
    )
    transaction.on_commit(lambda: run_analysis.apply_async(args=[analysis.pk], queue="gpu"))
    return analysis


def analysis_claim(*, analysis_id: int) -> bool:
    """PENDING → RUNNING for exactly one caller. False when someone else has it (or it ended)."""
    changed = Analysis.objects.filter(id=analysis_id, status=Status.PENDING).update(
        status=Status.RUNNING,
        started_at=timezone.now(),
        worker_host=socket.gethostname(),
        stage="starting",
        progress=0,
    )
    return changed == 1


class ProgressReporter:
    """Maps each stage's own 0..1 onto the run's 0..100 and writes at most twice a second."""

    def __init__(self, analysis_id: int) -> None:
        self.analysis_id = analysis_id
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
        Analysis.objects.filter(id=self.analysis_id, status=Status.RUNNING).update(
            progress=min(percent, 99), stage=self._stage
        )


def analysis_run(*, analysis_id: int) -> None:
    """Claim and run every stage. User-caused errors end as FAILED with their message and no
    retry; unexpected ones too, with a generic message and the traceback in the worker log."""
    if not analysis_claim(analysis_id=analysis_id):
        log.info("Analysis %s is not pending; nothing to do.", analysis_id)
        return
    analysis = Analysis.objects.select_related("video", "video__athlete").get(id=analysis_id)
    reporter = ProgressReporter(analysis_id)
    timings: dict[str, float] = {}
    try:
        with StageContext.open(analysis, reporter) as ctx:
            for stage in STAGES:
                reporter.enter(stage.name, stage.start, stage.end)
                began = time.perf_counter()
                stage.run(ctx)
                timings[stage.name] = round(time.perf_counter() - began, 3)
            _finish(analysis, ctx, timings)
    except (VideoError, ModelError) as exc:
        _fail(analysis_id, str(exc), timings)
    except SoftTimeLimitExceeded:
        _fail(analysis_id, "The analysis took longer than the time limit and was stopped. "
              "Trim the video to the part you need and upload it again.", timings)
    except Exception as exc:  # noqa: BLE001 - a worker must end the run, not loop on it
        log.exception("Analysis %s failed", analysis_id)
        _fail(analysis_id, f"The analysis failed unexpectedly ({type(exc).__name__}). "
              "Try re-running it; if it fails again, tell us about this video.", timings)


def _finish(analysis: Analysis, ctx: StageContext, timings: dict[str, float]) -> None:
    fields = ctx.save_outputs(analysis)
    analysis.status = Status.DONE
    analysis.progress = 100
    analysis.stage = "done"
    analysis.finished_at = timezone.now()
    analysis.timings = timings
    analysis.save(
        update_fields=[*fields, "status", "progress", "stage", "finished_at", "timings"]
    )


def _fail(analysis_id: int, message: str, timings: dict[str, float]) -> None:
    Analysis.objects.filter(id=analysis_id).update(
        status=Status.FAILED,
        error=message,
        finished_at=timezone.now(),
        timings=timings,
        stage="failed",
    )


def analysis_rerun(*, video: Video, backend: str | None = None) -> Analysis:
    return analysis_create(video=video, backend=backend)



def analysis_set_athlete(*, analysis: Analysis, x: float, y: float, t: float) -> int | None:
    """The coach clicked a person at (x, y) source pixels, t seconds: make that track the
    athlete of this analysis. Returns the chosen track id, None when nobody is there."""
    import json

    from django.core.files.base import ContentFile

    from inference.overlay import compact_keypoints_json
    from inference.pose.base import PoseSequence
    from inference.tracking import track_at_point

    if analysis.status != Status.DONE or not analysis.poses:
        return None
    with local_path(analysis.poses) as path:
        poses = PoseSequence.load(path)
    track_id = track_at_point(poses.keypoints, poses.track_ids, poses.timestamps, x, y, t)
    if track_id is None:
        return None
    overlay = compact_keypoints_json(poses, athlete_track_id=track_id, max_fps=OVERLAY_MAX_FPS)
    old_overlay = analysis.overlay.name
    analysis.overlay.save("overlay.json", ContentFile(json.dumps(overlay, separators=(",", ":"))),
                          save=False)
    pose_summary = {**analysis.summary.get("pose", {}), "athlete_track_id": track_id,
                    "athlete_source": "click"}
    analysis.summary = {**analysis.summary, "pose": pose_summary}
    analysis.save(update_fields=["overlay", "summary"])
    if old_overlay:
        analysis.overlay.storage.delete(old_overlay)
    return track_id
