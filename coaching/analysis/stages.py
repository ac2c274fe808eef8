"""The stages of an analysis run, as a table. Each stage reads the source video and earlier
outputs from a StageContext and writes files into its work folder; the service stores them.

Order: proxy → pose (everyone, tracked) → segmentation (person masks) → kinematics (angles,
events, feedback) → actions (what the athlete does when, with the team's model).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File

from coaching.storage import StorageUnavailable, local_path, transient_storage_errors
from inference.proxy import make_proxy
from inference.video import VideoError

if TYPE_CHECKING:
    from coaching.analysis.models import Analysis


@dataclass
class StageContext:
    analysis_id: int
    source: Path
    workdir: Path
    duration: float
    backend: str
    progress: Callable[[float], None]
    team_id: int = 0
    movement: str = "general"
    height_cm: float | None = None
    outputs: dict[str, Path] = field(default_factory=dict)  # model FileField name → local file
    summary: dict[str, Any] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)  # in-memory results for later stages

    @classmethod
    @contextmanager
    def open(
        cls, analysis: Analysis, progress: Callable[[float], None]
    ) -> Iterator[StageContext]:
        Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix="analysis-", dir=settings.FILE_UPLOAD_TEMP_DIR))
        try:
            with _source(analysis) as source:
                yield cls(
                    analysis_id=analysis.pk,
                    source=source,
                    workdir=workdir,
                    duration=analysis.video.duration_s,
                    backend=analysis.backend,
                    progress=progress,
                    team_id=analysis.video.team_id,
                    movement=analysis.video.movement,
                    height_cm=(
                        float(analysis.video.athlete.height_cm)
                        if analysis.video.athlete.height_cm
                        else None
                    ),
                )
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

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


def proxy_stage(ctx: StageContext) -> None:
    proxy, poster = ctx.workdir / "proxy.mp4", ctx.workdir / "poster.jpg"
    info = make_proxy(ctx.source, proxy, poster, progress=ctx.progress, duration=ctx.duration)
    ctx.outputs.update(proxy=proxy, poster=poster)
    ctx.summary["proxy"] = info


def pose_stage(ctx: StageContext) -> None:
    """Pose estimation and tracking of every person; the athlete chosen by the tracking rule."""
    from inference.overlay import compact_keypoints_json
    from inference.pipeline import AnalysisConfig, analyze

    result = analyze(
        ctx.source,
        AnalysisConfig(backend=ctx.backend),
        progress=lambda _stage, fraction: ctx.progress(fraction),
    )
    poses_path, overlay_path = ctx.workdir / "poses.npz", ctx.workdir / "overlay.json"
    result.poses.save(poses_path)
    overlay = compact_keypoints_json(
        result.poses, athlete_track_id=result.athlete_track_id, max_fps=OVERLAY_MAX_FPS
    )
    overlay_path.write_text(json.dumps(overlay, separators=(",", ":")))
    ctx.outputs.update(poses=poses_path, overlay=overlay_path)
    ctx.summary["pose"] = result.summary()
    ctx.results["pose"] = result


def kinematics_stage(ctx: StageContext) -> None:
    """Angles, events and technique feedback of the athlete (inference.kinematics/feedback)."""
    result = ctx.results["pose"]
    ctx.summary.update(kinematics_summary(
        result.poses, result.athlete_index, ctx.workdir, movement=ctx.movement,
        height_cm=ctx.height_cm))
    for name, file_name in (("kinematics", "kinematics.npz"), ("angles_csv", "angles.csv")):
        if (ctx.workdir / file_name).exists():
            ctx.outputs[name] = ctx.workdir / file_name


@dataclass(frozen=True)
class _AthletePoses:
    poses: Any
    athlete_index: int | None


def kinematics_summary(
    poses: Any, athlete_index: int | None, workdir: Path, *, movement: str, height_cm: float | None
) -> dict[str, Any]:
    """Run the kinematics outputs into `workdir`; return {"events": ..., "feedback": ...}."""
    from inference.kinematics.outputs import write_kinematics_outputs

    write_kinematics_outputs(_AthletePoses(poses, athlete_index), workdir, movement=movement,
                             height_cm=height_cm)
    return {
        "events": json.loads((workdir / "events.json").read_text()),
        "feedback": json.loads((workdir / "feedback.json").read_text()),
    }


def segmentation_stage(ctx: StageContext) -> None:
    """Person masks (UNet++), the athlete's outline for the report's cut-out overlay, and the
    silhouette's area and width over time."""
    from inference.segmentation import segment_video

    result = ctx.results["pose"]
    # The proxy: upright, tone-mapped, ≤ 1280 px, same presentation times as the source, and
    # cheaper to decode than a 4K original (the masks' working size is ~200 px anyway).
    masks = segment_video(ctx.outputs["proxy"], result.poses, result.athlete_index,
                          model=_segmentation_model(), progress=ctx.progress)
    masks_path, cutout_path = ctx.workdir / "masks.npz", ctx.workdir / "cutout.json"
    masks.save(masks_path)
    cutout_path.write_text(json.dumps(masks.contours_json(max_fps=CUTOUT_MAX_FPS),
                                      separators=(",", ":")))
    ctx.outputs.update(masks=masks_path, cutout=cutout_path)
    silhouette = masks.silhouette()
    ctx.summary["silhouette"] = silhouette_summary(
        silhouette["times"], {k: silhouette[k] for k in ("area", "width", "height")})


