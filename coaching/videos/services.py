"""Writes for videos: validated upload into storage, deletion with every file."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from coaching.athletes.models import Athlete
from coaching.jobs.models import Job
from coaching.serving import safe_filename
from coaching.storage import delete_field_file, local_path
from coaching.videos.models import Video
from inference.movements import DEFAULT_MOVEMENT, Movement
from inference.pipeline.config import CAPTURE_FPS_RANGE, CAPTURE_FPS_TOLERANCE
from inference.video import VideoError, probe

if TYPE_CHECKING:
    from coaching.analysis.models import Analysis

log = logging.getLogger(__name__)


def _check_extension(name: str) -> None:
    suffix = PurePath(name).suffix.lower().lstrip(".")
    allowed = settings.UPLOAD_ALLOWED_EXTENSIONS
    if suffix not in allowed:
        raise ValidationError(
            f"“{name}” is not a video file we accept. Upload one of: "
            + ", ".join(f".{ext}" for ext in allowed)
            + "."
        )


def video_upload(
    *,
    athlete: Athlete,
    file: UploadedFile,
    uploaded_by: User,
    title: str = "",
    recorded_on: date | None = None,
    notes: str = "",
    backend: str | None = None,
    movement: Movement | str = DEFAULT_MOVEMENT,
    capture_fps: float | None = None,
) -> Video:
    """Validate the uploaded file (extension, content, decodability, limits), store it and
    queue its analysis. ``capture_fps``: the rate slow motion stored at playback rate was filmed
    at (:func:`check_capture_fps`). Raises ValidationError with a message for the user; a
    rejected upload leaves no file and no row."""
    from coaching.analysis.services import analysis_create

    # Sanitised here, once: the name is shown on pages and sent back in download headers.
    name = safe_filename(file.name or "video", default="video")
    _check_extension(name)
    if file.size is not None and file.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            f"“{name}” is larger than the limit of {settings.UPLOAD_MAX_BYTES / 1024**3:.1f} GB."
        )
    try:
        with local_path(file) as path:
            info = probe(path, max_duration=settings.UPLOAD_MAX_DURATION_S,
                         max_frames=settings.UPLOAD_MAX_FRAMES, max_fps=settings.UPLOAD_MAX_FPS,
                         budget_s=settings.UPLOAD_PROBE_BUDGET_S)
    except VideoError as exc:
        raise ValidationError(f"“{name}”: {exc}") from exc
    check_capture_fps(capture_fps, stored_fps=info.fps)

    video = Video(
        team=athlete.team,
        athlete=athlete,
        uploaded_by=uploaded_by,
        title=title.strip() or PurePath(name).stem[:200],
        recorded_on=recorded_on,
        notes=notes,
        original_name=name[:255],
        size_bytes=file.size or 0,
        container=info.container,
        codec=info.codec,
        width=info.width,
        height=info.height,
        rotation=info.rotation,
        fps=info.fps,
        duration_s=info.duration,
        frame_count=info.frame_count,
        bit_depth=info.bit_depth,
        transfer=info.transfer,
        has_audio=info.has_audio,
        movement=Movement.parse(movement),
        capture_fps=capture_fps,
    )
    video.file.save(name, file, save=False)
    try:
        with transaction.atomic():
            video.save()
            analysis_create(video=video, backend=backend)
    except Exception:
        delete_field_file(video.file)
        raise
    return video


def check_capture_fps(capture_fps: float | None, *, stored_fps: float) -> None:
    """A capture rate is the rate the camera filmed at, so never below the rate the file stores
    (within CAPTURE_FPS_TOLERANCE for rounded rates) and inside CAPTURE_FPS_RANGE. ValidationError
    with the reason."""
    if capture_fps is None:
        return
    low, high = CAPTURE_FPS_RANGE
    if not low <= capture_fps <= high:
        raise ValidationError(f"The capture rate must be between {low:g} and {high:g} fps.")
    if capture_fps < stored_fps * (1.0 - CAPTURE_FPS_TOLERANCE):
        raise ValidationError(
            f"The capture rate ({capture_fps:g} fps) is below the video's own rate ({stored_fps:.4g} fps): "
            "a video cannot hold more frames per second than the camera filmed. Leave it empty unless "
            "the video is slow motion saved at playback speed."
        )


def video_capture_rate_set(*, video: Video, capture_fps: float | None) -> Analysis | None:
    """Set (or clear, None) the rate the video was filmed at and re-run its analysis on that
    clock; returns the new run, None when the rate did not change. ValidationError with the reason
    for a rate the video cannot have."""
    from coaching.analysis.selectors import analysis_latest
    from coaching.analysis.services import analysis_rerun

    check_capture_fps(capture_fps, stored_fps=video.fps)
    if capture_fps == video.capture_fps:
        return None
    latest = analysis_latest(video=video)
    with transaction.atomic():
        video.capture_fps = capture_fps
        video.save(update_fields=["capture_fps"])
        return analysis_rerun(video=video, backend=latest.backend if latest is not None else None)


def video_delete(*, video: Video) -> None:
    """Delete the video row, its analyses and renders, and every stored file (after the commit).
    A worker still busy with one of them finds its row gone at its next stage or progress report,
    stops, and deletes what it stored; each job's whole folder goes too, so files a killed
    attempt left behind do not outlive the video."""
    from coaching.analysis.models import ANALYSIS_FILES
    from coaching.jobs.files import delete_stored, folder_files

    files = [video.file]
    jobs: list[Job] = []
    for analysis in video.analyses.select_related("video"):
        files.extend(getattr(analysis, name) for name in ANALYSIS_FILES)
        jobs.append(analysis)
        for render in analysis.renders.all():  # type: ignore[attr-defined]
            render.analysis = analysis
            files.append(render.file)
            jobs.append(render)
    names = [(f.storage, str(f.name)) for f in files if f and f.name]
    folders = [(default_storage, job.storage_folder()) for job in jobs]
    video.delete()

    def remove() -> None:
        delete_stored(names)
        for storage, folder in folders:
            try:
                delete_stored((storage, name) for name in folder_files(storage, folder))
            except OSError:  # the row is gone already; a leftover file must not fail the page
                log.exception("Could not list %s", folder)

    transaction.on_commit(remove)
