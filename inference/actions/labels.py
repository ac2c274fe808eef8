"""``label_actions``: the action segments of one athlete over a whole video, and DIR/actions.json.

The athlete's track is mapped to the action joints, resampled to the model's rate, cut into sliding
windows (:mod:`inference.actions.segment`), classified by the ST-GCN, and spread back to frames.
Where the window model says "idle", the per-frame posture classifier (:mod:`.posture`) says which
static posture it is (squat, plank, push-up, seated, yoga; "stand" stays idle); squatting also
takes its share of "getup" (:data:`POSTURE_HOSTS`). A squat set has
standing frames between its bottoms, so each non-standing posture's probability is a running
maximum over POSTURE_HOLD_S before the split. Repetitions inside a segment are the kinematics
events of that movement (:mod:`inference.kinematics.events`): steps for walk and run, jumps for jump,
reps for squat; and the technique rules of those movements are judged inside their segments
(:mod:`inference.feedback.actions`).

Before the windows are spread to frames, each window's probabilities are checked
(:mod:`.plausibility`): classes whose physical requirement fails in the window
(:data:`.plausibility.CLASS_REQUIREMENTS`: a cartwheel needs the body upside down, a crawl the
trunk near horizontal, walk and run feet that alternate, …) lose their probability, and a window
with little plausible probability left becomes unknown; a window whose embedding is far from every
training window (:data:`.plausibility.OOD_DISTANCE`) keeps only the classes the postures share.
A window whose best remaining probability is below ``SegmentConfig.min_confidence`` (calibrated on
held-out-camera windows, :mod:`.calibrate`) is unknown too: a confidently wrong label is worse
than "unknown". After the postures have taken their share, "idle" (standing, nothing in
particular) keeps only the frames whose windows are still and end in the posture they began in
(:func:`.plausibility.standing_idle`).
Frames where the athlete is not tracked are never labelled (:func:`tracked_frames`).

Steps found by the kinematics are not evidence of a gait here: an earlier rule that turned unsure
windows into walk from two steps was removed (two swings of the same foot passed for a gait).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from scipy.ndimage import maximum_filter1d

from inference.actions import plausibility
from inference.actions import segment as seg
from inference.actions.classes import ActionClass
from inference.actions.features import normalize, presence, resample_track
from inference.actions.joints import to_action_joints
from inference.actions.model import WEIGHTS_DIR, ActionModel, load_action_model
from inference.movements import Movement
from inference.posedata import PoseSequence

log = logging.getLogger(__name__)

# label → (movement whose events count its repetitions, event kind)
REP_EVENTS: dict[str, tuple[Movement, str]] = {  # keyed by ActionClass; looked up by segment labels
    ActionClass.WALK: (Movement.WALK, "step"), ActionClass.RUN: (Movement.RUN, "step"),
    ActionClass.JUMP: (Movement.JUMP, "jump"), ActionClass.SQUAT: (Movement.SQUAT, "rep")}  # fmt: skip
POSTURE_DIR = WEIGHTS_DIR / "posture"
# Window classes whose probability the per-frame postures share (None: every posture). The window
# model has no squat class (no squat in the motion capture): the down-and-up of a squat set is
# closest to its "getup", so a squatting posture takes its share of getup too. A real get-up from
# the floor passes through a crouch for well under the minimum segment length.
POSTURE_HOLD_S = 1.5  # a squat set stands up between its bottoms
POSTURE_HOSTS: dict[ActionClass, tuple[ActionClass, ...] | None] = {ActionClass.IDLE: None,
                                                                    ActionClass.GETUP: (ActionClass.SQUAT,)}
# Interior gaps in the athlete's track shorter than the shortest segment (SegmentConfig
# min_duration_s) are bridged: a pose missed for a few frames is still the athlete's tracked time.


@dataclass(frozen=True)
class ActionsResult:
    """Segments of one athlete; ``probabilities`` (T, C) per frame on ``times`` (T,), NaN where
    nobody was seen; ``reason`` says why there is nothing (no athlete, too short)."""

    model: dict[str, str]
    classes: tuple[str, ...]
    segments: tuple[seg.Segment, ...]
    times: np.ndarray = field(repr=False)
    probabilities: np.ndarray = field(repr=False)
    config: seg.SegmentConfig = seg.SegmentConfig()
    reason: str | None = None
    feedback: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, dict[str, float | int]]:
        """Per label: number of segments, seconds, repetitions."""
        out: dict[str, dict[str, float | int]] = {}
        for s in self.segments:
            entry = out.setdefault(s.label, {"segments": 0, "seconds": 0.0, "reps": 0})
            entry["segments"] += 1
            entry["seconds"] = round(entry["seconds"] + s.end - s.start, 3)
            entry["reps"] += s.reps or 0
        return out

    def to_json(self) -> dict[str, Any]:
        """What DIR/actions.json holds."""
        return {"model": self.model, "classes": list(self.classes),
                "segments": [s.as_dict() for s in self.segments], "summary": self.summary(),
                "feedback": self.feedback, "config": vars(self.config), "reason": self.reason}  # fmt: skip


class _PoseResult(Protocol):
    @property
    def poses(self) -> PoseSequence: ...

    @property
    def athlete_index(self) -> int | None: ...


_posture_model: Any = None
_posture_lock = threading.Lock()


def load_posture_model() -> Any:
    """The committed per-frame posture classifier (None without its files), read once per process
    (its network is built on first use; inference.pipeline.warm builds it as a worker starts)."""
    global _posture_model
    with _posture_lock:
        if _posture_model is None and (POSTURE_DIR / "posture.json").is_file():
            from inference.actions.posture import PostureModel

            _posture_model = PostureModel.read(POSTURE_DIR)
            log.info("model loaded: posture %s", POSTURE_DIR)
        return _posture_model


def fuse_posture(probs: np.ndarray, classes: tuple[str, ...], posture: np.ndarray,
                 posture_classes: tuple[str, ...], hold: int) -> tuple[np.ndarray, tuple[str, ...]]:
    """Give postures (T, P) their share of the window classes that host them
    (:data:`POSTURE_HOSTS`): (T, C) → (T, C') and the classes C'. A host keeps its own name for the
    share of its "stand" posture (or of the postures it does not host)."""
    hosts = {h: names for h, names in POSTURE_HOSTS.items() if h in classes}
    if not hosts:
        return probs, classes
    held = posture.copy()
    for p, name in enumerate(posture_classes):
        if name != ActionClass.STAND:
            held[:, p] = maximum_filter1d(np.nan_to_num(posture[:, p]), max(1, hold), mode="nearest")
    held /= np.maximum(held.sum(1, keepdims=True), 1e-9)
    names = list(classes) + [p for p in posture_classes if p != ActionClass.STAND and p not in classes]
    out = np.zeros((len(probs), len(names)))
    out[:, : len(classes)] = probs
    for host, hosted in hosts.items():
        mass = probs[:, classes.index(host)]
        for p, name in enumerate(posture_classes):
            if name != ActionClass.STAND and (hosted is None or name in hosted):
                out[:, names.index(name)] += mass * held[:, p]
                out[:, classes.index(host)] -= mass * held[:, p]
    return out, tuple(names)


def _with_kinematics(segments: list[seg.Segment], poses: PoseSequence, index: int,
                     kin: Any = None) -> tuple[list[seg.Segment], dict[str, Any]]:
    """Repetitions per segment and the technique feedback inside the segments that have rules
    (``kin``: the athlete's kinematics if already computed)."""
    from inference.feedback.actions import ACTION_MOVEMENTS, feedback_in_segments

    if not any(s.label in REP_EVENTS or s.label in ACTION_MOVEMENTS for s in segments):
        return segments, {}
    from inference.kinematics.core import compute_kinematics
    from inference.kinematics.events import detect_events

    kin = kin if kin is not None else compute_kinematics(poses, index)
    events = {m: detect_events(kin, m) for m in dict.fromkeys(REP_EVENTS[s.label][0] for s in segments
                                                              if s.label in REP_EVENTS)}  # fmt: skip
    out = []
    for s in segments:
        if s.label in REP_EVENTS:
            movement, kind = REP_EVENTS[s.label]
            middles = [(e.start + e.end) / 2 for e in events[movement].of_kind(kind)]
            s = seg.Segment(s.label, s.start, s.end, s.confidence, sum(1 for m in middles if s.start <= m < s.end))
        out.append(s)
    return out, feedback_in_segments(kin, out)


_replay: dict[Any, np.ndarray | None] = {}


def _replay_embeddings(model: ActionModel) -> np.ndarray | None:
    """The model's replay embeddings (None without replay.npz), cached per weights file and its
    modification time (a team model saved again in the same folder gets new ones)."""
    path = model.weights_path
    key = (path, path.stat().st_mtime_ns if path is not None and path.is_file() else None)
    if key not in _replay:
        from inference.actions.team import load_replay

        try:
            _replay[key] = load_replay(model)[0]
        except FileNotFoundError:
            _replay[key] = None
    return _replay[key]


def tracked_frames(track: np.ndarray, max_gap: int) -> np.ndarray:
    """(T, V, 3) action joints → (T,) bool: the athlete is tracked (at least 4 joints seen), with
    interior gaps of at most ``max_gap`` frames bridged; nothing before the first or after the last
    seen frame."""
    seen = presence(track).sum(1) >= 4
    out = seen.copy()
    idx = np.flatnonzero(seen)
    for a, b in zip(idx[:-1], idx[1:], strict=True):
        if 1 < b - a <= max_gap + 1:
            out[a:b] = True
    return out


def confident(window_probs: np.ndarray, min_confidence: float) -> np.ndarray:
    """(W, C) → (W, C) with the windows whose best probability is below ``min_confidence`` set to
    zeros (unknown)."""
    return np.where(window_probs.max(1, initial=0.0)[:, None] >= min_confidence, window_probs, 0.0)


def idle_share(windows: np.ndarray, usable: np.ndarray, starts: np.ndarray, frames: int,
               num_frames: int) -> np.ndarray:
    """(T,) share of each frame's (Hann-weighted) usable windows ``windows`` (W, 3, T, V) that are
    idle as the idle class is in training (:func:`.plausibility.standing_idle`: still, no change of
    posture); 1 where no usable window covers."""
    idle = np.array([float(plausibility.standing_idle(w)) for w in windows]).reshape(len(windows), 1)
    share = seg.frame_probabilities(idle, starts, frames, num_frames, usable)[:, 0]
    return np.nan_to_num(share, nan=1.0)


def checked_window_probabilities(model: ActionModel, batch: np.ndarray) -> np.ndarray:
    """(N, 3, T, V) normalised windows → (N, C) probabilities after the physical requirements and
    the distance to the training data (:mod:`.plausibility`); unknown windows are zeros. A window
    far from every training window keeps only the classes that host postures (idle, getup): the
    per-frame posture classifier, trained on other data, still speaks for those frames (a squat set
    is far from the motion capture, which has no squat)."""
    replay = _replay_embeddings(model)
    if replay is None:
        probs = model.predict(batch)
    else:
        probs, embeddings = model.predict_with_embeddings(batch)
    mask = plausibility.plausible(batch, model.classes)
    if replay is not None:
        far = plausibility.nearest_distance(embeddings, replay) > plausibility.OOD_DISTANCE
        hosts = np.array([c in POSTURE_HOSTS for c in model.classes])
        mask &= ~far[:, None] | hosts[None]
    return plausibility.gate(probs, mask)


def _empty(model: ActionModel, reason: str, config: seg.SegmentConfig) -> ActionsResult:
    return ActionsResult({"name": model.name, "version": model.version}, model.classes, (), np.zeros(0),
                         np.zeros((0, len(model.classes))), config, reason)  # fmt: skip


def label_actions(poses: PoseSequence, athlete_index: int | None, *, model: ActionModel | None = None,
                  progress: Callable[[float], None] | None = None,
                  config: seg.SegmentConfig | None = None, kinematics: Any = None) -> ActionsResult:
    """Action segments of person slot ``athlete_index`` of ``poses`` (see the module docstring).
    ``kinematics``: the athlete's :class:`~inference.kinematics.core.Kinematics` when the caller
    has them already (the pipeline does), so they are not computed twice."""
    model = model or load_action_model()
    config = config or seg.SegmentConfig()
    if athlete_index is None:
        return _empty(model, "no athlete was found in the video", config)
    track = to_action_joints(poses.keypoints[:, athlete_index], poses.skeleton)
    seen_frames = presence(track).sum(1) >= 4
    if seen_frames.sum() < 2:
        return _empty(model, "the athlete is seen in too few frames", config)
    track, times = resample_track(track, np.asarray(poses.timestamps, np.float64), model.fps)
    starts = seg.window_starts(len(track), model.frames, int(round(config.stride_s * model.fps)))
    windows = seg.cut_windows(track, starts, model.frames)
    usable = (presence(windows).sum(-1) >= 4).mean(-1) >= config.min_presence * min(1.0, len(track) / model.frames)
    batch = np.stack([normalize(w) for w in windows]) if len(windows) else np.zeros((0, 3, model.frames, 15))
    window_probs = np.zeros((len(windows), len(model.classes)), np.float32)
    for i in range(0, len(windows), 256):
        part = np.flatnonzero(usable[i : i + 256]) + i
        if len(part):
            window_probs[part] = checked_window_probabilities(model, batch[part])
        if progress:
            progress(min(1.0, (i + 256) / max(len(windows), 1)) * 0.9)
    window_probs = confident(window_probs, config.min_confidence)
    probs = seg.frame_probabilities(window_probs, starts, model.frames, len(track), usable)
    classes = model.classes
    posture_model = load_posture_model()
    if posture_model is not None:
        seen = presence(track).sum(1) >= 6
        posture = np.full((len(track), len(posture_model.classes)), np.nan)
        posture[seen] = posture_model.predict(track[seen])
        posture[~seen] = np.eye(len(posture_model.classes))[posture_model.classes.index(ActionClass.STAND)]
        probs, classes = fuse_posture(probs, classes, posture, posture_model.classes, int(POSTURE_HOLD_S * model.fps))
    if ActionClass.IDLE in classes:  # what idle keeps after the postures: standing still
        probs[:, classes.index(ActionClass.IDLE)] *= idle_share(batch, usable, starts, model.frames, len(track))
    min_frames = max(1, int(round(config.min_duration_s * model.fps)))
    tracked = tracked_frames(track, min_frames - 1)
    probs[~tracked] = np.nan
    smooth = seg.moving_average(probs, int(round(config.smooth_s * model.fps)) | 1)
    labels = seg.smooth_labels(smooth, config.threshold, config.margin)
    segments = seg.segments_from_labels(labels, smooth, times, classes, min_frames, tracked)
    segments, feedback = _with_kinematics(segments, poses, athlete_index, kinematics)
    if progress:
        progress(1.0)
    return ActionsResult({"name": model.name, "version": model.version}, classes, tuple(segments), times,
                         smooth.astype(np.float32), config, feedback=feedback)  # fmt: skip


def write_actions(result: ActionsResult | _PoseResult, out_dir: str | Path, *, model: ActionModel | None = None,
                  progress: Callable[[float], None] | None = None) -> dict[str, Any]:
    """Write DIR/actions.json from an :class:`ActionsResult`, or label an analysis result (anything
    with ``poses`` and ``athlete_index``, e.g. :class:`inference.pipeline.AnalysisResult`) first.
    Returns {"actions_json": path, "model": {...}, "segments": count, "summary": ..., "reason"}."""
    actions = result if isinstance(result, ActionsResult) else label_actions(
        result.poses, result.athlete_index, model=model, progress=progress)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "actions.json"
    path.write_text(json.dumps(actions.to_json(), indent=1, allow_nan=False) + "\n")
    return {"actions_json": str(path), "model": actions.model, "segments": len(actions.segments),
            "summary": actions.summary(), "reason": actions.reason}  # fmt: skip
