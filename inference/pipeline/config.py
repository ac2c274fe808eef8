"""What an analysis is asked to do: :class:`AnalysisConfig`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inference.movements import Movement
from inference.pose.registry import DEFAULT_BACKEND, BackendOptions, backend_spec

# Capture rates a coach may give: phones film slow motion at 120-960 fps and high-speed cameras
# at up to about 1000 fps; below 1 fps nothing moves on video.
CAPTURE_FPS_RANGE = (1.0, 1000.0)
CAPTURE_FPS_TOLERANCE = 0.01  # 29.97 stored vs 30 given: the same rate, rounded


@dataclass(frozen=True)
class AnalysisConfig:
    """backend: a name of :data:`inference.pose.registry.BACKENDS`.
    max_side: long side in pixels of the frames the pose backend sees (None: source size); results
        are scaled back to source pixels.
    athlete_point: (x, y, t) a coach's click — source pixels and seconds — choosing the athlete;
        None applies the automatic rule of :mod:`inference.tracking`.
    backend_options: video-mode and batching settings of the backend.
    min_track_frames / min_track_seconds: tracks seen in fewer frames or over a shorter time are
        dropped as noise (a phantom the landmark model assembles from two overlapping people lasts
        a few frames; nobody a coach cares about is on screen for less than a quarter second).
    movement: picks the event detectors and the technique rules.
    height_cm: the athlete's height, for pixels → metres (None: estimated).
    action_model: a folder of action-model weights (None: the committed base model).
    segmentation_weights: an npz of UNet++ weights (None: the committed default).
    until: the last stage to run (None: every stage); e.g. "athlete" for poses and tracks only.
    capture_fps: the rate the camera filmed at, for slow motion exported at playback rate (240
        captured frames stored at 60 fps, no metadata saying so); None: the file's own rate. The
        timeline is built in capture time (:meth:`time_scale`): frame times, and so speeds,
        flight times and cadence, are real time; the proxy plays on the same clock.
    """

    backend: str = DEFAULT_BACKEND
    max_side: int | None = 960
    athlete_point: tuple[float, float, float] | None = None
    backend_options: BackendOptions = field(default_factory=BackendOptions)
    min_track_frames: int = 3
    min_track_seconds: float = 0.25
    movement: Movement = Movement.GENERAL
    height_cm: float | None = None
    action_model: Path | None = None
    segmentation_weights: Path | None = None
    until: str | None = None
    capture_fps: float | None = None

    def __post_init__(self) -> None:
        backend_spec(self.backend)  # ValueError naming the choices
        object.__setattr__(self, "movement", Movement.parse(str(self.movement)))
        if self.height_cm is not None and not 50 <= self.height_cm <= 260:
            raise ValueError(f"athlete height {self.height_cm} cm is outside 50-260 cm")
        if self.capture_fps is not None and not CAPTURE_FPS_RANGE[0] <= self.capture_fps <= CAPTURE_FPS_RANGE[1]:
            low, high = CAPTURE_FPS_RANGE
            raise ValueError(f"capture rate {self.capture_fps:g} fps is outside {low:g}-{high:g} fps")
        if self.until is not None:
            from inference.pipeline.stages import stage_names

            if self.until not in stage_names():
                raise ValueError(f"unknown stage {self.until!r}; choose one of {', '.join(stage_names())}")

    def time_scale(self, stored_fps: float) -> float:
        """Real seconds per second of the file: stored_fps / capture_fps (1 without a capture rate).
        ValueError when the capture rate is below the stored rate (a file cannot hold more frames
        per second than were filmed; within CAPTURE_FPS_TOLERANCE for rounded rates, 29.97 vs 30)."""
        if self.capture_fps is None or not stored_fps > 0:
            return 1.0
        if self.capture_fps < stored_fps * (1.0 - CAPTURE_FPS_TOLERANCE):
            raise ValueError(f"the capture rate {self.capture_fps:g} fps is below the video's own rate "
                             f"{stored_fps:.3g} fps; leave it empty unless the video is slow motion")
        return stored_fps / self.capture_fps

    def as_json(self) -> dict[str, Any]:
        """JSON-ready (paths as strings)."""
        return {
            "backend": self.backend, "max_side": self.max_side,
            "athlete_point": list(self.athlete_point) if self.athlete_point else None,
            "backend_options": vars(self.backend_options),
            "min_track_frames": self.min_track_frames, "min_track_seconds": self.min_track_seconds,
            "movement": str(self.movement), "height_cm": self.height_cm,
            "action_model": str(self.action_model) if self.action_model else None,
            "segmentation_weights": str(self.segmentation_weights) if self.segmentation_weights else None,
            "until": self.until, "capture_fps": self.capture_fps,
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AnalysisConfig:
        point = data.get("athlete_point")
        return cls(
            backend=data.get("backend", DEFAULT_BACKEND), max_side=data.get("max_side", 960),
            athlete_point=(float(point[0]), float(point[1]), float(point[2])) if point else None,
            backend_options=BackendOptions(**data.get("backend_options", {})),
            min_track_frames=int(data.get("min_track_frames", 3)),
            min_track_seconds=float(data.get("min_track_seconds", 0.25)),
            movement=Movement.parse(data.get("movement")), height_cm=data.get("height_cm"),
            action_model=Path(data["action_model"]) if data.get("action_model") else None,
            segmentation_weights=(Path(data["segmentation_weights"])
                                  if data.get("segmentation_weights") else None),
            until=data.get("until"),
            capture_fps=float(data["capture_fps"]) if data.get("capture_fps") else None,
        )  # fmt: skip
