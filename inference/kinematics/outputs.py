"""``write_kinematics_outputs``: the kinematics stage's files beside an analysis's poses.

DIR/angles.csv    time, one column per angle, degrees (:meth:`Kinematics.to_csv`)
DIR/kinematics.npz every array (angles, velocities, accelerations, points, centre of mass, facing)
DIR/events.json   {"movement", "events": [{"kind", "start", "end", "side", "values"}], "summary"}
DIR/feedback.json {"movement", "view", "findings": [...], "passed", "skipped", "ranges_of_motion"}

Without an athlete (nobody found) the CSV has its header only and both JSON files say why, so a
report can show the reason instead of failing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from inference.kinematics.angles import ANGLE_NAMES
from inference.kinematics.core import KinematicsConfig, compute_kinematics
from inference.pose.base import PoseSequence


class _Result(Protocol):
    """What is read from an :class:`inference.pipeline.AnalysisResult`."""

    @property
    def poses(self) -> PoseSequence: ...

    @property
    def athlete_index(self) -> int | None: ...


def _dump(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=1, allow_nan=False) + "\n")


def write_kinematics_outputs(
    result: _Result,
    out_dir: str | Path,
    movement: str = "general",
    height_cm: float | None = None,
    prior_bests: dict[str, float] | None = None,
    config: KinematicsConfig | None = None,
) -> dict[str, Any]:
    """Compute kinematics, events and feedback for the result's athlete and write them to
    ``out_dir``. Returns {"angles_csv", "events_json", "feedback_json", "kinematics_npz": paths,
    "events": events summary, "findings": count, "reason": None or why nothing was measured}."""
    from inference.feedback import evaluate_feedback
    from inference.kinematics.events import detect_events

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"angles_csv": out / "angles.csv", "events_json": out / "events.json",
             "feedback_json": out / "feedback.json", "kinematics_npz": out / "kinematics.npz"}  # fmt: skip
    index = result.athlete_index
    if index is None:
        reason = "no athlete was found in the video"
        paths["angles_csv"].write_text(",".join(("time", *ANGLE_NAMES)) + "\n")
        _dump(paths["events_json"], {"movement": movement, "events": [], "summary": {}, "reason": reason})
        _dump(paths["feedback_json"], {"movement": movement, "findings": [], "passed": [], "skipped": [], "reason": reason})
        paths.pop("kinematics_npz")
        return {**{k: str(v) for k, v in paths.items()}, "events": {}, "findings": 0, "reason": reason}
    base = config or KinematicsConfig()
    config = KinematicsConfig(**{**vars(base), "height_cm": height_cm if height_cm is not None else base.height_cm})
    kin = compute_kinematics(result.poses, index, config)
    events = detect_events(kin, movement)
    feedback = evaluate_feedback(kin, events, movement, prior_bests)
    kin.to_csv(paths["angles_csv"])
    kin.save(paths["kinematics_npz"])
    _dump(paths["events_json"], {**events.to_dict(), "scale": kin.scale.as_dict()})
    _dump(paths["feedback_json"], feedback.to_dict())
    measured = int(np.isfinite(kin.angles).any(axis=1).sum())
    return {**{k: str(v) for k, v in paths.items()}, "events": events.summary,
            "findings": len(feedback.findings), "frames_with_angles": measured, "reason": None}  # fmt: skip
