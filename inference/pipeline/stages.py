"""The analysis as a table of stages (:data:`STAGES`), the only place that orchestrates them.

probe → pose → tracking → athlete → dance → proxy → segmentation → kinematics → events → feedback → actions

Each stage reads the sections earlier stages left in ``run.result`` and adds its own. Stages marked
``athlete`` depend on who the athlete is; :func:`inference.pipeline.reanalyze` runs them again (with
``rerun`` where a cheaper way exists) after a coach chooses someone else.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from inference.pipeline.config import AnalysisConfig
from inference.pipeline.result import AnalysisResult
from inference.pipeline.sections import (
    OVERLAY_MAX_FPS,
    ActionsSection,
    AthleteSection,
    DanceSection,
    EventsSection,
    FeedbackSection,
    KinematicsSection,
    MasksSection,
    PoseSection,
    VideoSection,
)
from inference.pipeline.streaming import PREFETCH, prefetch

log = logging.getLogger(__name__)

PROGRESS_EVERY = 10  # frames between progress reports of the streaming stages


@dataclass
class Run:
    """One analysis in progress: the source, a folder for files, the result so far, and what
    streaming stages hand to the next one. ``report(fraction)`` is the current stage's progress."""

    source: Path
    workdir: Path
    config: AnalysisConfig
    result: AnalysisResult
    report: Callable[[float], None] = lambda fraction: None
    timings: dict[str, float] = field(default_factory=dict)
    tracker: Any = None
    timestamps: list[float] = field(default_factory=list)
    skeleton: str = ""
    models: dict[str, str] = field(default_factory=dict)
    proxy: dict[str, Any] | None = None  # the proxy's info when the pose stage made it

    def add(self, name: str, section: Any) -> None:
        self.result = self.result.with_section(name, section)


@dataclass(frozen=True)
class Stage:
    """weight: the stage's share of the progress bar (relative); athlete: depends on who the
    athlete is; rerun: a cheaper way to follow a new athlete than running the stage again."""

    name: str
    weight: float
    run: Callable[[Run], None]
    athlete: bool = False
    rerun: Callable[[Run], None] | None = None


def probe_stage(run: Run) -> None:
    from inference.video import probe

    run.add("video", VideoSection(probe=probe(run.source).as_dict()))


def pose_stage(run: Run) -> None:
    """Pose estimation of every frame, and each frame's people linked to the tracks so far."""
    from inference.kinematics.camera import CameraMotion
    from inference.pipeline.warm import give_back_pose_backend, take_pose_backend
    from inference.pose.registry import backend_spec
    from inference.tracking import Tracker
    from inference.tracking.appearance import torso_colours
    from inference.video import batches, iter_frames

    assert run.result.video is not None
    spec = backend_spec(run.config.backend)
    backend = take_pose_backend(run.config.backend, run.config.backend_options)  # models loaded once per process
    run.skeleton = backend.skeleton
    run.models = model_digests(spec.model_files)
    info = run.result.video.probe
    clock = time_scale(run)  # real seconds per second of the file
    run.tracker, run.timestamps = Tracker(), []
    timings = {"decode": 0.0, "pose": 0.0, "tracking": 0.0}
    camera: CameraMotion | None = None  # the background's motion, from the same frames (no second decode)
    expected = max(int(info.get("frame_count") or 0), 1)
    scale: tuple[float, float] | None = None
    if makes_proxy(run.config):  # the proxy from the same decoded frames: one decode of the source, not two
        from inference.proxy import frames_with_proxy

        run.proxy = {}
        source = frames_with_proxy(run.source, run.workdir / "proxy.mp4", run.workdir / "poster.jpg", run.proxy,
                                   max_side=run.config.max_side, duration=info.get("duration"), time_scale=clock)  # fmt: skip
    else:
        source = iter_frames(run.source, max_side=run.config.max_side)
    frames = prefetch(source, PREFETCH, timings)
    for batch in batches(frames, backend.batch_size):
        if scale is None:
            height, width = batch[0][0].shape[:2]
            scale = (info["width"] / width, info["height"] / height)
            camera = CameraMotion(scale=(scale[0] + scale[1]) / 2)
        start = time.perf_counter()
        found = backend.estimate([frame for frame, _ in batch])
        timings["pose"] += time.perf_counter() - start
        start = time.perf_counter()
        for people, (frame, t) in zip(found, batch, strict=True):
            people = np.array(people, np.float32, copy=True)
            if camera is not None:
                camera.update(frame, people, t * clock)
            colours = torso_colours(frame, people, run.skeleton)  # the shirts, for stitching tracks offline
            people[..., 0] *= scale[0]
            people[..., 1] *= scale[1]
            run.tracker.update(people, t * clock, colours)
            run.timestamps.append(t * clock)
        timings["tracking"] += time.perf_counter() - start
        if len(run.timestamps) % PROGRESS_EVERY < len(batch):
            run.report(min(len(run.timestamps) / expected, 0.99))
    give_back_pose_backend(run.config.backend, run.config.backend_options, backend)
    if camera is not None:
        timings["tracking"] -= camera.seconds
        timings["camera"] = camera.seconds
        run.add("video", replace(run.result.video, camera=camera.to_json()))
    if run.proxy:
        timings["proxy_encode"] = float(run.proxy.pop("seconds"))  # inside the decode thread's time
    run.timings.update(timings)


