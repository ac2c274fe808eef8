"""``python -m inference pose CLIP --out DIR``: every person's keypoints in every frame of a clip.

Writes DIR/poses.npz (:class:`inference.posedata.PoseSequence`: ``keypoints`` (T, P, K, 3),
``skeleton``, ``fps``, ``timestamps``; person slots are per frame, not tracked identities, so
``track_ids`` are all -1),
DIR/json/ with one OpenPose JSON file per frame, and with ``--render`` DIR/render.mp4 (H.264) with
the skeletons drawn. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

from inference.pose.registry import DEFAULT_BACKEND, backend_names
from inference.posedata import PoseSequence
from inference.skeleton import convert, get_skeleton
from inference.video import batches

BACKENDS = backend_names()
JSON_FORMATS = ("body25", "coco18", "native")
_COLOURS = ((0, 200, 255), (255, 120, 0), (0, 220, 0), (220, 0, 220), (255, 255, 0), (0, 0, 255))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("clip", type=Path, help="video file")
    parser.add_argument("--out", type=Path, required=True, help="output folder (created)")
    parser.add_argument("--backend", choices=BACKENDS, default=DEFAULT_BACKEND)
    parser.add_argument("--render", action="store_true", help="also write DIR/render.mp4")
    parser.add_argument("--json-format", choices=JSON_FORMATS, default="body25",
                        help="keypoint order of the JSON files (native: the backend's own)")
    parser.add_argument("--input-size", choices=("432x368", "656x368"), default="432x368",
                        help="openpose: network input size")
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0],
                        help="openpose: average the maps over these scales of the input size")
    parser.add_argument("--batch-size", type=int, default=8, help="openpose: frames per call")
    parser.add_argument("--max-side", type=int, default=0,
                        help="scale frames so their long side is at most this (0: source size)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")  # fmt: skip


def make_estimator(args: argparse.Namespace):  # -> FramePoseEstimator
    """The backend named by ``args.backend``, imported only when chosen."""
    if args.backend == "openpose":
        from inference.pose.openpose.estimator import INPUT_SIZES, OpenPoseEstimator

        return OpenPoseEstimator(input_size=INPUT_SIZES[args.input_size],
                                 scales=tuple(args.scales), batch_size=args.batch_size)  # fmt: skip
    try:
        from inference.pose.blazepose import BlazePoseEstimator
    except ImportError as error:
        raise RuntimeError(
            f"the blazepose backend is not available ({error}); use --backend openpose"
        ) from error
    return BlazePoseEstimator()


def draw_people(image: np.ndarray, people: np.ndarray, skeleton: str) -> np.ndarray:
    """Draw (P, K, 3) people on a BGR image in place: limbs and points, one colour per slot."""
    from inference.render import draw_skeleton

    draw_skeleton(image, people, get_skeleton(skeleton).limbs, None, colours=_COLOURS)
    return image


def _open_render(path: Path, fps: float, first: np.ndarray):  # -> H264Writer
    """The proxy's H.264 writer (presentation times kept) for the --render MP4."""
    import av

    from inference.proxy import H264Writer

    container = av.open(str(path), mode="w", options={"movflags": "+faststart"})
    return H264Writer(container, Fraction(fps).limit_denominator(1001), (first.shape[1], first.shape[0]))


def _json_people(people: np.ndarray, skeleton: str, json_format: str) -> np.ndarray:
    if json_format == "native" or json_format == skeleton:
        return people
    return convert(people, skeleton, json_format)


def _stack(per_frame: list[np.ndarray], num_keypoints: int) -> np.ndarray:
    """Per-frame (P_t, K, 3) → (T, max P_t, K, 3), NaN/0 where a frame has fewer people."""
    most = max((len(p) for p in per_frame), default=0)
    out = np.full((len(per_frame), most, num_keypoints, 3), np.nan, np.float32)
    out[..., 2] = 0.0
    for t, people in enumerate(per_frame):
        out[t, : len(people)] = people
    return out


def _progress(done: int, total: int, started: float) -> None:
    rate = done / max(time.perf_counter() - started, 1e-9)
    of = f"/{total}" if total else ""
    print(f"\rpose: frame {done}{of} ({rate:.1f} frames/s)", end="", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from inference.models import ModelError
    from inference.pose.openpose.jsonio import frame_file_name, write_frame
    from inference.video import VideoError, iter_frames, probe

    try:
        info = probe(args.clip)
        estimator = make_estimator(args)
    except (VideoError, ModelError, RuntimeError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    json_dir = args.out / "json"
    json_dir.mkdir(parents=True, exist_ok=True)
    batch_size = args.batch_size if args.backend == "openpose" else 1
    per_frame: list[np.ndarray] = []
    timestamps: list[float] = []
    renderer = None
    size = (0, 0)
    started = last_report = time.perf_counter()
    for batch in batches(iter_frames(args.clip, max_side=args.max_side or None), batch_size):
        images = [image for image, _ in batch]
        t_of = {len(per_frame) + i: t for i, (_, t) in enumerate(batch)}
        results = estimator.estimate(images)
        for image, people in zip(images, results, strict=True):
            index = len(per_frame)
            per_frame.append(people)
            write_frame(json_dir / frame_file_name(args.clip.stem, index),
                        _json_people(people, estimator.skeleton, args.json_format))  # fmt: skip
            if args.render:
                if renderer is None:
                    renderer = _open_render(args.out / "render.mp4", info.fps, image)
                renderer.encode(draw_people(image.copy(), people, estimator.skeleton), t_of[index])
        timestamps.extend(t for _, t in batch)
        size = (images[0].shape[1], images[0].shape[0])
        if not args.quiet and time.perf_counter() - last_report > 0.5:
            last_report = time.perf_counter()
            _progress(len(per_frame), info.frame_count, started)
    if renderer is not None:
        renderer.flush()
        renderer.out.close()
    if not args.quiet:
        _progress(len(per_frame), info.frame_count, started)
        print(file=sys.stderr)
    num_keypoints = get_skeleton(estimator.skeleton).num_keypoints
    keypoints = _stack(per_frame, num_keypoints)
    PoseSequence(
        keypoints=keypoints,
        skeleton=estimator.skeleton,
        timestamps=np.asarray(timestamps, np.float64),
        fps=float(info.fps),
        size=size,
        track_ids=np.full(keypoints.shape[1], -1, np.int64),  # slots are per frame, not tracked
    ).save(args.out / "poses.npz")
    found = [len(p) for p in per_frame]
    print(f"{args.clip.name}: {len(found)} frames, people per frame min {min(found, default=0)} "
          f"max {max(found, default=0)} → {args.out}", file=sys.stderr)  # fmt: skip
    return 0
