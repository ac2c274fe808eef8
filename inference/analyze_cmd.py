"""``python -m inference analyze CLIP --out DIR``: the whole analysis of one video.

Runs :func:`inference.pipeline.analyze` — the same stage table a worker runs — and writes every
section into DIR (:meth:`inference.pipeline.AnalysisResult.write`): result.json, proxy.mp4 and
poster.jpg, poses.npz, overlay.json, kinematics.npz and angles.csv, events.json, feedback.json,
actions.json, masks.npz, cutout.json and silhouette.csv. ``--until STAGE`` stops after a stage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from inference.movements import Movement
    from inference.pipeline.stages import stage_names
    from inference.pose.registry import DEFAULT_BACKEND, backend_names

    parser.add_argument("clip", type=Path, help="video file")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--backend", choices=backend_names(), default=DEFAULT_BACKEND)
    parser.add_argument("--max-side", type=int, default=960, help="long side of analysed frames, pixels (0: source size)")
    parser.add_argument("--athlete-at", type=float, nargs=3, metavar=("X", "Y", "T"),
                        help="choose the athlete as the person at pixel X, Y at T seconds (source pixels)")
    parser.add_argument("--movement", default=Movement.GENERAL.value, choices=[m.value for m in Movement],
                        help="movement whose events and technique rules apply")
    parser.add_argument("--height-cm", type=float, help="athlete's height, for pixels → metres")
    parser.add_argument("--action-model", type=Path, help="folder of action-model weights (default: the base model)")
    parser.add_argument("--until", choices=stage_names(), help="stop after this stage")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from inference.models import ModelError
    from inference.pipeline import AnalysisConfig, analyze
    from inference.video import VideoError

    def progress(stage: str, fraction: float) -> None:
        if not args.quiet:
            print(f"\r{stage:<13} {fraction:4.0%}", end="" if fraction < 1 else "\n", file=sys.stderr)

    try:
        config = AnalysisConfig(
            backend=args.backend, max_side=args.max_side or None,
            athlete_point=tuple(args.athlete_at) if args.athlete_at else None,
            movement=args.movement, height_cm=args.height_cm, action_model=args.action_model, until=args.until,
        )  # fmt: skip
        result = analyze(args.clip, config, progress, workdir=args.out)
    except (VideoError, ModelError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    result.write(args.out)
    print(_headline(args.clip.name, result, args.out))
    return 0


def _headline(name: str, result: object, out: Path) -> str:
    from inference.pipeline import AnalysisResult

    assert isinstance(result, AnalysisResult)
    lines = []
    if result.pose is not None:
        people = result.pose.poses.num_people
        rate = result.pose.poses.num_frames / max(result.timings.get("total", 0.0), 1e-9)
        lines.append(f"{name}: {result.pose.poses.num_frames} frames, {people} {'person' if people == 1 else 'people'}, "
                     f"athlete track {result.athlete_track_id} in {result.frames_with_athlete} frames, "
                     f"{rate:.1f} frames/s → {out}")  # fmt: skip
    if result.actions is not None:
        summary = result.actions.data.get("summary") or {}
        labels = ", ".join(f"{label} {v['seconds']:.1f} s" for label, v in summary.items())
        lines.append(f"actions: {labels or result.actions.data.get('reason')}")
    if result.masks is not None:
        masks = result.masks.masks
        lines.append(f"masks: {masks.num_frames} frames at {masks.size[0]}x{masks.size[1]} (UNet++ L{masks.level})")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m inference analyze", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
