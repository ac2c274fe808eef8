"""The worker's side of an analysis: the run's settings from the database, the source from storage,
then :func:`inference.pipeline.analyze` — the same stage table the CLI runs — and its files and
summary handed back to the runner to store.

The runner walks :data:`STAGES` (here one entry: the whole pipeline, whose own stages report their
names and progress through ``StageContext.progress`` and ``StageContext.on_stage``).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File

from coaching.storage import StorageUnavailable, local_path, transient_storage_errors
from inference.movements import Movement
from inference.pipeline import AnalysisConfig, AnalysisResult, analyze
from inference.posedata import PoseSequence
from inference.video import VideoError

if TYPE_CHECKING:
    from coaching.analysis.models import Analysis

# The pipeline's files the Analysis keeps, by model field (result.json's sections go to the summary).
FILE_FIELDS: dict[str, str] = {
    "proxy": "proxy.mp4", "poster": "poster.jpg", "poses": "poses.npz", "overlay": "overlay.json",
    "kinematics": "kinematics.npz", "angles_csv": "angles.csv", "masks": "masks.npz", "cutout": "cutout.json",
}  # fmt: skip


@dataclass
class StageContext:
    analysis_id: int
    source: Path
    workdir: Path
    config: AnalysisConfig
    progress: Callable[[float], None]
    on_stage: Callable[[str], None] = lambda name: None
    team_model: Any = None  # the team's active TeamActionModel row, None: the base model
    outputs: dict[str, Path] = field(default_factory=dict)  # model FileField name → local file
    summary: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per pipeline stage

    @classmethod
    @contextmanager
    def open(cls, analysis: Analysis, progress: Callable[[float], None]) -> Iterator[StageContext]:
        Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix="analysis-", dir=settings.FILE_UPLOAD_TEMP_DIR))
        config, team_model = analysis_config(analysis)
        try:
            with _source(analysis) as source:
                yield cls(analysis_id=analysis.pk, source=source, workdir=workdir, config=config,
                          progress=progress, on_stage=getattr(progress, "stage", lambda name: None),
                          team_model=team_model)  # fmt: skip
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def keep(self, result: AnalysisResult) -> None:
        """The result's files and summary, ready for :meth:`save_outputs`."""
        files = {path.name for path in result.write(self.workdir)}
        self.outputs.update({name: self.workdir / file for name, file in FILE_FIELDS.items() if file in files})
        self.summary.update(result.summary())
        self.timings.update({name: round(seconds, 3) for name, seconds in result.timings.items()})
        if self.team_model is not None and "actions" in self.summary:
            self.summary["actions"]["model"] = {**self.summary["actions"].get("model", {}),
                                                "team_model_id": self.team_model.pk,
                                                "team_version": self.team_model.version}  # fmt: skip

    def save_outputs(self, analysis: Analysis) -> list[str]:
        """Move every output file into storage; return the model fields that changed."""
        changed = []
        for field_name, path in self.outputs.items():
            try:
                with path.open("rb") as fh:
                    getattr(analysis, field_name).save(path.name, File(fh), save=False)
            except transient_storage_errors() as exc:
                raise StorageUnavailable(f"could not store {path.name}: {exc}") from exc
            changed.append(field_name)
        analysis.summary = {**analysis.summary, **self.summary}
        changed.append("summary")
        return changed


def analysis_config(analysis: Analysis) -> tuple[AnalysisConfig, Any]:
    """The pipeline's settings for this run: backend, the video's movement and capture rate, the
    athlete's height, the team's active action model and the active segmentation weights. Returns
    (config, the team model row or None)."""
    from coaching.learning.segmentation import WEIGHTS_FILE
    from coaching.learning.selectors import (
        action_model_folder,
        segmentation_weights_folder,
        team_action_model_active,
    )

    video = analysis.video
    row = team_action_model_active(team_id=video.team_id)
    weights = segmentation_weights_folder()
    height = float(video.athlete.height_cm) if video.athlete.height_cm else None
    config = AnalysisConfig(backend=analysis.backend, movement=Movement.parse(video.movement), height_cm=height,
                            action_model=action_model_folder(row),
                            segmentation_weights=weights / WEIGHTS_FILE if weights else None,
                            capture_fps=video.capture_fps)  # fmt: skip
    return config, row


@contextmanager
def _source(analysis: Analysis) -> Iterator[Path]:
    """A local path of the uploaded video. A missing original is permanent (FAILED); a storage
    that does not answer is transient (the run is retried with backoff)."""
    field_file = analysis.video.file
    try:
        exists = bool(field_file.name) and field_file.storage.exists(str(field_file.name))
    except transient_storage_errors() as exc:
        raise StorageUnavailable(f"storage did not answer: {exc}") from exc
    if not exists:
        raise VideoError("The original video file is missing from storage; upload it again.")
    try:
        manager = local_path(field_file)
        source = manager.__enter__()
    except transient_storage_errors() as exc:
        raise StorageUnavailable(f"could not read the video: {exc}") from exc
    try:
        yield source
    finally:
        manager.__exit__(None, None, None)


