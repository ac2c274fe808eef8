"""The analysis of one video: frames → poses → tracks → the athlete.

``analyze(video_path, config, progress)`` streams the video (one frame, or one batch for backends
that batch, in memory at a time), runs the pose backend on frames scaled to ``config.max_side``,
links people across frames (:mod:`inference.tracking`), picks the athlete, and returns an
:class:`AnalysisResult`. Keypoints are reported in source pixels, display orientation.
Later stages (kinematics, actions, feedback) add their outputs to the same result folder.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from inference.overlay import compact_keypoints_json
from inference.pose.base import PoseSequence
from inference.tracking import Tracker, TrackSummary, choose_athlete, summarize, track_at_point

__all__ = ["AnalysisConfig", "AnalysisResult", "analyze", "compact_keypoints_json"]

Progress = Callable[[str, float], None]
PROGRESS_EVERY = 10  # frames between progress reports
PREFETCH = 4  # decoded frames waiting for the backend: bounded, so memory stays flat
BACKENDS = ("blazepose", "openpose")


@dataclass(frozen=True)
class AnalysisConfig:
    """backend: "blazepose" (default) or "openpose".
    max_side: long side in pixels of the frames the backend sees (None: source size). Results are
        scaled back to source pixels.
    athlete_point: (x, y, t) a coach's click — source pixels and seconds — choosing the athlete;
        None applies the automatic rule of :mod:`inference.tracking`.
    redetect_every / max_people / num_threads: BlazePose video-mode settings.
    batch_size: frames per call for backends that gain from batches (OpenPose).
    min_track_frames / min_track_seconds: tracks seen in fewer frames or over a shorter time are
        dropped as noise (a phantom the landmark model assembles from two overlapping people
        lasts a few frames; nobody a coach cares about is on screen for less than a quarter
        second).
    """

    backend: str = "blazepose"
    max_side: int | None = 960
    athlete_point: tuple[float, float, float] | None = None
    redetect_every: int = 10
    max_people: int = 8
    num_threads: int = 2
    batch_size: int = 8
    min_track_frames: int = 3
    min_track_seconds: float = 0.25

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"unknown pose backend {self.backend!r}; choose one of {', '.join(BACKENDS)}")


@dataclass(frozen=True)
class AnalysisResult:
    """What :func:`analyze` found.

    poses: every tracked person, (T, P, K, 3) in source pixels; ``poses.track_ids`` (P,).
    athlete_track_id: the athlete's track id (None when nobody was found).
    athlete_source: "auto" (the rule) or "click" (config.athlete_point).
    people: per-track quality (coverage, confidence, size, centrality, athlete score).
    backend / models: the backend's name and its model files' sha256 digests.
    timings: seconds per stage ("decode" runs in a thread beside "pose", so the stages can add up
        to more than "total"; "total" includes probing and loading the models).
    video: the probe of the source (size, fps, duration, rotation...).
    """

    poses: PoseSequence
    athlete_track_id: int | None
    athlete_source: str
    people: tuple[TrackSummary, ...]
    backend: str
    models: dict[str, str]
    timings: dict[str, float]
    video: dict[str, Any]
    config: AnalysisConfig = field(default_factory=AnalysisConfig)

    @property
    def athlete_index(self) -> int | None:
        """The athlete's person slot in ``poses`` (index along P)."""
        if self.athlete_track_id is None:
            return None
        return int(np.flatnonzero(self.poses.track_ids == self.athlete_track_id)[0])

    def athlete_keypoints(self) -> np.ndarray | None:
        """(T, K, 3) the athlete's keypoints, NaN where absent."""
        index = self.athlete_index
        return None if index is None else self.poses.keypoints[:, index]

    @property
    def frames_with_athlete(self) -> int:
        keypoints = self.athlete_keypoints()
        if keypoints is None:
            return 0
        return int(np.isfinite(keypoints[:, :, 0]).any(axis=1).sum())

    def summary(self) -> dict[str, Any]:
        """The JSON-able part of the result (what result.json holds)."""
        return {
            "backend": self.backend,
            "skeleton": self.poses.skeleton,
            "models": self.models,
            "frames": self.poses.num_frames,
            "size": list(self.poses.size),
            "fps": self.poses.fps,
            "athlete_track_id": self.athlete_track_id,
            "athlete_source": self.athlete_source,
            "frames_with_athlete": self.frames_with_athlete,
            "people": [p.as_dict() for p in self.people],
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "video": self.video,
            "config": asdict(self.config),
        }

    def write(self, directory: str | Path) -> None:
        """Write DIRECTORY/poses.npz (PoseSequence.save) and DIRECTORY/result.json."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        self.poses.save(out / "poses.npz")
        (out / "result.json").write_text(json.dumps(self.summary(), indent=2) + "\n")


class _Backend(Protocol):
    skeleton: str
    batch_size: int
    model_files: tuple[str, ...]

    def reset(self) -> None: ...

    def estimate(self, frames: list[np.ndarray]) -> list[np.ndarray]: ...


class _BlazePoseBackend:
    model_files: tuple[str, ...] = ("pose_detection.tflite", "pose_landmark_full.tflite")
    batch_size: int = 1  # video mode: each frame's ROIs come from the previous frame

    def __init__(self, config: AnalysisConfig):
        from inference.pose.blazepose import BlazePoseEstimator

        self._estimator = BlazePoseEstimator(
            redetect_every=config.redetect_every,
            max_people=config.max_people,
            num_threads=config.num_threads,
        )
        self.skeleton = self._estimator.skeleton

    def reset(self) -> None:
        self._estimator.reset()

    def estimate(self, frames: list[np.ndarray]) -> list[np.ndarray]:
        return self._estimator.estimate(frames)


class _OpenPoseBackend:
    model_files: tuple[str, ...] = ("openpose_mobilenet_thin.npz",)

    def __init__(self, config: AnalysisConfig):
        try:
            from inference.pose.openpose import OpenPoseEstimator
        except ImportError as error:
            raise ValueError("the openpose backend is not available in this build") from error
        self._estimator = OpenPoseEstimator(batch_size=config.batch_size)
        self.skeleton = self._estimator.skeleton
        self.batch_size = config.batch_size

    def reset(self) -> None:
        pass  # frame by frame, no state

    def estimate(self, frames: list[np.ndarray]) -> list[np.ndarray]:
        return list(self._estimator.estimate(frames))


def _make_backend(config: AnalysisConfig) -> _Backend:
    return _BlazePoseBackend(config) if config.backend == "blazepose" else _OpenPoseBackend(config)


def _model_digests(names: tuple[str, ...]) -> dict[str, str]:
    from inference.models import DERIVED, FILES, model_path

    digests = {}
    for name in names:
        model_path(name)  # verified (once per process) before it is reported
        digests[name] = FILES[name].sha256 if name in FILES else DERIVED[name].content_sha256
    return digests


def _prefetch(frames: Iterator[tuple[np.ndarray, float]], depth: int, timings: dict[str, float]) -> Iterator[tuple[np.ndarray, float]]:
    """Decode in a thread while the backend works (FFmpeg and TFLite release the GIL)."""
    slots: queue.Queue[tuple[np.ndarray, float] | BaseException | None] = queue.Queue(depth)
    stop = threading.Event()

    def work() -> None:
        try:
            while not stop.is_set():
                start = time.perf_counter()
                item = next(frames, None)
                timings["decode"] += time.perf_counter() - start
                slots.put(item)
                if item is None:
                    return
        except BaseException as error:  # handed to the consumer, raised there
            slots.put(error)

    thread = threading.Thread(target=work, name="decode", daemon=True)
    thread.start()
    try:
        while (item := slots.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                slots.get_nowait()
            except queue.Empty:
                thread.join(0.01)


def batches(frames: Iterator[tuple[np.ndarray, float]], size: int) -> Iterator[list[tuple[np.ndarray, float]]]:
    """Group (frame, t) pairs into lists of `size` (the last may be shorter)."""
    batch: list[tuple[np.ndarray, float]] = []
    for item in frames:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def analyze(
    video_path: str | Path, config: AnalysisConfig | None = None, progress: Progress | None = None
) -> AnalysisResult:
    """Analyse one video. Raises inference.video.VideoError for files that are not usable videos
    and inference.models.ModelError when model files are missing.

    progress(stage, fraction) is called with stage "pose" every few frames (fraction of the
    probed frame count, capped below 1) and once with ("pose", 1.0) at the end.
    """
    from inference.video import iter_frames, probe

    config = config or AnalysisConfig()
    report = progress or (lambda stage, fraction: None)
    started = time.perf_counter()
    info = probe(video_path)
    backend = _make_backend(config)
    backend.reset()
    models = _model_digests(backend.model_files)
    timings = {"decode": 0.0, "pose": 0.0, "tracking": 0.0}
    tracker = Tracker()
    timestamps: list[float] = []
    scale: tuple[float, float] | None = None
    expected = max(info.frame_count, 1)
    report("pose", 0.0)
    frames = _prefetch(iter_frames(video_path, max_side=config.max_side), PREFETCH, timings)
    for batch in batches(frames, backend.batch_size):
        if scale is None:
            height, width = batch[0][0].shape[:2]
            scale = (info.width / width, info.height / height)
        start = time.perf_counter()
        poses = backend.estimate([frame for frame, _ in batch])
        timings["pose"] += time.perf_counter() - start
        start = time.perf_counter()
        for people, (_, t) in zip(poses, batch, strict=True):
            people = np.array(people, np.float32, copy=True)
            people[..., 0] *= scale[0]
            people[..., 1] *= scale[1]
            tracker.update(people, t)
            timestamps.append(t)
        timings["tracking"] += time.perf_counter() - start
        if len(timestamps) % PROGRESS_EVERY < len(batch):
            report("pose", min(len(timestamps) / expected, 0.99))
    start = time.perf_counter()
    result = _finish(tracker, timestamps, backend, models, info.as_dict(), config, timings)
    timings["tracking"] += time.perf_counter() - start
    timings["total"] = time.perf_counter() - started
    report("pose", 1.0)
    return result


def _finish(
    tracker: Tracker,
    timestamps: list[float],
    backend: _Backend,
    models: dict[str, str],
    video: dict[str, Any],
    config: AnalysisConfig,
    timings: dict[str, float],
) -> AnalysisResult:
    from inference.skeleton import get_skeleton

    keypoints, track_ids = tracker.assemble(
        get_skeleton(backend.skeleton).num_keypoints, config.min_track_frames, config.min_track_seconds
    )
    size = (int(video["width"]), int(video["height"]))
    poses = PoseSequence(
        keypoints=keypoints,
        skeleton=backend.skeleton,
        timestamps=np.array(timestamps, np.float64),
        fps=float(video["fps"]),
        size=size,
        track_ids=track_ids,
    )
    people = tuple(summarize(keypoints, track_ids, size))
    athlete, source = choose_athlete(list(people)), "auto"
    if config.athlete_point is not None:
        clicked = track_at_point(keypoints, track_ids, poses.timestamps, *config.athlete_point)
        if clicked is not None:
            athlete, source = clicked, "click"
    return AnalysisResult(
        poses=poses,
        athlete_track_id=athlete,
        athlete_source=source,
        people=people,
        backend=config.backend,
        models=models,
        timings=timings,
        video=video,
        config=config,
    )
