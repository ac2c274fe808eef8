"""Retraining person segmentation on the instance's own library: teacher masks of its videos'
proxies, a fine-tune of the committed UNet++ weights (inference.segmentation), a new version that
becomes active only when it matches the teacher better than the weights in use."""

from __future__ import annotations

import tempfile
import zipfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File

from coaching.analysis.models import Analysis, Status
from coaching.jobs.attempt import Attempt, ProgressReporter
from coaching.jobs.runner import Claim, JobType, job_enqueue_on_commit, job_run
from coaching.learning.models import SegmentationWeights
from coaching.storage import local_path

MAX_VIDEOS = 40  # the most recent analysed videos; enough variety, bounded time
WEIGHTS_FILE = "unetpp.npz"


def held_out_iou(evaluation: dict[str, Any]) -> float:
    """IoU against the teacher on held-out frames at the pruning level analyses use."""
    from inference.segmentation.model import DEFAULT_LEVEL

    return float(evaluation[f"L{DEFAULT_LEVEL}"]["iou"])


def segmentation_retrain_start() -> SegmentationWeights:
    """A PENDING retraining, sent after commit (a down broker leaves it to the sweeper)."""
    row = SegmentationWeights.objects.create()
    job_enqueue_on_commit(SEGMENTATION_JOB, job_id=row.pk)
    return row


def _retrain(row: SegmentationWeights, attempt: Attempt) -> None:
    """Fine-tune on teacher masks of the library's latest proxies; store the weights; make them
    active only when they match the teacher better (the job protocol's work)."""
    from inference.segmentation import retrain_segmentation

    progress = ProgressReporter(attempt)
    progress.enter("preparing", 0.0, 0.0)
    analyses = list(Analysis.objects.filter(status=Status.DONE).exclude(proxy="")
                    .order_by("-finished_at")[:MAX_VIDEOS])
    if not analyses:
        raise ValidationError("No analysed video in the library yet.")
    progress.enter("training", 0.0, 1.0)
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack, tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as work:
        videos = [stack.enter_context(local_path(a.proxy)) for a in analyses]
        out = Path(work) / "weights"
        metrics = retrain_segmentation(videos, out, seed=row.pk, progress=progress,
                                       steps=settings.SEGMENTATION_RETRAIN_STEPS)
        archive = Path(work) / "weights.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in (WEIGHTS_FILE, "metrics.json"):  # not the teacher-label cache
                zf.write(out / name, name)
        with archive.open("rb") as fh:
            attempt.store(row.file, "weights.zip", File(fh))
    better = held_out_iou(metrics["after"]) > held_out_iou(metrics["before"])
    row.active, row.videos, row.metrics = better, len(videos), metrics

    def switch_active() -> None:  # in the transaction of the row's own conditional DONE write
        if better:
            SegmentationWeights.objects.filter(active=True).update(active=False)

    attempt.finish(row, ["file", "active", "videos", "metrics"], inside=switch_active)


SEGMENTATION_JOB = JobType(name="segmentation retraining", model=SegmentationWeights,
                           task="coaching.learning.tasks.retrain_segmentation_task", queue="gpu",
                           work=_retrain)


def segmentation_retrain_run(*, weights_id: int) -> Claim:
    return job_run(SEGMENTATION_JOB, job_id=weights_id)
