"""The stages of an analysis run, as a table. Each stage reads the source video and earlier
outputs from a StageContext and writes files into its work folder; the service stores them.

Later issues add stages here (pose, kinematics, actions, segmentation, feedback).
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


OVERLAY_MAX_FPS = 30.0

STAGES: list[Stage] = [
    Stage("proxy", 0.0, 0.25, proxy_stage),
    Stage("pose", 0.25, 0.95, pose_stage),
    Stage("kinematics", 0.95, 0.99, kinematics_stage),
]
