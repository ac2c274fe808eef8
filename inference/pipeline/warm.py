"""Start-up paid once per process: the models of every stage loaded and run once, and pose
backends kept between videos.

A fresh process pays for importing TensorFlow, building the Keras networks, tracing them and
setting up the TFLite interpreters before its first frame (seconds of CPU). A worker calls
:func:`warm_models` when its process starts, so a video it is given pays none of that; the pose
stage takes its backend from :func:`take_pose_backend` and hands it back with
:func:`give_back_pose_backend`, so the interpreters are made once per process, not per video.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from typing import Any

import numpy as np

from inference.pipeline.config import AnalysisConfig
from inference.pose.registry import BackendOptions, backend_spec

# A 16:9 frame at the analysis size (AnalysisConfig.max_side 960), the shape most uploads have.
WARM_FRAME = (540, 960, 3)

log = logging.getLogger(__name__)

# What the stages import when they first run (inference/pipeline/stages.py imports inside each
# stage); imported by the warm-up, so the first video does not pay for it.
STAGE_MODULES = (
    "inference.video", "inference.proxy", "inference.kinematics.camera", "inference.kinematics.core",
    "inference.kinematics.events", "inference.tracking", "inference.tracking.appearance",
    "inference.tracking.plausible", "inference.tracking.stitch", "inference.tracking.refill",
    "inference.pose.blazepose.refind", "inference.overlay", "inference.skeleton",
    "inference.segmentation.stage", "inference.segmentation.athlete", "inference.feedback",
    "inference.feedback.actions",
)

_idle: dict[tuple[str, BackendOptions], list[Any]] = {}
_idle_lock = threading.Lock()


def take_pose_backend(name: str, options: BackendOptions) -> Any:
    """A pose backend for one video, reset: one this process made before and was given back
    (its models loaded), else a new one. Each video holds its own, so concurrent analyses in one
    process never share a backend's state."""
    with _idle_lock:
        idle = _idle.get((name, options))
        backend = idle.pop() if idle else None
    if backend is None:
        backend = backend_spec(name).create(options)
        log.info("model loaded: pose backend %s (%s)", name, options)
    backend.reset()
    return backend


def give_back_pose_backend(name: str, options: BackendOptions, backend: Any) -> None:
    """Keep ``backend`` for the next video (only after a video ran to its end: a backend left
    by a failure is dropped, not reused)."""
    with _idle_lock:
        _idle.setdefault((name, options), []).append(backend)


def warm_models(config: AnalysisConfig | None = None) -> dict[str, float]:
    """Load the models ``config``'s stages use and run each once on a blank input: the pose
    backend (kept for the first video), the segmentation network, the action model with its
    replay embeddings and the posture classifier; then import what the stages import on first
    use (:data:`STAGE_MODULES`). Returns the seconds each took. After it, a video loads, traces
    and imports nothing (tests/inference/pipeline/test_warm.py)."""
    from inference.actions import load_action_model
    from inference.actions.joints import NUM_JOINTS
    from inference.actions.labels import checked_window_probabilities, load_posture_model
    from inference.pipeline.stages import model_digests, segmentation_model

    config = config or AnalysisConfig()
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    spec = backend_spec(config.backend)
    model_digests(spec.model_files)
    backend = take_pose_backend(config.backend, config.backend_options)
    backend.estimate([np.zeros(WARM_FRAME, np.uint8)])
    give_back_pose_backend(config.backend, config.backend_options, backend)
    seconds["pose"] = time.perf_counter() - start

    start = time.perf_counter()
    _warm_segmentation(segmentation_model(config.segmentation_weights))
    seconds["segmentation"] = time.perf_counter() - start

    start = time.perf_counter()
    actions = load_action_model(config.action_model)
    # The window model with its embedding head and the replay embeddings (checked_window_probabilities),
    # then the per-frame posture classifier: each built and run once, as the actions stage runs them.
    checked_window_probabilities(actions, np.zeros((1, actions.config.in_channels, actions.frames, NUM_JOINTS),
                                                   np.float32))  # fmt: skip
    posture = load_posture_model()
    if posture is not None:
        for frames in (2, 3):  # two batch shapes: Keras leaves the batch axis open, no video traces it again
            posture.predict(np.zeros((frames, NUM_JOINTS, 3), np.float32))
    seconds["actions"] = time.perf_counter() - start

    start = time.perf_counter()
    for module in STAGE_MODULES:
        importlib.import_module(module)
    seconds["imports"] = time.perf_counter() - start
    return seconds


def _warm_segmentation(model: Any) -> None:
    """Keras traces the network again for each new input shape until it has seen two shapes
    that differ in an axis, then traces once with that axis left open (TensorFlow's
    reduce_retracing). Two batches that differ in size, width and height — a full batch of
    landscape frames, a short one of portrait frames — leave every axis open, so no video's
    frames or last short batch trace it again. A person-centred model sees crops of one size, so
    two batch sizes do."""
    from inference.segmentation.stage import BATCH

    if getattr(model, "person_centred", False):  # fixed-size crops per person: only the batch varies
        shape = (model.crop, model.crop, int(model.network().input.shape[-1]))
        model.predict_crops(np.zeros((BATCH, *shape), np.float32))
        model.predict_crops(np.zeros((BATCH // 2 - 1, *shape), np.float32))
        return
    landscape = np.zeros(WARM_FRAME, np.uint8)
    model.predict([landscape] * BATCH)
    model.predict([np.ascontiguousarray(landscape.transpose(1, 0, 2))] * (BATCH // 2 - 1))
