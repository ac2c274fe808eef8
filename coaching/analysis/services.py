"""Analysis writes from the web side: create and queue after commit, re-run, pick the athlete.
Running a claimed analysis is coaching.analysis.runner's job."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from kombu.exceptions import OperationalError

from coaching.analysis.models import Analysis, Status
from coaching.jobs.runner import job_cancel, job_enqueue
from coaching.progress.services import metric_rows_write_safely
from coaching.storage import local_path
from coaching.videos.models import Video

log = logging.getLogger(__name__)


def analysis_create(*, video: Video, backend: str | None = None) -> Analysis:
    """Create a PENDING analysis and queue it once the surrounding transaction commits."""
    analysis = Analysis.objects.create(
        video=video, backend=backend or settings.POSECOACH_DEFAULT_BACKEND
    )
    transaction.on_commit(lambda: analysis_enqueue(analysis_id=analysis.pk))
    return analysis


def analysis_enqueue(*, analysis_id: int) -> bool:
    """Send the run to the `gpu` queue. With the broker down the upload still succeeds: the run
    stays PENDING and the periodic sweeper sends it again once the broker is back."""
    from coaching.analysis.runner import ANALYSIS_JOB

    return job_enqueue(ANALYSIS_JOB, job_id=analysis_id)


def analysis_cancel(*, analysis: Analysis, cancelled_by: User) -> bool:
    """Stop a queued or running analysis: its worker stops at its next stage or progress report
    and deletes what it stored. False when it had already ended."""
    from coaching.analysis.runner import ANALYSIS_JOB

    return job_cancel(ANALYSIS_JOB, job_id=analysis.pk,
                      reason=f"Cancelled by {cancelled_by.get_username()}.")


def analysis_rerun(*, video: Video, backend: str | None = None) -> Analysis:
    return analysis_create(video=video, backend=backend)



class QueueUnavailable(Exception):
    """The broker did not take the message; nothing was changed."""


def analysis_set_athlete(*, analysis: Analysis, x: float, y: float, t: float) -> int | None:
    """The coach clicked a person at (x, y) source pixels, t seconds: a worker makes that track the
    athlete and runs the athlete's stages again (:func:`analysis_athlete_derived`). Nothing changes
    until it has, so a lost message leaves the analysis as it was. Returns the track id, None when
    nobody is there; QueueUnavailable when the broker is down."""
    from coaching.analysis.tasks import athlete_derived
    from inference.posedata import PoseSequence
    from inference.tracking import track_at_point

    if analysis.status != Status.DONE or not analysis.poses:
        return None
    with local_path(analysis.poses) as path:
        poses = PoseSequence.load(path)
    track_id = track_at_point(poses.keypoints, poses.track_ids, poses.timestamps, x, y, t)
    if track_id is None:
        return None
    try:
        athlete_derived.apply_async(args=[analysis.pk, int(track_id)], queue="gpu")
    except (OperationalError, OSError) as exc:
        log.warning("Broker unreachable; the athlete of analysis %s stays as it was.", analysis.pk)
        raise QueueUnavailable("The analysis queue is unreachable right now; try again in a minute.") from exc
    return int(track_id)


def analysis_athlete_derived(*, analysis_id: int, track_id: int | None) -> bool:
    """On a worker, after the coach chose track ``track_id``: the pipeline's athlete stages again
    from the stored poses and masks (inference.pipeline.reanalyze), their files and summary
    sections stored, then the metric rows. False when the run is gone or not finished."""
    from coaching.analysis.stages import athlete_reanalysis
    from coaching.analysis.summary import analysis_summary_update

    analysis = Analysis.objects.select_related("video", "video__athlete").filter(pk=analysis_id).first()
    if analysis is None or analysis.status != Status.DONE or not analysis.poses:
        return False
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as workdir:
        ctx = athlete_reanalysis(analysis, track_id, Path(workdir))
        old = [getattr(analysis, name).name for name in ctx.outputs]
        for name, path in ctx.outputs.items():
            getattr(analysis, name).save(path.name, ContentFile(path.read_bytes()), save=False)
    with transaction.atomic():
        if analysis_summary_update(analysis_id=analysis_id, sections=ctx.summary,
                                   where=Q(status=Status.DONE)) is None:
            stored = [getattr(analysis, name).name for name in ctx.outputs]
            for name in stored:
                analysis.overlay.storage.delete(name)
            return False
        Analysis.objects.filter(pk=analysis_id).update(**{name: getattr(analysis, name).name for name in ctx.outputs})
    for name in old:
        if name:
            analysis.overlay.storage.delete(name)
    analysis.refresh_from_db()
    metric_rows_write_safely(analysis=analysis)
    return True
