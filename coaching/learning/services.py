"""Writes of what the instance learns: coaches' labels, training a team's action model (queued on
the gpu queue, run by a worker), re-labelling analyses, retraining segmentation on the library."""

from __future__ import annotations

import logging
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coaching.analysis.models import Analysis, Status
from coaching.analysis.summary import analysis_summary_update
from coaching.athletes.models import Team
from coaching.jobs.attempt import Attempt, ProgressReporter
from coaching.jobs.runner import Claim, JobType, job_enqueue_on_commit, job_run
from coaching.learning.models import ActionLabel, ActionRelabel, TeamActionModel
from coaching.learning.selectors import action_label_counts

log = logging.getLogger(__name__)

LABEL_RE = re.compile(r"^[a-z][a-z0-9_ -]{0,39}$")
MIN_LABEL_SECONDS = 0.5


def _clean_label(label: str) -> str:
    label = " ".join(label.strip().lower().split())
    if not LABEL_RE.match(label):
        raise ValidationError("A move's name is 1–40 letters, digits, spaces, - or _, "
                              "starting with a letter (for example “tuck jump”).")
    return label.replace(" ", "_")


def action_label_create(*, analysis: Analysis, label: str, start: float, end: float,
                        created_by: User) -> ActionLabel:
    """Label a time range of a finished analysis (seconds on the video's time axis)."""
    if analysis.status != Status.DONE or not analysis.poses:
        raise ValidationError("Label a range once the analysis has finished.")
    duration = float(analysis.video.duration_s or 0.0)
    start, end = max(0.0, float(start)), float(end)
    if duration:
        end = min(end, duration)
    if not end - start >= MIN_LABEL_SECONDS:
        raise ValidationError(f"Choose a range of at least {MIN_LABEL_SECONDS} s "
                              "(set its start and end with the buttons while the video plays).")
    return ActionLabel.objects.create(analysis=analysis, label=_clean_label(label), start=start,
                                      end=end, created_by=created_by)


def action_label_delete(*, label: ActionLabel) -> None:
    label.delete()


def team_model_train_start(*, team: Team, requested_by: User) -> TeamActionModel:
    """Queue a new version of the team's model; refused while one trains or with too few labels.
    A training whose worker died is taken over or failed by the sweeper, so it never blocks the
    team for good."""
    with transaction.atomic():
        Team.objects.select_for_update().get(pk=team.pk)  # one version number at a time
        if TeamActionModel.objects.filter(team=team, status__in=[Status.PENDING, Status.RUNNING]).exists():
            raise ValidationError("A model of this team is already training; wait for it.")
        from inference.actions.team import coverage_problems

        counts = {c["label"]: (c["ranges"], c["videos"]) for c in action_label_counts(team=team)}
        if not counts:
            raise ValidationError("Label the moves on the team's videos first (from a report page).")
        problems = coverage_problems(counts)
        if problems:
            raise ValidationError(problems)
        version = (TeamActionModel.objects.filter(team=team).aggregate(v=Max("version"))["v"] or 0) + 1
        row = TeamActionModel.objects.create(team=team, version=version, requested_by=requested_by,
                                             message="Waiting for a worker")
        job_enqueue_on_commit(TEAM_MODEL_JOB, job_id=row.pk)
    return row


def labelled_ranges(*, team: Team) -> list[Any]:
    """The team's labels as LabelledRange examples (the athlete's keypoints in each range)."""
    from coaching.analysis.selectors import analysis_poses
    from inference.actions import LabelledRange

    ranges, cache = [], {}
    labels = ActionLabel.objects.filter(analysis__video__team=team).select_related("analysis")
    for label in labels.order_by("analysis_id", "start"):
        analysis = label.analysis
        if analysis.pk not in cache:
            cache = {analysis.pk: analysis_poses(analysis=analysis)}  # one analysis in memory
        poses, index = cache[analysis.pk]
        if index is None:
            continue
        inside = (poses.timestamps >= label.start) & (poses.timestamps <= label.end)
        if inside.sum() < 2:
            continue
        ranges.append(LabelledRange(
            keypoints=poses.keypoints[inside, index], fps=poses.fps, label=label.label,
            group=str(analysis.video_id), skeleton=poses.skeleton))
    return ranges


def _train(row: TeamActionModel, attempt: Attempt) -> None:
    """Fine-tune on the team's labels and keep the version with its numbers (the job protocol's
    work); a coach makes it active after looking at them (:func:`team_model_activate`)."""
    from coaching.learning.selectors import action_model_folder
    from inference.actions import load_action_model, train_team_model
    from inference.actions.team import coverage_problems, range_counts

    progress = ProgressReporter(attempt)
    progress.enter("preparing", 0.0, 0.0, message="Preparing the labelled ranges")
    ranges = labelled_ranges(team=row.team)
    problems = coverage_problems(range_counts(ranges))
    if not ranges or problems:
        raise ValidationError(["Counting only the ranges where the athlete is seen:", *problems]
                              if ranges else "None of the labelled ranges has the athlete in it.")
    previous = TeamActionModel.objects.filter(team=row.team, active=True).first()
    progress.enter("training", 0.0, 1.0)

    def report(fraction: float, message: str = "") -> None:
        progress(fraction, message=message[:200])

    # The model in use (the base model when the team has none) is scored on the same
    # cross-validation windows as the new one.
    result = train_team_model(ranges, seed=row.version, progress=report,
                              previous=load_action_model(action_model_folder(previous)))
    _store_model(row, result, attempt)
    _decide(row, result, previous)


