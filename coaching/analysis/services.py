"""Analysis writes from the web side: create and queue after commit, re-run, pick the athlete.
Running a claimed analysis is coaching.analysis.runner's job."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from coaching.analysis.models import Analysis, Status
from coaching.analysis.stages import OVERLAY_MAX_FPS, kinematics_summary
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
    from coaching.analysis.tasks import run_analysis

    try:
        run_analysis.apply_async(args=[analysis_id], queue="gpu")
    except (OperationalError, OSError):
        log.warning("Broker unreachable; analysis %s waits for the sweeper.", analysis_id)
        return False
    Analysis.objects.filter(id=analysis_id).update(enqueued_at=timezone.now())
    return True


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
    return track_id
