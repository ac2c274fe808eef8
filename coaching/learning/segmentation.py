"""Retraining person segmentation on the instance's own library: teacher masks of its videos'
proxies, a fine-tune of the committed UNet++ weights (inference.segmentation), a new version that
becomes active only when it matches the teacher better than the weights in use."""

from __future__ import annotations

import logging
import tempfile
import zipfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from coaching.analysis.models import Analysis, Status
from coaching.learning.models import SegmentationWeights
from coaching.storage import local_path

log = logging.getLogger(__name__)
MAX_VIDEOS = 40  # the most recent analysed videos; enough variety, bounded time
WEIGHTS_FILE = "unetpp.npz"


def held_out_iou(evaluation: dict[str, Any]) -> float:
    """IoU against the teacher on held-out frames at the pruning level analyses use."""
    from inference.segmentation.model import DEFAULT_LEVEL

    return float(evaluation[f"L{DEFAULT_LEVEL}"]["iou"])


def segmentation_retrain_start() -> SegmentationWeights:
    from coaching.learning.tasks import retrain_segmentation_task

    row = SegmentationWeights.objects.create()
    transaction.on_commit(lambda: retrain_segmentation_task.apply_async(args=[row.pk], queue="gpu"))
    return row


def segmentation_retrain_run(*, weights_id: int) -> None:
    from inference.segmentation import retrain_segmentation

    if not SegmentationWeights.objects.filter(pk=weights_id, status=Status.PENDING).update(
            status=Status.RUNNING):
        return
    row = SegmentationWeights.objects.get(pk=weights_id)
    analyses = list(Analysis.objects.filter(status=Status.DONE).exclude(proxy="")
                    .order_by("-finished_at")[:MAX_VIDEOS])

    def progress(fraction: float) -> None:
        SegmentationWeights.objects.filter(pk=weights_id).update(progress=min(99, int(fraction * 100)))

    try:
        if not analyses:
            raise ValueError("No analysed video in the library yet.")
        Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
        with ExitStack() as stack, tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as work:
            videos = [stack.enter_context(local_path(a.proxy)) for a in analyses]
            out = Path(work) / "weights"
            metrics = retrain_segmentation(videos, out, seed=weights_id, progress=progress)
            archive = Path(work) / "weights.zip"
            with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
                for name in (WEIGHTS_FILE, "metrics.json"):  # not the teacher-label cache
                    zf.write(out / name, name)
            with archive.open("rb") as fh:
                row.file.save("weights.zip", File(fh), save=False)
        better = held_out_iou(metrics["after"]) > held_out_iou(metrics["before"])
        with transaction.atomic():
            if better:
                SegmentationWeights.objects.filter(active=True).update(active=False)
            row.active, row.videos, row.metrics = better, len(videos), metrics
            row.status, row.progress, row.finished_at = Status.DONE, 100, timezone.now()
            row.save()
    except Exception as exc:  # noqa: BLE001 - ends FAILED with a message, no retry loop
        log.exception("Segmentation retraining %s failed", weights_id)
        SegmentationWeights.objects.filter(pk=weights_id).update(
            status=Status.FAILED, error=f"{type(exc).__name__}: {exc}", finished_at=timezone.now())
