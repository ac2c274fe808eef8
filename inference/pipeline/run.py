"""Running the stage table: :func:`analyze` (a video from the start) and :func:`reanalyze` (the
stages that depend on the athlete, after a coach chose someone else)."""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from inference.pipeline.config import AnalysisConfig
from inference.pipeline.result import AnalysisResult
from inference.pipeline.stages import STAGES, Run, Stage
from inference.posedata import PoseSequence

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]
"""progress(stage, fraction): the stage running and the whole analysis's fraction done (0..1).
It may raise to stop the analysis (a worker whose run was cancelled does)."""


@dataclass(frozen=True)
class StageTiming:
    """What one stage cost: wall seconds, and CPU seconds of the whole process over that time
    (every thread's: the decoding thread's work counts to the stage it serves)."""

    name: str
    wall_s: float
    cpu_s: float


StageTimer = Callable[[StageTiming], None]
"""timer(timing), called as each stage ends (benchmarks: bench/pipeline.py)."""


def _selected(config: AnalysisConfig) -> tuple[Stage, ...]:
    if config.until is None:
        return STAGES
    names = [stage.name for stage in STAGES]
    return STAGES[: names.index(config.until) + 1]


def _drive(run: Run, stages: Sequence[Stage], progress: Progress | None,
           step: Callable[[Stage], Callable[[Run], None]], timer: StageTimer | None = None) -> None:
    """Run ``stages`` in order, reporting each one's share of the whole by its weight."""
    total = sum(stage.weight for stage in stages) or 1.0
    done = 0.0
    for stage in stages:
        start, span = done / total, stage.weight / total

        def report(fraction: float, name: str = stage.name, start: float = start, span: float = span) -> None:
            if progress is not None:
                progress(name, min(start + span * min(max(fraction, 0.0), 1.0), 1.0))

        run.report = report
        report(0.0)
        began, cpu = time.perf_counter(), time.process_time()
        step(stage)(run)
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
        run.timings[stage.name] = run.timings.get(stage.name, 0.0) + seconds
        log.info("stage %s: %.2f s (%.2f CPU s)", stage.name, seconds, cpu)
        if timer is not None:
            timer(StageTiming(stage.name, seconds, cpu))
        done += stage.weight
    if progress is not None and stages:
        progress(stages[-1].name, 1.0)


@contextmanager
def _folder(workdir: str | Path | None) -> Iterator[Path]:
    if workdir is not None:
        Path(workdir).mkdir(parents=True, exist_ok=True)
        yield Path(workdir)
        return
    folder = Path(tempfile.mkdtemp(prefix="analysis-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def analyze(video_path: str | Path, config: AnalysisConfig | None = None, progress: Progress | None = None,
            *, workdir: str | Path | None = None, timer: StageTimer | None = None) -> AnalysisResult:
    """Analyse one video: every stage of :data:`STAGES` (up to ``config.until``).

    Files a stage makes (the proxy and its poster) go into ``workdir``; without one, into a
    temporary folder removed on return. Nothing else is written: ``result.write(folder)`` does.
    Raises inference.video.VideoError for files that are not usable videos and
    inference.models.ModelError when model files are missing. ``timer`` gets each stage's
    :class:`StageTiming` as it ends.
    """
    config = config or AnalysisConfig()
    started = time.perf_counter()
    with _folder(workdir) as folder:
        run = Run(source=Path(video_path), workdir=folder, config=config, result=AnalysisResult(config=config))
        _drive(run, _selected(config), progress, lambda stage: stage.run, timer)
    run.timings["total"] = time.perf_counter() - started
    return replace(run.result, timings=run.timings)


def analyze_poses(poses: PoseSequence, config: AnalysisConfig | None = None, progress: Progress | None = None,
                  *, athlete_track_id: int | None = None) -> AnalysisResult:
    """The athlete's stages (athlete, kinematics, events, feedback, actions; up to ``config.until``)
    on poses that are already tracked — from a pose file, a test, a benchmark. No video is read, so
    there is no proxy and there are no masks. ``athlete_track_id`` None: the automatic rule (or
    ``config.athlete_point``). With ``config.capture_fps`` the poses' times (on the clock of the
    file they came from, ``poses.fps``) are scaled to capture time first, as the pose stage does
    (ValueError for a capture rate below ``poses.fps``)."""
    from inference.pipeline.sections import PoseSection
    from inference.tracking import summarize

    config = config or AnalysisConfig()
    if config.capture_fps is not None:
        clock = config.time_scale(poses.fps)
        poses = replace(poses, timestamps=np.asarray(poses.timestamps, np.float64) * clock, fps=poses.fps / clock)
    if len(poses.track_ids) != poses.num_people:  # untracked slots: each slot is one person
        poses = replace(poses, track_ids=np.arange(poses.num_people, dtype=np.int64))
    people = tuple(summarize(poses.keypoints, poses.track_ids, poses.size))
    result = AnalysisResult(config=config, pose=PoseSection(poses=poses, people=people, backend="", models={}))
    names = {stage.name for stage in _selected(config)}
    with _folder(None) as folder:
        run = Run(source=Path(""), workdir=folder, config=config, result=result)
        stages = [stage for stage in STAGES if stage.athlete and stage.name in names and stage.name != "segmentation"]
        if athlete_track_id is not None:
            _choose(run, athlete_track_id)
            stages = [stage for stage in stages if stage.name != "athlete"]
        _drive(run, stages, progress, lambda stage: stage.run)
    return replace(run.result, timings=run.timings)


def reanalyze(result: AnalysisResult, athlete_track_id: int | None, progress: Progress | None = None, *,
              source: str | Path | None = None, workdir: str | Path | None = None) -> AnalysisResult:
    """The same analysis with track ``athlete_track_id`` as the athlete (a coach's choice; None:
    nobody): the stages that depend on the athlete run again from the stored poses (and masks);
    nothing is decoded again. ValueError when no such track exists."""
    if result.pose is None:
        raise ValueError("the analysis has no poses to choose an athlete from")
    if athlete_track_id is not None and athlete_track_id not in set(int(t) for t in result.pose.poses.track_ids):
        raise ValueError(f"no person with track id {athlete_track_id} in this analysis")
    names = {stage.name for stage in _selected(result.config)}
    stages = [stage for stage in STAGES if stage.athlete and stage.name in names and stage.name != "athlete"]
    with _folder(workdir) as folder:
        run = Run(source=Path(source or ""), workdir=folder, config=result.config, result=result)
        _choose(run, athlete_track_id)
        _drive(run, stages, progress, lambda stage: stage.rerun or stage.run)
    return replace(run.result, timings={**result.timings, **{f"reanalyze_{k}": v for k, v in run.timings.items()}})


def _choose(run: Run, track_id: int | None) -> None:
    """The coach's choice (None: nobody) as the athlete section."""
    from inference.overlay import compact_keypoints_json
    from inference.pipeline.sections import OVERLAY_MAX_FPS, AthleteSection

    poses = run.result.poses
    frames = 0
    if track_id is not None:
        index = [int(t) for t in poses.track_ids].index(track_id)
        frames = int(np.isfinite(poses.keypoints[:, index, :, 0]).any(axis=1).sum())
    overlay = compact_keypoints_json(poses, athlete_track_id=track_id, max_fps=OVERLAY_MAX_FPS)
    run.add("athlete", AthleteSection(track_id=track_id, source="click", frames_with_athlete=frames, overlay=overlay))
