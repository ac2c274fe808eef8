"""The Keras OpenPose network on the JAX backend (a GPU machine without TensorFlow).

    KERAS_BACKEND=jax python bench/pose_openpose_jax.py [--weights openpose_mobilenet_thin.npz]
        [--inputs inputs.npy --reference reference.npy] [--batches 1 8 32 64]

Checks the output against the frozen graph's (``reference.npy``: ``Openpose/concat_stage7:0`` for
``inputs.npy``, computed with TensorFlow elsewhere) at JAX's default and at "highest" matmul
precision, then prints frames/s per batch size: through ``predict_on_batch`` (host→device copy
included) and through a jitted stateless call on inputs already on the device.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

from inference.pose.openpose.network import build_openpose_mobilenet_thin, load_weights  # noqa: E402


def _rate(fn, frames: int, repeats: int) -> float:
    for _ in range(3):
        fn()
    started = time.perf_counter()
    for _ in range(repeats):
        out = fn()
    jax.block_until_ready(out)
    return repeats * frames / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weights", type=Path, default=None, help="default: the model cache")
    parser.add_argument("--inputs", type=Path, default=None)
    parser.add_argument("--reference", type=Path, default=None)
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 8, 32, 64])
    args = parser.parse_args()
    if args.weights is None:
        from inference.models import model_path

        args.weights = model_path("openpose_mobilenet_thin.npz")
    print(f"python {sys.version.split()[0]}, jax {jax.__version__}, keras {keras.__version__} "
          f"({keras.backend.backend()}), devices {jax.devices()}")  # fmt: skip
    model = build_openpose_mobilenet_thin()
    with np.load(args.weights) as data:
        load_weights(model, {k: data[k] for k in data.files})
    x = np.load(args.inputs) if args.inputs else np.random.default_rng(0).uniform(
        0, 255, (2, 368, 432, 3)).astype(np.float32)  # fmt: skip
    if args.reference:
        reference = np.load(args.reference)
        out = np.asarray(model.predict_on_batch(x))
        print(f"max abs diff vs frozen graph, default precision: {np.abs(out - reference).max():.2e}")
        with jax.default_matmul_precision("highest"):
            exact = build_openpose_mobilenet_thin()
            exact.set_weights(model.get_weights())
            out = np.asarray(exact.predict_on_batch(x))
        print(f"max abs diff vs frozen graph, highest precision: {np.abs(out - reference).max():.2e}")
    # Own copies: Keras's predict step may replace (and free) the variables' device buffers.
    weights = jax.device_put([np.asarray(v.value) for v in model.trainable_variables])
    jitted = jax.jit(lambda w, t: model.stateless_call(w, [], t, training=False)[0])
    print("| batch | predict_on_batch frames/s | jitted, on device frames/s |\n| ---: | ---: | ---: |")
    for batch in args.batches:
        xb = np.resize(x, (batch, *x.shape[1:]))
        on_device = jax.device_put(xb)
        repeats = max(5, 256 // batch)
        host = _rate(lambda xb=xb: model.predict_on_batch(xb), batch, repeats)
        device = _rate(lambda d=on_device: jitted(weights, d), batch, repeats)
        print(f"| {batch} | {host:.0f} | {device:.0f} |")


if __name__ == "__main__":
    main()