def makes_proxy(config: AnalysisConfig) -> bool:
    """Whether the analysis runs the proxy stage (``config.until`` is not before it)."""
    names = stage_names()
    return config.until is None or names.index(config.until) >= names.index("proxy")


def time_scale(run: Run) -> float:
    """Real seconds per second of the file (:meth:`AnalysisConfig.time_scale`): the one place a
    capture rate enters the timeline, here as the frames' times are read, so poses, kinematics,
    events, feedback and actions all run on real time. A capture rate below the file's rate is
    the user's mistake: a VideoError with the reason."""
    from inference.video import VideoError

    assert run.result.video is not None
    try:
        return run.config.time_scale(float(run.result.video.probe.get("fps") or 0.0))
    except ValueError as exc:
        raise VideoError(f"The capture rate is wrong: {exc}.") from exc


def model_digests(names: tuple[str, ...]) -> dict[str, str]:
    """sha256 of each model file, verified (once per process) before it is reported."""
    from inference.models import DERIVED, FILES, model_path

    digests = {}
    for name in names:
        model_path(name)
        digests[name] = FILES[name].sha256 if name in FILES else DERIVED[name].content_sha256
    return digests


def tracking_stage(run: Run) -> None:
    """The online pass's tracklets stitched into identities over the whole video (motion, size,
    torso colour; inference/tracking/stitch.py), those that are not people dropped (visibility,
    body proportions; inference/tracking/plausible.py), people out of view for seconds
    re-identified by torso colour (stitch.reidentify), and frames where no body is seen dropped,
    assembled into person slots; short-lived
    ones dropped as noise."""
    from inference.posedata import PoseSequence
    from inference.skeleton import get_skeleton
    from inference.tracking import summarize
    from inference.tracking.geometry import unseen_outside_frame
    from inference.tracking.plausible import is_person, seen_frames
    from inference.tracking.stitch import assemble, reidentify, stitch

    assert run.result.video is not None and run.tracker is not None
    info = run.result.video.probe
    skeleton = get_skeleton(run.skeleton)
    people = [group for group in stitch(run.tracker.tracklets(), skeleton.limbs) if is_person(group)]
    identities = [seen_frames(group) for group in reidentify(people, skeleton.limbs)]
    keypoints, track_ids = assemble(identities, run.tracker.num_frames, skeleton.num_keypoints,
                                    run.config.min_track_frames, run.config.min_track_seconds)  # fmt: skip
    keypoints = refill_gaps(run, keypoints, skeleton.limbs)
    size = (int(info["width"]), int(info["height"]))
    keypoints = unseen_outside_frame(keypoints, size)
    poses = PoseSequence(keypoints=keypoints, skeleton=run.skeleton,
                         timestamps=np.array(run.timestamps, np.float64), fps=float(info["fps"]) / time_scale(run),
                         size=size, track_ids=track_ids)  # fmt: skip
    run.add("pose", PoseSection(poses=poses, people=tuple(summarize(keypoints, track_ids, size)),
                                backend=run.config.backend, models=run.models))
    run.tracker = None


