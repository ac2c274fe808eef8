"""Analysis writes from the web side: create and queue after commit, re-run, pick the athlete.
Running a claimed analysis is coaching.analysis.runner's job."""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from kombu.exceptions import OperationalError

from coaching.analysis.models import Analysis, Status
from coaching.analysis.stages import OVERLAY_MAX_FPS, kinematics_summary
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



def analysis_set_athlete(*, analysis: Analysis, x: float, y: float, t: float) -> int | None:
    """The coach clicked a person at (x, y) source pixels, t seconds: make that track the
    athlete of this analysis. Returns the chosen track id, None when nobody is there."""
    from inference.overlay import compact_keypoints_json
    from inference.posedata import PoseSequence
    from inference.tracking import track_at_point

    if analysis.status != Status.DONE or not analysis.poses:
        return None
    with local_path(analysis.poses) as path:
        poses = PoseSequence.load(path)
    track_id = track_at_point(poses.keypoints, poses.track_ids, poses.timestamps, x, y, t)
    if track_id is None:
        return None
    overlay = compact_keypoints_json(poses, athlete_track_id=track_id, max_fps=OVERLAY_MAX_FPS)
    old_files = [getattr(analysis, name).name for name in ("overlay", "kinematics", "angles_csv")]
    analysis.overlay.save("overlay.json", ContentFile(json.dumps(overlay, separators=(",", ":"))),
                          save=False)
    pose_summary = {**analysis.summary.get("pose", {}), "athlete_track_id": track_id,
                    "athlete_source": "click"}
    index = int(list(poses.track_ids).index(track_id))
    video = analysis.video
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as workdir:
        kinematics = kinematics_summary(
            poses, index, Path(workdir), movement=video.movement,
            height_cm=float(video.athlete.height_cm) if video.athlete.height_cm else None)
        for name, file_name in (("kinematics", "kinematics.npz"), ("angles_csv", "angles.csv")):
            path = Path(workdir) / file_name
            if path.exists():
                getattr(analysis, name).save(file_name, ContentFile(path.read_bytes()), save=False)
    analysis.summary = {**analysis.summary, "pose": pose_summary, **kinematics}
    analysis.save(update_fields=["overlay", "kinematics", "angles_csv", "summary"])
    for name in old_files:
        if name:
            analysis.overlay.storage.delete(name)
    metric_rows_write_safely(analysis=analysis)
    # Masks and moves follow the new athlete too: a worker does it (it needs the models).
    transaction.on_commit(lambda: analysis_athlete_derived_enqueue(analysis_id=analysis.pk))
    return track_id


def analysis_athlete_derived_enqueue(*, analysis_id: int) -> None:
    from coaching.analysis.tasks import athlete_derived

    try:
        athlete_derived.apply_async(args=[analysis_id], queue="gpu")
    except (OperationalError, OSError):
        log.warning("Broker unreachable; masks and moves of analysis %s keep the old athlete.",
                    analysis_id)


def analysis_athlete_derived(*, analysis_id: int) -> bool:
    """After the coach picked another athlete: the athlete's masks, cut-out and silhouette, the
    action segments and the metric rows, from the stored poses and masks."""
    from coaching.analysis.selectors import analysis_poses
    from coaching.analysis.stages import CUTOUT_MAX_FPS, silhouette_summary
    from coaching.learning.services import analysis_relabel
    from inference.segmentation import MaskSequence
    from inference.segmentation.athlete import with_athlete

    analysis = Analysis.objects.select_related("video").filter(pk=analysis_id).first()
    if analysis is None or analysis.status != Status.DONE or not analysis.poses:
        return False
    if analysis.masks:
        poses, index = analysis_poses(analysis=analysis)
        with local_path(analysis.masks) as path:
            masks = with_athlete(MaskSequence.load(path), poses, index)
        with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as workdir:
            masks_path = Path(workdir) / "masks.npz"
            masks.save(masks_path)
            old = [analysis.masks.name, analysis.cutout.name]
            analysis.masks.save("masks.npz", ContentFile(masks_path.read_bytes()), save=False)
        cutout = json.dumps(masks.contours_json(max_fps=CUTOUT_MAX_FPS), separators=(",", ":"))
        analysis.cutout.save("cutout.json", ContentFile(cutout), save=False)
        silhouette = masks.silhouette()
        analysis.summary = {**analysis.summary, "silhouette": silhouette_summary(
            silhouette["times"], {k: silhouette[k] for k in ("area", "width", "height")})}
        analysis.save(update_fields=["masks", "cutout", "summary"])
        for name in old:
            if name:
                analysis.masks.storage.delete(name)
    return analysis_relabel(analysis_id=analysis_id)  # moves, then the metric rows