_SEGMENTATION_MODELS: dict[Path, Any] = {}


def _segmentation_model() -> Any:
    """The library-retrained weights when some are active (one model per weights file per
    process), else None: the committed default."""
    from coaching.learning.segmentation import WEIGHTS_FILE
    from coaching.learning.selectors import segmentation_weights_folder

    folder = segmentation_weights_folder()
    if folder is None:
        return None
    if folder not in _SEGMENTATION_MODELS:
        from inference.segmentation.model import SegmentationModel

        _SEGMENTATION_MODELS[folder] = SegmentationModel(weights=folder / WEIGHTS_FILE)
    return _SEGMENTATION_MODELS[folder]


def silhouette_summary(times: Any, series: dict[str, Any], max_points: int = 500) -> dict[str, Any]:
    """The silhouette's series, decimated for the report chart (JSON-ready, None for gaps)."""
    import numpy as np

    t = np.asarray(times, dtype=float)
    step = max(1, int(np.ceil(len(t) / max_points)))
    out: dict[str, Any] = {"t": [round(float(v), 3) for v in t[::step]]}
    for name, values in series.items():
        v = np.asarray(values, dtype=float)[::step]
        out[name] = [None if not np.isfinite(x) else round(float(x), 4) for x in v]
    return out


def actions_stage(ctx: StageContext) -> None:
    """Action segments of the athlete, labelled by the team's active model (or the base one)."""
    from coaching.learning.selectors import action_model_folder, team_action_model_active

    result = ctx.results["pose"]
    row = team_action_model_active(team_id=ctx.team_id)
    ctx.summary["actions"] = label_actions_json(result.poses, result.athlete_index,
                                                action_model_folder(row), row)
    ctx.progress(1.0)


def label_actions_json(poses: Any, athlete_index: int | None, model_path: Path | None,
                       model_row: Any) -> dict[str, Any]:
    """Run the action model; the JSON kept in the analysis summary names the model version."""
    from inference.actions import label_actions, load_action_model

    labelled = label_actions(poses, athlete_index, model=load_action_model(model_path))
    data = labelled.to_json()
    if model_row is not None:
        data["model"] = {**data.get("model", {}), "team_model_id": model_row.pk,
                         "team_version": model_row.version}
    return dict(data)


OVERLAY_MAX_FPS = 30.0
CUTOUT_MAX_FPS = 15.0

STAGES: list[Stage] = [
    Stage("proxy", 0.0, 0.2, proxy_stage),
    Stage("pose", 0.2, 0.8, pose_stage),
    Stage("segmentation", 0.8, 0.93, segmentation_stage),
    Stage("kinematics", 0.93, 0.95, kinematics_stage),
    Stage("actions", 0.95, 0.99, actions_stage),
]
