"""Tests: production-like settings, a fixed key, fast hashing, and a private var/ folder per
test session (exported, so worker processes started by tests share it)."""

import atexit
import os
import shutil
import tempfile

if not os.environ.get("POSECOACH_VAR_DIR"):
    _var = tempfile.mkdtemp(prefix="posecoach-test-")
    os.environ["POSECOACH_VAR_DIR"] = _var
    _owner = os.getpid()

    def _cleanup() -> None:
        if os.getpid() == _owner:  # not in worker processes forked from the test run
            shutil.rmtree(_var, ignore_errors=True)

    atexit.register(_cleanup)

os.environ.setdefault("CELERY_BROKER_URL", "memory://")

from coaching.env import env_int  # noqa: E402
from coaching.settings.base import *  # noqa: E402, F403

SECRET_KEY = "tests-only-not-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The job tests are about the protocol (claims, kills, outages), not the training's quality
# (tests/inference/segmentation tests that): a short retraining keeps them minutes shorter.
SEGMENTATION_RETRAIN_STEPS = 40
# In-process tests keep their rows in a transaction that is never committed, which the heartbeat
# thread's own database connection cannot see: a beat would find "no job" and stop the work as
# lost. A long lease keeps beats out of those runs (a 30-s analysis sees none); the real-worker
# tests pass their short lease to the worker processes through the environment.
ANALYSIS_LEASE_S = env_int("ANALYSIS_LEASE_S", 600)