TEAM_MODEL_JOB = JobType(name="training", model=TeamActionModel,
                         task="coaching.learning.tasks.train_team_model_task", queue="gpu",
                         work=_train, related=("team",))


def team_model_train_run(*, model_id: int) -> Claim:
    return job_run(TEAM_MODEL_JOB, job_id=model_id)


def _store_model(row: TeamActionModel, result: Any, attempt: Attempt) -> None:
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as work:
        folder = Path(work) / "model"
        folder.mkdir()
        files = result.save(folder)
        archive = Path(work) / "model.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in files:
                zf.write(path, Path(path).relative_to(folder))
        with archive.open("rb") as fh:
            attempt.store(row.file, f"team-{row.team_id}-v{row.version}.zip", File(fh))
    row.classes = list(result.classes)
    row.metrics = result.metrics()


def _decide(row: TeamActionModel, result: Any, previous: TeamActionModel | None) -> None:
    """Say what the version measured and whether a coach may make it active; it never becomes
    active by itself (:func:`team_model_activate`)."""
    from inference.actions.team import MAX_BASE_LOSS

    name = f"v{previous.version}" if previous else "the base model"
    baseline = result.previous_accuracy
    parts = [f"Cross-validated by video, {result.accuracy:.0%} of the labelled windows are recognised"
             + (f" ({name}: {baseline:.0%} on the same windows)." if baseline is not None else ".")]
    if result.base_loss is None:
        parts.append("The base classes could not be checked (no held-out windows): it cannot become active.")
    else:
        parts.append(f"Base classes on held-out windows: {result.base_accuracy:.1%} against "
                     f"{result.base_accuracy_before:.1%} for the base model (limit: at most "
                     f"{100 * MAX_BASE_LOSS:.0f} percentage points lower).")
        parts.append("A coach may make it active after checking these numbers and the confusion matrix."
                     if result.keeps_base_classes else
                     "It loses more of the base classes than allowed: it cannot become active.")
    row.decision, row.active, row.message = " ".join(parts), False, "Done"
    Attempt.of(row).finish(row, ["file", "classes", "metrics", "decision", "active", "message"])


def team_model_activate(*, row: TeamActionModel, confirmed_by: User, seen: bool) -> TeamActionModel:
    """Make a trained version the team's active model: only a finished version that keeps the base
    classes (MAX_BASE_LOSS), and only when the coach says they have seen its cross-validated
    accuracy, its base-class accuracy and its confusion matrix."""
    if row.status != Status.DONE or not row.file:
        raise ValidationError("Only a finished version can become the team's model.")
    if not row.metrics.get("keeps_base_classes"):
        raise ValidationError("This version loses too much of the base classes (or was not checked on "
                              "them); it cannot become the team's model. Label more and train again.")
    if not seen:
        raise ValidationError("Tick the box to confirm you have looked at both accuracies and the "
                              "confusion matrix of this version.")
    with transaction.atomic():
        Team.objects.select_for_update().get(pk=row.team_id)
        TeamActionModel.objects.filter(team_id=row.team_id, active=True).exclude(pk=row.pk).update(active=False)
        row.active, row.confirmed_by, row.confirmed_at = True, confirmed_by, timezone.now()
        row.save(update_fields=["active", "confirmed_by", "confirmed_at"])
    return row


def _relabelled_actions(analysis: Analysis) -> dict[str, Any]:
    from coaching.analysis.selectors import analysis_poses
    from coaching.analysis.stages import label_actions_json
    from coaching.learning.selectors import action_model_folder, team_action_model_active

    poses, index = analysis_poses(analysis=analysis)
    row = team_action_model_active(team_id=analysis.video.team_id)
    return label_actions_json(poses, index, action_model_folder(row), row, analysis.video.movement)


def _write_actions(analysis: Analysis, actions: dict[str, Any]) -> None:
    analysis.summary = analysis_summary_update(
        analysis_id=analysis.pk, sections={"actions": actions}) or analysis.summary


def analysis_relabel(*, analysis_id: int) -> bool:
    """Label the analysis' actions again with its team's active model (after a new version)."""
    analysis = Analysis.objects.select_related("video").filter(pk=analysis_id).first()
    if analysis is None or analysis.status != Status.DONE or not analysis.poses:
        return False
    from coaching.progress.services import metric_rows_write_safely

    _write_actions(analysis, _relabelled_actions(analysis))
    metric_rows_write_safely(analysis=analysis)  # metrics per action follow the new segments
    return True


def _relabel(job: ActionRelabel, attempt: Attempt) -> None:
    """The relabel job's work: the moves written with the job's own conditional DONE write."""
    analysis = job.analysis
    ProgressReporter(attempt).enter("labelling", 0.0, 1.0)
    if analysis.status != Status.DONE or not analysis.poses:
        raise ValidationError("Only a finished analysis with poses can be labelled again.")
    actions = _relabelled_actions(analysis)
    attempt.finish(job, inside=lambda: _write_actions(analysis, actions))
    from coaching.progress.services import metric_rows_write_safely

    metric_rows_write_safely(analysis=analysis)  # metrics per action follow the new segments


RELABEL_JOB = JobType(name="re-labelling", model=ActionRelabel,
                      task="coaching.learning.tasks.relabel_analysis_task", queue="gpu",
                      work=_relabel, related=("analysis__video",))


def analysis_relabel_enqueue(*, analysis: Analysis, requested_by: User | None = None) -> ActionRelabel:
    """Queue a relabel job after commit (a down broker leaves it to the sweeper)."""
    job = ActionRelabel.objects.create(analysis=analysis, requested_by=requested_by)
    job_enqueue_on_commit(RELABEL_JOB, job_id=job.pk)
    return job
