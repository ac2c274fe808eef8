"""The sections of an :class:`~inference.pipeline.result.AnalysisResult`, one dataclass each.

A section has a small JSON part (``to_json``/``from_json``: what result.json and the worker's run
summary hold) and its files (``write(folder)``/``read(folder, data)``). Each carries a ``VERSION``
that changes when its JSON or files change shape, so a reader can refuse what it does not know.

Files, by section: video → proxy.mp4, poster.jpg; pose → poses.npz; athlete → overlay.json;
kinematics → kinematics.npz, angles.csv; events → events.json; feedback → feedback.json;
actions → actions.json; masks → masks.npz, cutout.json, silhouette.csv; dance → dance.json.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from inference.posedata import PoseSequence
from inference.tracking import TrackSummary

OVERLAY_MAX_FPS = 30.0  # skeleton samples per second drawn over the video
CUTOUT_MAX_FPS = 15.0  # athlete outlines per second
SILHOUETTE_MAX_POINTS = 500  # points of the report's silhouette chart


class SectionVersionError(ValueError):
    """A stored section was written by a newer or older layout than this code reads."""


def dump_json(path: Path, data: dict[str, Any], *, compact: bool = False) -> None:
    text = json.dumps(data, allow_nan=False, separators=(",", ":") if compact else None,
                      indent=None if compact else 1)  # fmt: skip
    path.write_text(text + "\n")


def check_version(name: str, data: dict[str, Any], version: int) -> None:
    found = data.get("version")
    if found != version:
        raise SectionVersionError(f"{name} section has version {found!r}; this code reads {version}")


@dataclass(frozen=True)
class VideoSection:
    """probe: the source's probe (size, fps, duration, rotation...); proxy: the browser proxy's
    {"width", "height", "frames", "audio"} or None when no proxy was made; files: the proxy and
    poster's local paths while the run's folder exists; camera: the background's shift per frame
    in source pixels and, where a plain shift does not explain it (a turn, a zoom), its homography
    (``h``; :meth:`inference.kinematics.camera.CameraMotion.to_json`; None when the pose stage did
    not measure it, results stored before it did; ``h`` absent in results stored before it)."""

    NAME: ClassVar[str] = "video"
    VERSION: ClassVar[int] = 1
    FILES: ClassVar[tuple[str, ...]] = ("proxy.mp4", "poster.jpg")
    probe: dict[str, Any]
    proxy: dict[str, Any] | None = None
    folder: Path | None = field(default=None, compare=False)
    camera: dict[str, Any] | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        out = {"version": self.VERSION, "probe": self.probe, "proxy": self.proxy}
        return out if self.camera is None else {**out, "camera": self.camera}

    def write(self, out: Path) -> None:
        if self.folder is None or self.folder.resolve() == out.resolve():
            return
        for name in self.FILES:
            if (self.folder / name).exists():
                shutil.copyfile(self.folder / name, out / name)

    @classmethod
    def read(cls, folder: Path, data: dict[str, Any]) -> VideoSection:
        check_version(cls.NAME, data, cls.VERSION)
        return cls(probe=data["probe"], proxy=data.get("proxy"), folder=folder, camera=data.get("camera"))


@dataclass(frozen=True)
class PoseSection:
    """poses: every tracked person (T, P, K, 3) in source pixels, ``poses.track_ids`` (P,);
    people: per-track quality; backend / models: the backend's name and its files' sha256."""

    NAME: ClassVar[str] = "pose"
    VERSION: ClassVar[int] = 1
    poses: PoseSequence
    people: tuple[TrackSummary, ...]
    backend: str
    models: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {"version": self.VERSION, "backend": self.backend, "skeleton": self.poses.skeleton,
                "models": self.models, "frames": self.poses.num_frames, "size": list(self.poses.size),
                "fps": self.poses.fps, "people": [p.as_dict() for p in self.people]}  # fmt: skip

    def write(self, out: Path) -> None:
        self.poses.save(out / "poses.npz")

    @classmethod
    def read(cls, folder: Path, data: dict[str, Any]) -> PoseSection:
        check_version(cls.NAME, data, cls.VERSION)
        return cls(poses=PoseSequence.load(folder / "poses.npz"),
                   people=tuple(TrackSummary(**p) for p in data["people"]),
                   backend=data["backend"], models=dict(data["models"]))  # fmt: skip


@dataclass(frozen=True)
class AthleteSection:
    """track_id: the athlete's track (None: nobody found); source: "auto" (the tracking rule) or
    "click" (a coach's choice); overlay: the compact keypoints the page draws, athlete marked."""

    NAME: ClassVar[str] = "athlete"
    VERSION: ClassVar[int] = 1
    track_id: int | None
    source: str
    frames_with_athlete: int
    overlay: dict[str, Any] = field(repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"version": self.VERSION, "track_id": self.track_id, "source": self.source,
                "frames_with_athlete": self.frames_with_athlete}  # fmt: skip

    def write(self, out: Path) -> None:
        dump_json(out / "overlay.json", self.overlay, compact=True)

    @classmethod
    def read(cls, folder: Path, data: dict[str, Any]) -> AthleteSection:
        check_version(cls.NAME, data, cls.VERSION)
        return cls(track_id=data["track_id"], source=data["source"],
                   frames_with_athlete=int(data["frames_with_athlete"]),
                   overlay=json.loads((folder / "overlay.json").read_text()))  # fmt: skip


@dataclass(frozen=True)
class KinematicsSection:
    """kinematics: an :class:`inference.kinematics.core.Kinematics` (None with ``reason`` when
    nothing could be measured); camera: where the camera moved for this athlete
    (:func:`inference.kinematics.camera.camera_summary`; None when not measured)."""

    NAME: ClassVar[str] = "kinematics"
    VERSION: ClassVar[int] = 1
    kinematics: Any
    reason: str | None = None
    camera: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        measured = 0 if self.kinematics is None else int(np.isfinite(self.kinematics.angles).any(axis=1).sum())
        out = {"version": self.VERSION, "frames_with_angles": measured, "reason": self.reason}
        return out if self.camera is None else {**out, "camera": self.camera}

    def write(self, out: Path) -> None:
        from inference.kinematics.angles import ANGLE_NAMES

        if self.kinematics is None:
            (out / "angles.csv").write_text(",".join(("time", *ANGLE_NAMES)) + "\n")
            return
        self.kinematics.to_csv(out / "angles.csv")
        self.kinematics.save(out / "kinematics.npz")

    @classmethod
    def read(cls, folder: Path, data: dict[str, Any]) -> KinematicsSection:
        from inference.kinematics.core import Kinematics

        check_version(cls.NAME, data, cls.VERSION)
        path = folder / "kinematics.npz"
        return cls(Kinematics.load(path) if path.exists() else None, data.get("reason"), data.get("camera"))


@dataclass(frozen=True)
class _JsonFileSection:
    """A section whose content is one JSON document (``data``); ``live`` keeps the engine's own
    object while the run that made it is in memory (later stages use it)."""

    NAME: ClassVar[str] = ""
    VERSION: ClassVar[int] = 1
    data: dict[str, Any]
    live: Any = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"version": self.VERSION, **self.data}

    def write(self, out: Path) -> None:
        dump_json(out / f"{self.NAME}.json", self.data)

    @classmethod
    def read(cls, folder: Path, data: dict[str, Any]) -> Any:
        check_version(cls.NAME, data, cls.VERSION)
        return cls(data=json.loads((folder / f"{cls.NAME}.json").read_text()))


