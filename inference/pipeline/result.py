""":class:`AnalysisResult`: every section an analysis produced, written to and read from one folder.

DIR/result.json holds {"schema": SCHEMA_VERSION, "config", "timings", "sections": {name: JSON}};
each section writes its own files beside it (see :mod:`inference.pipeline.sections`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from inference.pipeline.config import AnalysisConfig
from inference.pipeline.sections import (
    ActionsSection,
    AthleteSection,
    DanceSection,
    EventsSection,
    FeedbackSection,
    KinematicsSection,
    MasksSection,
    PoseSection,
    SectionVersionError,
    VideoSection,
    dump_json,
)
from inference.posedata import PoseSequence

SCHEMA_VERSION = 1
SECTIONS: dict[str, Any] = {cls.NAME: cls for cls in (
    VideoSection, PoseSection, AthleteSection, KinematicsSection, EventsSection, FeedbackSection,
    ActionsSection, MasksSection, DanceSection)}  # fmt: skip


@dataclass(frozen=True)
class AnalysisResult:
    """What :func:`inference.pipeline.analyze` found; a section is None when its stage did not run
    (``config.until``) or was cleared for :func:`inference.pipeline.reanalyze`.

    timings: seconds per stage ("decode" runs in a thread beside "pose", so stages can add up to
    more than "total").
    """

    config: AnalysisConfig
    video: VideoSection | None = None
    pose: PoseSection | None = None
    athlete: AthleteSection | None = None
    kinematics: KinematicsSection | None = None
    events: EventsSection | None = None
    feedback: FeedbackSection | None = None
    actions: ActionsSection | None = None
    masks: MasksSection | None = None
    dance: DanceSection | None = None
    timings: dict[str, float] = field(default_factory=dict, compare=False)

    # The shortcuts later stages and callers use most.
    @property
    def poses(self) -> PoseSequence:
        if self.pose is None:
            raise ValueError("the pose stage has not run")
        return self.pose.poses

    @property
    def athlete_track_id(self) -> int | None:
        return None if self.athlete is None else self.athlete.track_id

    @property
    def athlete_index(self) -> int | None:
        """The athlete's person slot in ``poses`` (index along P)."""
        if self.athlete_track_id is None or self.pose is None:
            return None
        return int(np.flatnonzero(self.pose.poses.track_ids == self.athlete_track_id)[0])

    def athlete_keypoints(self) -> np.ndarray | None:
        """(T, K, 3) the athlete's keypoints, NaN where absent."""
        index = self.athlete_index
        return None if index is None else self.poses.keypoints[:, index]

    @property
    def frames_with_athlete(self) -> int:
        return 0 if self.athlete is None else self.athlete.frames_with_athlete

    def with_section(self, name: str, section: Any) -> AnalysisResult:
        return replace(self, **{name: section})

    def sections(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in SECTIONS if getattr(self, name) is not None}

    def to_json(self) -> dict[str, Any]:
        """What result.json holds."""
        return {"schema": SCHEMA_VERSION, "config": self.config.as_json(),
                "timings": {k: round(v, 3) for k, v in self.timings.items()},
                "sections": {name: s.to_json() for name, s in self.sections().items()}}  # fmt: skip

    def write(self, directory: str | Path) -> list[Path]:
        """Write result.json and every section's files into ``directory``; returns the files of
        the folder (the run's folder holds nothing else)."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        for section in self.sections().values():
            section.write(out)
        dump_json(out / "result.json", self.to_json())
        return sorted(path for path in out.iterdir() if path.is_file())

    @classmethod
    def read(cls, directory: str | Path) -> AnalysisResult:
        """The result a :meth:`write` left in ``directory``. SectionVersionError for a layout this
        code does not read."""
        folder = Path(directory)
        data = json.loads((folder / "result.json").read_text())
        if data.get("schema") != SCHEMA_VERSION:
            raise SectionVersionError(f"result.json has schema {data.get('schema')!r}; this code reads {SCHEMA_VERSION}")
        sections = {name: SECTIONS[name].read(folder, value) for name, value in data["sections"].items()}
        return cls(config=AnalysisConfig.from_json(data["config"]), timings=data.get("timings", {}), **sections)

    def summary(self) -> dict[str, Any]:
        """The run summary a worker keeps beside the files: one JSON object per section, and the
        pose section with the athlete, timings and the probe folded in as the pages read it."""
        out: dict[str, Any] = {"schema": SCHEMA_VERSION}
        for name, section in self.sections().items():
            out[name] = section.to_json()
        if self.pose is not None:
            athlete = self.athlete.to_json() if self.athlete else {}
            out["pose"] = {**out["pose"], "athlete_track_id": athlete.get("track_id"),
                           "athlete_source": athlete.get("source", "auto"),
                           "frames_with_athlete": self.frames_with_athlete,
                           "timings": {k: round(v, 3) for k, v in self.timings.items()},
                           "video": self.video.probe if self.video else {},
                           "config": self.config.as_json()}  # fmt: skip
        if self.video is not None and self.video.proxy is not None:
            out["proxy"] = self.video.proxy
        if self.masks is not None:
            out["silhouette"] = out["masks"]["silhouette"]
        return out
