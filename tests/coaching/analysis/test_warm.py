"""A worker that takes analyses warms their models when its pool process starts."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_a_worker_on_the_analysis_queue_warms_the_models_once_at_start(celery_worker_process) -> None:
    """The session's real worker (queues gpu and default) logs the warm-up of its pool process:
    pose, segmentation and actions, each once."""
    log = Path(settings.VAR_DIR) / "worker-test.log"
    deadline = time.monotonic() + 180  # TensorFlow's start on a busy 2-core machine
    while "analysis models warm:" not in log.read_text(errors="replace"):
        assert "warming the analysis models failed" not in log.read_text(errors="replace"), log.read_text()[-3000:]
        assert time.monotonic() < deadline, "no warm-up in the worker's log:\n" + log.read_text()[-3000:]
        time.sleep(0.5)
    lines = [line for line in log.read_text().splitlines() if "analysis models warm:" in line]
    assert len(lines) == 1  # one pool process (-c 1), warmed once
    assert all(f"{model} " in lines[0] for model in ("pose", "segmentation", "actions"))