def refill_gaps(run: Run, keypoints: np.ndarray, limbs: tuple[tuple[int, int], ...]) -> np.ndarray:
    """Identities' gaps searched again frame by frame from both ends with the pose backend's
    ``refind`` (inference/tracking/refill.py; backends without one are left as they are). Decodes
    the video a second time up to the last gap, holding only one run of gap frames at a time
    (memory stays flat on long videos)."""
    from inference.pipeline.warm import give_back_pose_backend, take_pose_backend
    from inference.pose.registry import backend_spec
    from inference.tracking.refill import gap_spans, refill
    from inference.tracking.stitch import StitchConfig
    from inference.video import iter_frames

    assert run.result.video is not None
    if not hasattr(backend_spec(run.config.backend), "create"):
        return keypoints
    fps = float(run.result.video.probe.get("fps") or 0.0) or 30.0
    max_frames = int(round(StitchConfig().max_gap * fps))
    spans = gap_spans(keypoints, max_frames, ends=True)
    if not spans:
        return keypoints
    start = time.perf_counter()
    backend = take_pose_backend(run.config.backend, run.config.backend_options)
    if not hasattr(backend, "refind"):
        give_back_pose_backend(run.config.backend, run.config.backend_options, backend)
        return keypoints
    info = run.result.video.probe
    size = (int(info["width"]), int(info["height"]))
    frames: dict[int, np.ndarray] = {}

    def find(f: int, last: np.ndarray) -> np.ndarray | None:
        if f not in frames:
            return None
        frame = frames[f]
        scale = np.array([info["width"] / frame.shape[1], info["height"] / frame.shape[0]], np.float32)
        here = last.copy()
        here[:, :2] /= scale
        pose = backend.refind(frame, here)
        if pose is not None:
            pose[:, :2] *= scale
        return pose

    pending = iter(spans)
    span = next(pending, None)
    for i, (frame, _) in enumerate(iter_frames(run.source, max_side=run.config.max_side)):
        if span is None:
            break
        if i >= span[0]:
            frames[i] = frame
        if i == span[1]:
            keypoints, _ = refill(keypoints, find, limbs, max_frames, span=span, size=size)
            frames.clear()
            span = next(pending, None)
    if span is not None and frames:  # the video ended inside a run (fewer frames than probed)
        keypoints, _ = refill(keypoints, find, limbs, max_frames, span=span, size=size)
    give_back_pose_backend(run.config.backend, run.config.backend_options, backend)
    run.timings["refill"] = time.perf_counter() - start
    return keypoints


def athlete_stage(run: Run) -> None:
    """The athlete: the coach's click when there is one and it lands on someone, else the rule."""
    from inference.overlay import compact_keypoints_json
    from inference.tracking import choose_athlete, track_at_point

    assert run.result.pose is not None
    poses = run.result.pose.poses
    track_id, source = choose_athlete(list(run.result.pose.people)), "auto"
    if run.config.athlete_point is not None:
        clicked = track_at_point(poses.keypoints, poses.track_ids, poses.timestamps, *run.config.athlete_point)
        if clicked is not None:
            track_id, source = clicked, "click"
    frames = 0
    if track_id is not None:
        index = int(np.flatnonzero(poses.track_ids == track_id)[0])
        frames = int(np.isfinite(poses.keypoints[:, index, :, 0]).any(axis=1).sum())
    overlay = compact_keypoints_json(poses, athlete_track_id=track_id, max_fps=OVERLAY_MAX_FPS)
    run.add("athlete", AthleteSection(track_id=track_id, source=source, frames_with_athlete=frames, overlay=overlay))


def dance_stage(run: Run) -> None:
    """Dance uploads only: the beats of the video's own sound, every dancer's accents against
    them and the group's synchronisation (inference/dance; docs/dance.md). It reads every tracked
    person, not only the athlete, so a coach's athlete choice does not run it again."""
    from inference.movements import Movement

    if run.config.movement != Movement.DANCE or run.result.pose is None:
        return  # before the dance package loads: other uploads pay nothing for it
    from inference.dance import MusicStatus, analyze_dance, music_of
    from inference.dance.beats import no_beats

    if time_scale(run) != 1.0:  # a capture rate puts poses on real time; the file's sound is not
        beats = no_beats(MusicStatus.SLOW_MOTION, f"capture rate {run.config.capture_fps:g} fps")
    else:
        beats = music_of(run.source)
    run.report(0.5)
    result = analyze_dance(run.result.poses, beats)
    run.add("dance", DanceSection(result.to_json(), live=result))


def proxy_stage(run: Run) -> None:
    """The browser proxy (upright, tone-mapped, ≤ 1280 px, H.264, same times) and its poster:
    made by the pose stage from the frames it decodes (:func:`inference.proxy.frames_with_proxy`),
    else here from the source."""
    from inference.proxy import make_proxy

    assert run.result.video is not None
    info = run.proxy or make_proxy(run.source, run.workdir / "proxy.mp4", run.workdir / "poster.jpg",
                                   progress=run.report, duration=run.result.video.probe.get("duration"),
                                   time_scale=time_scale(run))  # fmt: skip
    run.proxy = None
    run.add("video", VideoSection(probe=run.result.video.probe, proxy=dict(info), folder=run.workdir,
                                  camera=run.result.video.camera))


_segmentation_models: dict[Path | None, Any] = {}
_segmentation_lock = threading.Lock()


def segmentation_model(weights: Path | None) -> Any:
    """One UNet++ model per weights file per process (None: the committed default)."""
    from inference.segmentation.model import default_model, load_model

    with _segmentation_lock:
        if weights not in _segmentation_models:
            _segmentation_models[weights] = default_model() if weights is None else load_model(weights)
            log.info("model loaded: segmentation %s", weights or "default")
        return _segmentation_models[weights]


