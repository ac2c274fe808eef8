"""The one place where bench/realworld.py runs the analysis: ``run_clip(path, movement) -> ClipOutputs``.

Everything the scoreboard reads about a clip comes out of :func:`run_clip` as plain arrays, so a
change of the engine's API is a change here only. It calls ``inference.pipeline.analyze`` — the
stage table the CLI and the worker run: poses, tracks, athlete, segmentation, kinematics, events
and feedback for ``movement``, actions — and reads its sections.

Events are detected twice beside the movement's own: the jump detector and the step detector run
on every clip (``detect_events(kin, "jump")`` and ``(kin, "walk")``, given the camera's track as
the events stage gives it), so the scoreboard measures the detectors themselves on every clip,
including false detections on clips without jumps or steps, whatever movement a coach would have
picked.

Shapes: T frames, P people, K keypoints, A angles, C action classes, M mask frames, (h, w) the
segmentation's working resolution.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class ClipOutputs:
    """What the analysis said about one clip.

    keypoints: (T, P, K, 3) source pixels (display orientation) and confidence, NaN absent;
    timestamps: (T,) seconds; track_ids: (P,); skeleton: keypoint set name; athlete_index: the
    chosen athlete's slot in P (None: nobody).
    angle_names: (A,); angles: (T, A) degrees of the athlete (NaN where not measurable).
    movement: the movement events and feedback were run for; findings: rule ids fired for it;
    segment_findings: rule ids fired inside recognised action segments ("movement:rule").
    jumps: [(take-off, landing)] seconds; steps: [(touch-down, side)]; cadence_spm: of those steps.
    action_segments: [(label, start, end, confidence or None)]; action_classes: (C,);
    action_times: (T',) seconds; action_probabilities: (T', C).
    mask_foreground: (M, h, w) bool; mask_times: (M,); mask_source_size: (W, H) the frame the
    masks cover.
    seconds: wall time of the analysis.
    """

    keypoints: np.ndarray
    timestamps: np.ndarray
    track_ids: np.ndarray
    skeleton: str
    athlete_index: int | None
    angle_names: tuple[str, ...]
    angles: np.ndarray
    movement: str
    findings: tuple[str, ...]
    segment_findings: tuple[str, ...]
    jumps: tuple[tuple[float, float], ...]
    steps: tuple[tuple[float, str], ...]
    cadence_spm: float | None
    action_segments: tuple[tuple[str, float, float, float | None], ...]
    action_classes: tuple[str, ...]
    action_times: np.ndarray
    action_probabilities: np.ndarray
    mask_foreground: np.ndarray
    mask_times: np.ndarray
    mask_source_size: tuple[int, int]
    seconds: float = 0.0

    _ARRAYS = ("keypoints", "timestamps", "track_ids", "angles", "action_times", "action_probabilities",
               "mask_foreground", "mask_times")  # fmt: skip

    def save(self, path: Path) -> None:
        """PATH.npz (arrays) and PATH.json (the rest): a development cache, not a result format."""
        np.savez_compressed(path.with_suffix(".npz"), **{k: getattr(self, k) for k in self._ARRAYS})
        rest = {k: v for k, v in vars(self).items() if k not in self._ARRAYS}
        path.with_suffix(".json").write_text(json.dumps(rest, indent=1))

    @classmethod
    def load(cls, path: Path) -> ClipOutputs:
        rest = json.loads(path.with_suffix(".json").read_text())
        with np.load(path.with_suffix(".npz")) as data:
            arrays = {k: data[k] for k in cls._ARRAYS}
        return cls(**arrays, skeleton=rest["skeleton"], athlete_index=rest["athlete_index"],
                   angle_names=tuple(rest["angle_names"]), movement=rest["movement"],
                   findings=tuple(rest["findings"]), segment_findings=tuple(rest["segment_findings"]),
                   jumps=tuple((a, b) for a, b in rest["jumps"]), steps=tuple((t, s) for t, s in rest["steps"]),
                   cadence_spm=rest["cadence_spm"],
                   action_segments=tuple((a, b, c, d) for a, b, c, d in rest["action_segments"]),
                   action_classes=tuple(rest["action_classes"]), mask_source_size=tuple(rest["mask_source_size"]),
                   seconds=rest["seconds"])  # fmt: skip


def run_clip(path: Path, movement: str = "general") -> ClipOutputs:
    """Run the whole analysis of the clip at ``path`` with default settings; events and technique
    rules for ``movement`` (a :class:`inference.movements.Movement` value)."""
    from inference.kinematics.camera import athlete_track
    from inference.kinematics.events import FLIGHT_KINDS, cadence, detect_events
    from inference.movements import Movement
    from inference.pipeline import AnalysisConfig, analyze

    started = time.perf_counter()
    result = analyze(path, AnalysisConfig(movement=Movement.parse(movement)))
    poses, index = result.poses, result.athlete_index
    kin = None if result.kinematics is None else result.kinematics.kinematics
    angles, angle_names = (np.full((poses.num_frames, 0), np.nan), ()) if kin is None else (kin.angles, kin.angle_names)
    jumps: tuple[tuple[float, float], ...] = ()
    steps: tuple[tuple[float, str], ...] = ()
    steps_per_minute = None
    if kin is not None:
        # The truth lists flight phases (both feet off the ground); drops and box jumps are flights too.
        background = athlete_track(result.video.camera if result.video is not None else None, kin)
        jumps = tuple((e.start, e.end) for e in detect_events(kin, "jump", background=background).events
                      if e.kind in FLIGHT_KINDS)  # fmt: skip
        step_events = detect_events(kin, "walk", background=background).of_kind("step")
        steps = tuple((e.end, e.side or "") for e in step_events)
        steps_per_minute = cadence(step_events)
    findings = tuple(f["rule"] for f in (result.feedback.data.get("findings", []) if result.feedback else []))
    actions = result.actions.live if result.actions is not None else None
    segment_feedback = actions.feedback if actions is not None else {}
    segment_findings = tuple(f"{m}:{f['rule']}" for m, fb in segment_feedback.items() for f in fb["findings"])
    masks = result.masks.masks if result.masks is not None else None
    return ClipOutputs(
        keypoints=poses.keypoints, timestamps=np.asarray(poses.timestamps, np.float64),
        track_ids=poses.track_ids, skeleton=poses.skeleton, athlete_index=index,
        angle_names=tuple(angle_names), angles=np.asarray(angles, np.float64), movement=movement,
        findings=findings, segment_findings=segment_findings, jumps=jumps, steps=steps,
        cadence_spm=steps_per_minute,
        action_segments=tuple((s.label, s.start, s.end, s.confidence) for s in actions.segments) if actions else (),
        action_classes=tuple(actions.classes) if actions else (),
        action_times=np.asarray(actions.times if actions else np.zeros(0), np.float64),
        action_probabilities=np.asarray(actions.probabilities if actions else np.zeros((0, 0)), np.float64),
        mask_foreground=masks.foreground.unpacked() if masks is not None else np.zeros((0, 1, 1), bool),
        mask_times=masks.times if masks is not None else np.zeros(0),
        mask_source_size=masks.source_size if masks is not None else poses.size,
        seconds=time.perf_counter() - started,
    )  # fmt: skip
