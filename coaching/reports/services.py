"""Writes for reports: the annotated MP4 render, a background job (coaching.jobs) queued after
commit and run by a worker."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from coaching.analysis.models import Analysis
from coaching.analysis.selectors import analysis_poses
from coaching.jobs.attempt import Attempt, ProgressReporter
from coaching.jobs.files import delete_stored, folder_files
from coaching.jobs.models import ENDED, JobStatus
from coaching.jobs.runner import Claim, JobType, job_enqueue_on_commit, job_run
from coaching.reports.models import Render, RenderKind
from coaching.reports.selectors import kinematics_load
from coaching.storage import local_path
from inference.render import Caption, Drawing, RenderInput, angle_at, render_annotated
from inference.video import VideoError

log = logging.getLogger(__name__)
CAPTION_SECONDS = 3.0  # how long a comment pinned to one instant stays on screen


def render_create(*, analysis: Analysis, requested_by: User, include_review: bool = True,
                  kind: str = RenderKind.ANNOTATED) -> Render:
    """A PENDING render, sent after commit (a down broker leaves it to the sweeper). One render
    per kind and analysis at a time: while one is queued or running, asking again returns it
    (each render holds a worker for minutes; unlimited clicks held them all)."""
    with transaction.atomic():
        # Locking the analysis row serialises two requests that arrive together.
        Analysis.objects.select_for_update().filter(pk=analysis.pk).exists()
        active = Render.objects.filter(analysis=analysis, kind=kind,
                                       status__in=(JobStatus.PENDING, JobStatus.RUNNING)).first()
        if active is not None:
            return active
        render = Render.objects.create(analysis=analysis, requested_by=requested_by, kind=kind,
                                       include_review=include_review)
        job_enqueue_on_commit(RENDER_JOB, job_id=render.pk)
    return render


def _older_renders_replace(render: Render) -> None:
    """Inside the new render's DONE transaction: the analysis' earlier renders of the same kind
    go (rows now, their folders' files after the commit), so files do not pile up."""
    older = list(Render.objects.filter(analysis_id=render.analysis_id, kind=render.kind,
                                       status__in=ENDED).exclude(pk=render.pk)
                 .select_related("analysis__video"))
    if not older:
        return
    folders = [render_old.storage_folder() for render_old in older]
    Render.objects.filter(pk__in=[r.pk for r in older]).delete()

    def remove() -> None:
        for folder in folders:
            delete_stored((default_storage, name) for name in folder_files(default_storage, folder))

    transaction.on_commit(remove)


def _review_layers(analysis: Analysis) -> tuple[list[Drawing], list[Caption]]:
    from coaching.reviews.models import Annotation, Comment

    drawings = []
    for a in Annotation.objects.filter(video=analysis.video):
        points = a.geometry.get("points", [])
        label = a.text
        if a.kind == "angle" and len(points) == 3:
            label = f"{angle_at(points):.1f} deg"
        elif a.kind in ("line", "distance") and len(points) == 2:
            length = float(np.hypot(points[1][0] - points[0][0], points[1][1] - points[0][1]))
            mpp = (a.calibration or {}).get("metres_per_pixel")
            label = f"{length * mpp:.2f} m" if mpp else f"{length:.0f} px"
        drawings.append(Drawing(a.kind, points, a.t_start, a.t_end, a.colour, label))
    captions = []
    for c in Comment.objects.filter(video=analysis.video, t_start__isnull=False).select_related("author"):
        start = float(c.t_start or 0.0)
        end = float(c.t_end) if c.t_end is not None else start + CAPTION_SECONDS
        captions.append(Caption(f"{c.author.username if c.author else 'coach'}: {c.body}", start, end))
    return drawings, captions


def _render_input(analysis: Analysis, include_review: bool) -> RenderInput:
    poses, athlete_index, angles, angle_times = None, None, {}, None
    if analysis.poses:
        poses, athlete_index = analysis_poses(analysis=analysis)
    if analysis.kinematics:
        kin = kinematics_load(analysis=analysis)
        angles = {name: kin.angle(name) for name in kin.angle_names}
        angle_times = kin.timestamps
    drawings, captions = _review_layers(analysis) if include_review else ([], [])
    return RenderInput(poses, athlete_index, angles, angle_times, drawings, captions)


def _render_privacy(analysis: Analysis, proxy: Path, out: Path,
                    progress: Callable[[float], None]) -> None:
    from inference.segmentation import MaskSequence, render_privacy

    if not analysis.masks:
        raise VideoError("This analysis has no person masks; re-run it first.")
    with local_path(analysis.masks) as path:
        masks = MaskSequence.load(path)
    render_privacy(proxy, masks, out, progress=progress)


def _render(render: Render, attempt: Attempt) -> None:
    """Draw over the analysis's proxy, store the MP4, end DONE (the job protocol's work)."""
    analysis = render.analysis
    progress = ProgressReporter(attempt)
    progress.enter("drawing", 0.0, 1.0)
    if not analysis.proxy:
        raise VideoError("The analysis has no playable video yet; wait for it to finish.")
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as work, \
            local_path(analysis.proxy) as proxy:
        out = Path(work) / f"analysis-{analysis.pk}-{render.kind}.mp4"
        if render.kind == RenderKind.PRIVACY:
            _render_privacy(analysis, proxy, out, progress)
        else:
            render_annotated(proxy, out, _render_input(analysis, render.include_review),
                             progress=progress)
        progress.enter("saving", 0.99, 0.99)
        with out.open("rb") as fh:
            attempt.store(render.file, out.name, File(fh))
    attempt.finish(render, ["file"], inside=lambda: _older_renders_replace(render))


RENDER_JOB = JobType(name="render", model=Render, task="coaching.reports.tasks.run_render",
                     queue="default", work=_render, related=("analysis__video",),
                     user_errors=(VideoError,))


def render_run(*, render_id: int) -> Claim:
    return job_run(RENDER_JOB, job_id=render_id)
