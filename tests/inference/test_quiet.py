"""On a CPU machine the worker and the CLI start without TensorFlow's CUDA error line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from inference.quiet import gpu_present, quiet_cpu_start
from tests.support import ROOT


def test_cpu_machine_hides_cuda_and_tensorflow_error_log() -> None:
    env: dict[str, str] = {}
    assert quiet_cpu_start(env, has_gpu=False)
    assert env == {"CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "3"}


def test_gpu_machine_and_explicit_settings_are_left_alone() -> None:
    env: dict[str, str] = {}
    assert not quiet_cpu_start(env, has_gpu=True)
    assert env == {}
    env = {"CUDA_VISIBLE_DEVICES": "1", "TF_CPP_MIN_LOG_LEVEL": "0"}
    quiet_cpu_start(env, has_gpu=False)
    assert env == {"CUDA_VISIBLE_DEVICES": "1", "TF_CPP_MIN_LOG_LEVEL": "0"}


@pytest.mark.parametrize("entry", ["import coaching.celery", "import inference.quiet as q; q.quiet_cpu_start()"])
def test_worker_start_logs_no_cuinit_error_without_a_gpu(entry: str) -> None:
    if gpu_present():
        pytest.skip("this machine has a GPU: TensorFlow is meant to probe it")
    env = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", "CUDA_VISIBLE_DEVICES")}
    code = entry + "; import tensorflow as tf; print(tf.config.list_physical_devices('GPU'))"
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "cuInit" not in run.stderr and "UNKNOWN ERROR" not in run.stderr
    assert run.stdout.strip() == "[]"