def segmentation_stage(run: Run) -> None:
    """Person masks of every frame, read from the proxy when one was made (upright, tone-mapped,
    cheap to decode; the masks' working size is ~200 px anyway)."""
    from inference.segmentation.stage import segment_video

    proxy = run.workdir / "proxy.mp4"
    source = proxy if run.result.video and run.result.video.proxy and proxy.exists() else run.source
    masks = segment_video(source, run.result.poses, run.result.athlete_index,
                          model=segmentation_model(run.config.segmentation_weights), progress=run.report)  # fmt: skip
    run.add("masks", MasksSection(masks))


def masks_follow_athlete(run: Run) -> None:
    from inference.segmentation.athlete import with_athlete

    if run.result.masks is not None:
        masks = with_athlete(run.result.masks.masks, run.result.poses, run.result.athlete_index)
        run.add("masks", MasksSection(masks))


def kinematics_stage(run: Run) -> None:
    from inference.kinematics.camera import athlete_track, camera_summary
    from inference.kinematics.core import KinematicsConfig, compute_kinematics

    index = run.result.athlete_index
    if index is None:
        run.add("kinematics", KinematicsSection(None, "no athlete was found in the video"))
        return
    config = KinematicsConfig(height_cm=run.config.height_cm) if run.config.height_cm else KinematicsConfig()
    kin = compute_kinematics(run.result.poses, index, config)
    camera = run.result.video.camera if run.result.video is not None else None  # None: stored before it was measured
    # Every reader of foot contacts (events, the feedback's standing test, action labels, surface
    # changes) takes them against the background where the camera's motion was measured, its motion
    # taken where the athlete's feet are (a turn or a zoom moves the picture unevenly).
    kin = replace(kin, background=athlete_track(camera, kin))
    run.add("kinematics", KinematicsSection(kin, camera=None if camera is None else camera_summary(camera, kin)))


def events_stage(run: Run) -> None:
    from inference.kinematics.events import detect_events

    kin, movement = _kinematics(run), str(run.config.movement)
    if kin is None:
        run.add("events", EventsSection({"movement": movement, "events": [], "summary": {}, "reason": _why(run)}))
        return
    events = detect_events(kin, movement)  # against the background where it was measured (kinematics_stage)
    run.add("events", EventsSection({**events.to_dict(), "scale": kin.scale.as_dict()}, live=events))


def feedback_stage(run: Run) -> None:
    from inference.feedback import evaluate_feedback

    kin, movement = _kinematics(run), str(run.config.movement)
    if kin is None or run.result.events is None or run.result.events.live is None:
        run.add("feedback", FeedbackSection({"movement": movement, "findings": [], "passed": [], "skipped": [],
                                             "reason": _why(run)}))  # fmt: skip
        return
    feedback = evaluate_feedback(kin, run.result.events.live, movement)
    run.add("feedback", FeedbackSection(feedback.to_dict(), live=feedback))


def actions_stage(run: Run) -> None:
    from inference.actions import label_actions, load_action_model
    from inference.feedback.actions import without_clip_rules

    labelled = label_actions(run.result.poses, run.result.athlete_index, model=load_action_model(run.config.action_model),
                             progress=run.report, kinematics=_kinematics(run))  # fmt: skip
    labelled = replace(labelled, feedback=without_clip_rules(labelled.feedback, str(run.config.movement)))
    run.add("actions", ActionsSection(labelled.to_json(), live=labelled))


def _kinematics(run: Run) -> Any:
    return None if run.result.kinematics is None else run.result.kinematics.kinematics


def _why(run: Run) -> str:
    section = run.result.kinematics
    return (section.reason if section is not None else None) or "no athlete was found in the video"


STAGES: tuple[Stage, ...] = (
    Stage("probe", 0.5, probe_stage),
    Stage("pose", 72.0, pose_stage),  # the proxy's encoding included
    Stage("tracking", 0.5, tracking_stage),
    Stage("athlete", 0.5, athlete_stage, athlete=True),
    Stage("dance", 1.0, dance_stage),
    Stage("proxy", 3.0, proxy_stage),
    Stage("segmentation", 15.0, segmentation_stage, athlete=True, rerun=masks_follow_athlete),
    Stage("kinematics", 2.0, kinematics_stage, athlete=True),
    Stage("events", 0.5, events_stage, athlete=True),
    Stage("feedback", 0.5, feedback_stage, athlete=True),
    Stage("actions", 5.5, actions_stage, athlete=True),
)


def stage_names() -> tuple[str, ...]:
    return tuple(stage.name for stage in STAGES)
