"""Start-up environment of the processes that may load TensorFlow (the worker, the CLI).

On a machine with no GPU, TensorFlow still probes CUDA and logs "failed call to cuInit: …
UNKNOWN ERROR (303)", which reads as a failure though nothing is wrong. Where no GPU device
exists, CUDA is hidden and TensorFlow's C++ log is kept to fatal messages; Python exceptions
are untouched. Values the environment already sets are kept; a machine with a GPU is left as is.
Must run before TensorFlow is imported.
"""

from __future__ import annotations

import glob
import os
from collections.abc import MutableMapping

GPU_DEVICE_PATTERNS = ("/dev/nvidia[0-9]*", "/proc/driver/nvidia/gpus/*", "/dev/dxg", "/dev/kfd")


def gpu_present() -> bool:
    """A GPU device node (NVIDIA, WSL's /dev/dxg, AMD's /dev/kfd) exists; no library is loaded."""
    return any(glob.glob(pattern) for pattern in GPU_DEVICE_PATTERNS)


def quiet_cpu_start(environ: MutableMapping[str, str] | None = None, *, has_gpu: bool | None = None) -> bool:
    """Returns True when the CPU-only settings were applied."""
    env = os.environ if environ is None else environ
    if gpu_present() if has_gpu is None else has_gpu:
        return False
    env.setdefault("CUDA_VISIBLE_DEVICES", "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return True
