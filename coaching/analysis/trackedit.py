"""The track-edit job: a coach joined, split or dropped tracks of a finished analysis (or undid
the latest such edit). A worker replays the edits in effect on the tracking's own poses
(inference.tracking.edit), follows the athlete through them, re-runs the athlete's stages from
the edited poses and the stored masks (no decoding), and swaps the files and the summary in, as
the athlete-choice job does.

Undo is a replay: the first edit keeps the poses the tracking stage made (Analysis.poses_tracked),
and every job applies the whole stack of edits in effect to them, so taking one back is the same
job without it. Every edit stays a row (TrackEdit): the analysis's history of repairs."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

from coaching.analysis.athlete import store_outputs, swap_in_outputs
from coaching.analysis.models import Analysis, Status, TrackEdit, TrackEditOperation
from coaching.analysis.tracks import check_edit, edit_stack
from coaching.jobs.attempt import Attempt, ProgressReporter
from coaching.jobs.runner import JobType
from coaching.storage import local_path
from inference.posedata import PoseSequence
from inference.tracking import choose_athlete, summarize
from inference.tracking.edit import drop_track, join_tracks, split_track


def apply_edit(poses: PoseSequence, edit: TrackEdit) -> tuple[PoseSequence, int | None]:
    """One join, split or drop on ``poses`` (checked first, as the web checked it); returns the
    poses and the track the edit made (a split's later part), None otherwise."""
    track, other, at = check_edit(poses, edit.operation, edit.track_id, edit.other_track_id, edit.at_s)
    if edit.operation == TrackEditOperation.JOIN:
        assert other is not None
        return join_tracks(poses, track, other), None
    if edit.operation == TrackEditOperation.SPLIT:
        assert at is not None
        return split_track(poses, track, at)
    return drop_track(poses, track), None


def replay(original: PoseSequence, job: TrackEdit) -> tuple[PoseSequence, int | None]:
    """The poses with every edit in effect and ``job`` (an undo: less the edit it takes back)."""
    stack = edit_stack(job.analysis_id)
    if job.operation == TrackEditOperation.UNDO:
        if job.reverts_id not in {e.pk for e in stack}:
            raise ValidationError("That edit was already taken back.")
        stack = [e for e in stack if e.pk != job.reverts_id]
    poses = original
    for edit in stack:
        poses, _ = apply_edit(poses, edit)
    if job.operation == TrackEditOperation.UNDO:
        return poses, None
    return apply_edit(poses, job)


def athlete_after(job: TrackEdit, poses: PoseSequence, athlete: int | None, source: str) -> tuple[int | None, str]:
    """Who the athlete is after the edit, and who chose them. The athlete stays while their track
    exists, whoever chose them (a join into another track follows them there; a split leaves
    them the part before the split, which keeps the id); once it is gone (dropped, or an undo
    took back the split that made it), the tracking's rule chooses on the edited tracks.
    Re-running the rule after every edit was tried: splitting the athlete's track handed the
    athlete to the other player of basketball_pan_240p.mp4 (each half scored below her)."""
    if job.operation == TrackEditOperation.JOIN and athlete == job.other_track_id:
        athlete = job.track_id
    if athlete is not None and athlete in {int(t) for t in poses.track_ids}:
        return athlete, source
    return choose_athlete(summarize(poses.keypoints, poses.track_ids, poses.size)), "auto"


def track_edit_work(job: TrackEdit, attempt: Attempt) -> None:
    """The job's work: replay, reanalyze, store the files, and in the job's own DONE transaction
    point the analysis at them (only if its poses are still those this job started from)."""
    from coaching.analysis.stages import athlete_reanalysis

    analysis = Analysis.objects.select_related("video", "video__athlete").get(pk=job.analysis_id)
    reporter = ProgressReporter(attempt)
    reporter.enter("editing the tracks", 0.0, 0.1)
    if analysis.status != Status.DONE or not analysis.poses:
        raise ValidationError("Only a finished analysis with people found can be edited.")
    poses_read = str(analysis.poses.name)
    with local_path(analysis.poses_tracked or analysis.poses) as path:
        original = PoseSequence.load(path)
    try:
        poses, made = replay(original, job)
    except ValueError as exc:  # the engine's own refusal (check_edit catches what a coach can cause)
        raise ValidationError(str(exc)) from exc
    pose = analysis.summary.get("pose", {})
    before = pose.get("athlete_track_id")
    athlete, source = athlete_after(job, poses, before, pose.get("athlete_source", "auto"))
    reporter.enter("athlete", 0.1, 1.0)
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as workdir:
        ctx = athlete_reanalysis(analysis, athlete, Path(workdir), progress=reporter, poses=poses, source=source)
        old, new = store_outputs(attempt, analysis, ctx)
    if not analysis.poses_tracked:  # the first edit: the tracking's poses stay, for replays and undo
        new["poses_tracked"] = poses_read
        old = [(storage, name) for storage, name in old if name != poses_read]
    job.result_track_id, job.athlete_before, job.athlete_after = made, before, athlete
    swap_in_outputs(job, attempt, analysis, ctx, poses_read=poses_read, old=old, new=new,
                    changed="The analysis changed meanwhile (re-run, removed, or edited by someone else); "
                            "look at the people again and repeat the edit.",
                    fields=("result_track_id", "athlete_before", "athlete_after"))


TRACK_EDIT_JOB = JobType(name="track edit", model=TrackEdit,
                         task="coaching.analysis.tasks.track_edit_task", queue="gpu",
                         work=track_edit_work, related=("analysis",))
