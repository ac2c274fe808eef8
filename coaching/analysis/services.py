"""Analysis writes from the web side: create and queue after commit, re-run, pick the athlete.
Running a claimed analysis is coaching.analysis.runner's job."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from coaching.analysis.models import Analysis, Status
from coaching.jobs.runner import job_cancel, job_enqueue, job_enqueue_on_commit
from coaching.storage import read_stored
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



def analysis_set_athlete(*, analysis: Analysis, x: float, y: float, t: float,
                         requested_by: User | None = None) -> int | None:
    """The coach clicked a person at (x, y) source pixels, t seconds: an athlete-choice job makes
    that track the athlete on a worker (coaching.analysis.athlete), queued after commit (a down
    broker leaves it to the sweeper). Nothing changes until it has run. Returns the track id, None
    when nobody is there."""
    from coaching.analysis.athlete import ATHLETE_JOB
    from coaching.analysis.models import AthleteChoice
    from inference.posedata import PoseSequence
    from inference.tracking import track_at_point

    if analysis.status != Status.DONE or not analysis.poses:
        return None
    poses = read_stored(analysis.poses, PoseSequence.load)
    track_id = track_at_point(poses.keypoints, poses.track_ids, poses.timestamps, x, y, t)
    if track_id is None:
        return None
    job = AthleteChoice.objects.create(analysis=analysis, track_id=int(track_id), requested_by=requested_by)
    job_enqueue_on_commit(ATHLETE_JOB, job_id=job.pk)
    return int(track_id)