@dataclass(frozen=True)
class Stage:
    name: str
    start: float  # share of the run's progress bar where the stage begins
    end: float
    run: Callable[[StageContext], None]


def pipeline_stage(ctx: StageContext) -> None:
    """The whole analysis (inference.pipeline); its stages name themselves as they start."""
    current = [""]

    def progress(stage: str, fraction: float) -> None:
        if stage != current[0]:
            current[0] = stage
            ctx.on_stage(stage)
        ctx.progress(fraction)

    ctx.keep(analyze(ctx.source, ctx.config, progress, workdir=ctx.workdir))


# What changes when the coach chooses another athlete: these files and these summary sections.
ATHLETE_FILES = ("overlay", "kinematics", "angles_csv", "masks", "cutout")
ATHLETE_SECTIONS = ("athlete", "kinematics", "events", "feedback", "actions", "masks", "silhouette")


def stored_result(analysis: Analysis, folder: Path, poses: PoseSequence | None = None) -> AnalysisResult:
    """The stored poses (and masks) of a finished run as an AnalysisResult with this run's
    settings now (the team's active action model included), for :func:`reanalyze`. ``poses``:
    other poses of the same video instead of the stored ones (a coach's track edit); each
    person's summary is then measured again."""
    from inference.pipeline.sections import MasksSection, PoseSection, VideoSection
    from inference.segmentation.masks import MaskSequence
    from inference.tracking import TrackSummary, summarize

    config, _ = analysis_config(analysis)
    pose = analysis.summary.get("pose", {})
    # The stored poses keep the clock of the run that made them, whatever the video's rate is now.
    config = replace(config, capture_fps=(pose.get("config") or {}).get("capture_fps"))
    if poses is None:
        with local_path(analysis.poses) as path:
            poses = PoseSequence.load(path)
        people = tuple(TrackSummary(**p) for p in pose.get("people", []))
    else:
        people = tuple(summarize(poses.keypoints, poses.track_ids, poses.size))
    result = AnalysisResult(config=config, video=VideoSection(probe=pose.get("video", {}), folder=folder),
                            pose=PoseSection(poses, people, pose.get("backend", analysis.backend),
                                             pose.get("models", {})))  # fmt: skip
    if analysis.masks:
        with local_path(analysis.masks) as path:
            result = result.with_section("masks", MasksSection(MaskSequence.load(path)))
    return result


def athlete_reanalysis(analysis: Analysis, track_id: int | None, workdir: Path,
                       progress: Callable[[float], None] = lambda fraction: None, *,
                       poses: PoseSequence | None = None, source: str = "click") -> StageContext:
    """The athlete's stages again for track ``track_id`` (inference.pipeline.reanalyze), ready to
    store: ``outputs`` holds the files of :data:`ATHLETE_FILES`, ``summary`` the sections of
    :data:`ATHLETE_SECTIONS` and the pose section with the new athlete. ``poses``: a coach's
    edited tracks (see :func:`stored_result`); their file and people go in too. ``source``: who
    chose the athlete ("click": a coach; "auto": the tracking's rule)."""
    from inference.pipeline import reanalyze

    result = reanalyze(stored_result(analysis, workdir, poses), track_id, lambda stage, fraction: progress(fraction),
                       workdir=workdir)
    if result.athlete is not None and result.athlete.source != source:
        result = result.with_section("athlete", replace(result.athlete, source=source))
    config, row = analysis_config(analysis)
    ctx = StageContext(analysis_id=analysis.pk, source=Path(), workdir=workdir, config=config,
                       progress=lambda fraction: None, team_model=row)  # fmt: skip
    ctx.keep(result)
    files = ATHLETE_FILES if poses is None else (*ATHLETE_FILES, "poses")
    ctx.outputs = {name: path for name, path in ctx.outputs.items() if name in files}
    pose = {**analysis.summary.get("pose", {}), "athlete_track_id": result.athlete_track_id, "athlete_source": source,
            "frames_with_athlete": result.frames_with_athlete}  # fmt: skip
    if poses is not None:
        pose["people"] = ctx.summary["pose"]["people"]
    ctx.summary = {**{k: v for k, v in ctx.summary.items() if k in ATHLETE_SECTIONS}, "pose": pose}
    return ctx


def label_actions_json(poses: Any, athlete_index: int | None, model_path: Path | None,
                       model_row: Any, movement: str = Movement.GENERAL) -> dict[str, Any]:
    """The actions section for stored poses with another model (a team's new version); the JSON
    kept in the analysis summary names the model version. ``movement``: the video's, whose rules
    the clip-level feedback judges (left out of the segments' feedback, as the pipeline does)."""
    from inference.actions import label_actions, load_action_model
    from inference.feedback.actions import without_clip_rules

    labelled = label_actions(poses, athlete_index, model=load_action_model(model_path))
    data = dict(replace(labelled, feedback=without_clip_rules(labelled.feedback, movement)).to_json())
    if model_row is not None:
        data["model"] = {**data.get("model", {}), "team_model_id": model_row.pk,
                         "team_version": model_row.version}  # fmt: skip
    return data


STAGES: list[Stage] = [Stage("analysis", 0.0, 1.0, pipeline_stage)]