@dataclass(frozen=True)
class EventsSection(_JsonFileSection):
    """Reps, jumps (drops, box jumps) and steps, each with a confidence
    (:meth:`inference.kinematics.events.Events.to_dict` plus the
    pixel scale); ``live``: the Events."""

    NAME: ClassVar[str] = "events"


@dataclass(frozen=True)
class FeedbackSection(_JsonFileSection):
    """Technique findings (:meth:`inference.feedback.engine.Feedback.to_dict`)."""

    NAME: ClassVar[str] = "feedback"


@dataclass(frozen=True)
class ActionsSection(_JsonFileSection):
    """Action segments (:meth:`inference.actions.ActionsResult.to_json`)."""

    NAME: ClassVar[str] = "actions"


@dataclass(frozen=True)
class DanceSection(_JsonFileSection):
    """Dance uploads: the music's beats, every dancer's accents against them and the group's
    synchronisation (:meth:`inference.dance.DanceResult.to_json`); ``live``: the DanceResult."""

    NAME: ClassVar[str] = "dance"


@dataclass(frozen=True)
class MasksSection:
    """masks: an :class:`inference.segmentation.MaskSequence` (every person, and the athlete)."""

    NAME: ClassVar[str] = "masks"
    VERSION: ClassVar[int] = 1
    masks: Any

    def to_json(self) -> dict[str, Any]:
        return {"version": self.VERSION, "level": self.masks.level, "size": list(self.masks.size),
                "silhouette": silhouette_summary(self.masks.silhouette())}  # fmt: skip

    def write(self, out: Path) -> None:
        self.masks.save(out / "masks.npz")
        dump_json(out / "cutout.json", self.masks.contours_json(max_fps=CUTOUT_MAX_FPS), compact=True)
        shape = self.masks.silhouette()
        columns = ["times", "area", "width", "height", "area_px", "width_px", "height_px"]
        np.savetxt(out / "silhouette.csv", np.column_stack([shape[c] for c in columns]), delimiter=",",
                   header=",".join(columns), comments="", fmt="%.6g")  # fmt: skip

    @classmethod
    def read(cls, folder: Path, data: dict[str, Any]) -> MasksSection:
        from inference.segmentation.masks import MaskSequence

        check_version(cls.NAME, data, cls.VERSION)
        return cls(MaskSequence.load(folder / "masks.npz"))


def silhouette_summary(silhouette: dict[str, np.ndarray], max_points: int = SILHOUETTE_MAX_POINTS) -> dict[str, Any]:
    """The silhouette's area, width and height over time, decimated for a chart (None for gaps)."""
    t = np.asarray(silhouette["times"], dtype=float)
    step = max(1, int(np.ceil(len(t) / max_points)))
    out: dict[str, Any] = {"t": [round(float(v), 3) for v in t[::step]]}
    for name in ("area", "width", "height"):
        values = np.asarray(silhouette[name], dtype=float)[::step]
        out[name] = [None if not np.isfinite(x) else round(float(x), 4) for x in values]
    return out
