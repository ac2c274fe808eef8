"""The athlete-choice job: a coach clicked another person on a finished analysis; a worker runs the
pipeline's athlete stages again from the stored poses and masks and swaps the results in."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db.models import Q

from coaching.analysis.models import Analysis, AthleteChoice, Status
from coaching.analysis.summary import analysis_summary_update
from coaching.jobs.attempt import Attempt, ProgressReporter
from coaching.jobs.files import delete_stored
from coaching.jobs.runner import JobType

if TYPE_CHECKING:
    from coaching.analysis.stages import StageContext
    from coaching.jobs.models import Job


def athlete_choice_work(job: AthleteChoice, attempt: Attempt) -> None:
    """The job's work: reanalyze, store the athlete's files, and in the job's own DONE transaction
    point the analysis at them and replace its athlete sections; then the metric rows."""
    from coaching.analysis.stages import athlete_reanalysis

    analysis = Analysis.objects.select_related("video", "video__athlete").get(pk=job.analysis_id)
    reporter = ProgressReporter(attempt)
    reporter.enter("athlete", 0.0, 1.0)
    if analysis.status != Status.DONE or not analysis.poses:
        raise ValidationError("Only a finished analysis with poses can follow another athlete.")
    poses_read = str(analysis.poses.name)  # a track edit that lands first replaces them
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as workdir:
        ctx = athlete_reanalysis(analysis, job.track_id, Path(workdir), progress=reporter)
        old, new = store_outputs(attempt, analysis, ctx)
    swap_in_outputs(job, attempt, analysis, ctx, poses_read=poses_read, old=old, new=new,
                    changed="The analysis changed meanwhile (re-run, removed, or its tracks edited); "
                            "choose the athlete again.")


def store_outputs(attempt: Attempt, analysis: Analysis, ctx: StageContext) -> tuple[list[tuple[Any, str]], dict[str, str]]:
    """Store the re-run stages' files (``ctx.outputs``) under the analysis' file fields, through
    the job's attempt; → the files they replace (storage, name) and the new names per field."""
    old = [(getattr(analysis, name).storage, getattr(analysis, name).name) for name in ctx.outputs]
    for name, path in ctx.outputs.items():
        with path.open("rb") as fh:
            attempt.store(getattr(analysis, name), path.name, File(fh))
    return old, {name: getattr(analysis, name).name for name in ctx.outputs}


def swap_in_outputs(job: Job, attempt: Attempt, analysis: Analysis, ctx: StageContext, *, poses_read: str,
                    old: list[tuple[Any, str]], new: dict[str, str], changed: str,
                    fields: tuple[str, ...] = ()) -> None:
    """In the job's own DONE transaction, point the analysis at the new files and replace the
    re-run summary sections, only if it is still DONE with the poses ``poses_read`` the job
    started from (else ValidationError ``changed``); then drop the replaced files and write the
    metric rows. A job that does not end DONE leaves no new file behind."""
    from coaching.progress.services import metric_rows_write_safely

    def swap_in() -> None:
        unchanged = Q(status=Status.DONE, poses=poses_read)
        if analysis_summary_update(analysis_id=analysis.pk, sections=ctx.summary, where=unchanged) is None:
            raise ValidationError(changed)
        Analysis.objects.filter(pk=analysis.pk).update(**new)

    try:
        attempt.finish(job, fields, inside=swap_in)
    except BaseException:
        delete_stored(getattr(analysis, name) for name in ctx.outputs)
        raise
    delete_stored((storage, name) for storage, name in old if name)
    analysis.refresh_from_db()
    metric_rows_write_safely(analysis=analysis)


ATHLETE_JOB = JobType(name="athlete choice", model=AthleteChoice,
                      task="coaching.analysis.tasks.athlete_choice_task", queue="gpu",
                      work=athlete_choice_work, related=("analysis",))
