"""The action ST-GCN on the JAX backend (the GPU machine has JAX and no TensorFlow).

    python bench/actions_jax.py --reference DIR     # on a TensorFlow machine: writes DIR/inputs.npy, DIR/reference.npy
    KERAS_BACKEND=jax python bench/actions_jax.py --check DIR [--batches 64 1024]

The check builds the network with :func:`inference.actions.stgcn.build_stgcn`, loads the committed
weights (.weights.h5), compares its probabilities on the same windows with TensorFlow's, then prints
windows/s per batch size through ``predict_on_batch``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reference", type=Path, help="write inputs and TensorFlow outputs here")
    parser.add_argument("--check", type=Path, help="compare with the outputs in this folder")
    parser.add_argument("--batches", type=int, nargs="*", default=[64, 1024])
    args = parser.parse_args()
    import keras

    from inference.actions.model import load_action_model

    model = load_action_model()
    if args.reference:
        args.reference.mkdir(parents=True, exist_ok=True)
        x = np.random.default_rng(0).normal(size=(32, 3, model.frames, 15)).astype(np.float32)
        x[:, 2] = (x[:, 2] > -1).astype(np.float32)
        np.save(args.reference / "inputs.npy", x)
        np.save(args.reference / "reference.npy", model.predict(x))
        print(f"backend {keras.backend.backend()}: wrote {args.reference}")
        return
    x = np.load(args.check / "inputs.npy")
    got, want = model.predict(x), np.load(args.check / "reference.npy")
    print(f"backend {keras.backend.backend()}: max |p_jax - p_tf| = {np.abs(got - want).max():.2e}, "
          f"same argmax {np.mean(got.argmax(-1) == want.argmax(-1)):.0%}")
    network = model.network
    for batch in args.batches:
        windows = np.random.default_rng(1).normal(size=(batch, 3, model.frames, 15)).astype(np.float32)
        for _ in range(3):
            network.predict_on_batch(windows)
        started, repeats = time.perf_counter(), 20
        for _ in range(repeats):
            network.predict_on_batch(windows)
        rate = repeats * batch / (time.perf_counter() - started)
        print(f"batch {batch}: {rate:,.0f} windows/s ({1000 / rate:.3f} ms/window)")


if __name__ == "__main__":
    main()
