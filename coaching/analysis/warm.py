"""A worker process that takes analyses loads their models once, as it starts, not per video.

A fresh process pays seconds of CPU before its first frame (TensorFlow, the Keras networks and
their tracing, the TFLite interpreters: inference.pipeline.warm). A worker consuming the queue
analyses run on (``ANALYSIS_JOB.queue``) warms every model in a background thread of each pool
process as it starts (Celery kills a pool process whose start-up takes longer than a few
seconds, so not in the signal itself); a video that arrives meanwhile waits on the same models'
locks instead of loading them twice (but for the pose backend: one that finds the warm-up using
it makes its own, and both are kept). Each loader logs "model loaded: ..." when it loads. ``ANALYSIS_WARM_MODELS=0`` turns it off (a worker that
should start light). A failed warm-up is logged: the first video then pays for loading, as
before.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery.signals import worker_init, worker_process_init

from coaching.env import env_bool

log = logging.getLogger(__name__)

_state = {"takes_analyses": False}


@worker_init.connect
def _note_queues(sender: Any = None, **kwargs: Any) -> None:
    """In the worker's main process, once its queues are set: does it take analyses?"""
    from coaching.analysis.runner import ANALYSIS_JOB

    queues = getattr(getattr(getattr(sender, "app", None), "amqp", None), "queues", None)
    _state["takes_analyses"] = queues is not None and ANALYSIS_JOB.queue in queues.consume_from


@worker_process_init.connect
def _warm_pool_process(**kwargs: Any) -> None:
    if _state["takes_analyses"] and env_bool("ANALYSIS_WARM_MODELS", True):
        threading.Thread(target=warm_worker_models, name="warm-models", daemon=True).start()


def warm_worker_models() -> dict[str, float]:
    """Load and run once the models of an analysis as this deployment runs it now: the default
    pose backend, the active segmentation weights, the base action model (a team's own model
    loads on its first video). The seconds each took (empty when it failed)."""
    from django.conf import settings
    from django.db import connection

    from coaching.learning.segmentation import WEIGHTS_FILE
    from coaching.learning.selectors import segmentation_weights_folder
    from inference.pipeline import AnalysisConfig
    from inference.pipeline.warm import warm_models

    try:
        weights = segmentation_weights_folder()
        config = AnalysisConfig(backend=settings.POSECOACH_DEFAULT_BACKEND,
                                segmentation_weights=weights / WEIGHTS_FILE if weights else None)  # fmt: skip
        seconds = warm_models(config)
    except Exception:  # the first video pays for the loading instead; the worker keeps working
        log.exception("warming the analysis models failed")
        return {}
    finally:
        connection.close()  # this thread's own database connection
    log.info("analysis models warm: %s", ", ".join(f"{name} {s:.1f} s" for name, s in seconds.items()))
    return seconds
