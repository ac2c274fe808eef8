"""``python -m inference analyze CLIP --out DIR``: run the analysis pipeline on one video.

Writes DIR/poses.npz and DIR/result.json (see inference.pipeline.AnalysisResult.write),
DIR/overlay.json (the compact keypoints for the browser overlay), and DIR/angles.csv,
DIR/kinematics.npz, DIR/events.json, DIR/feedback.json (inference.kinematics.outputs), and
DIR/actions.json (action segments, inference.actions.write_actions), and DIR/masks.npz,
DIR/cutout.json, DIR/silhouette.csv (person masks, inference.segment_cmd). Registered as a subcommand of
``python -m inference``; ``python -m inference.analyze_cmd`` runs it alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("clip", type=Path, help="video file")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--backend", choices=("blazepose", "openpose"), default="blazepose")
    parser.add_argument(
        "--max-side", type=int, default=960, help="long side of analysed frames, pixels (0: source size)"
    )
    parser.add_argument(
        "--athlete-at",
        type=float,
        nargs=3,
        metavar=("X", "Y", "T"),
        help="choose the athlete as the person at pixel X, Y at T seconds (source pixels)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    # Kinematics stage (inference.kinematics.outputs): angles.csv, events.json, feedback.json.
    parser.add_argument("--movement", default="general",
                        choices=("squat", "jump", "run", "walk", "dance", "general"),
                        help="movement whose events and technique rules apply")  # fmt: skip
    parser.add_argument("--height-cm", type=float, help="athlete's height, for pixels → metres")
    parser.add_argument("--no-masks", action="store_true", help="skip the person-segmentation stage")


def run(args: argparse.Namespace) -> int:
    from inference.models import ModelError
    from inference.pipeline import AnalysisConfig, analyze, compact_keypoints_json
    from inference.video import VideoError

    config = AnalysisConfig(
        backend=args.backend,
        max_side=args.max_side or None,
        athlete_point=tuple(args.athlete_at) if args.athlete_at else None,
    )

    def progress(stage: str, fraction: float) -> None:
        if not args.quiet:
            print(f"\r{stage} {fraction:4.0%}", end="" if fraction < 1 else "\n", file=sys.stderr)

    try:
        result = analyze(args.clip, config, progress)
    except (VideoError, ModelError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    result.write(args.out)
    overlay = compact_keypoints_json(result.poses, athlete_track_id=result.athlete_track_id)
    (args.out / "overlay.json").write_text(json.dumps(overlay, separators=(",", ":")))
    from inference.kinematics.outputs import write_kinematics_outputs

    write_kinematics_outputs(result, args.out, movement=args.movement, height_cm=args.height_cm)
    from inference.actions import write_actions

    actions = write_actions(result, args.out)
    summary = result.summary()
    people = len(summary["people"])
    print(
        f"{args.clip.name}: {summary['frames']} frames, {people} {'person' if people == 1 else 'people'}, athlete "
        f"track {summary['athlete_track_id']} in {summary['frames_with_athlete']} frames, "
        f"{summary['frames'] / max(summary['timings']['total'], 1e-9):.1f} frames/s → {args.out}"
    )
    labels = ", ".join(f"{label} {v['seconds']:.1f} s" for label, v in actions["summary"].items())
    print(f"actions: {labels or actions['reason']}")
    if not args.no_masks:
        from inference.segment_cmd import write_segmentation
        from inference.segmentation.stage import segment_video

        masks = segment_video(args.clip, result.poses, result.athlete_index)
        write_segmentation(masks, args.out)
        print(f"masks: {masks.num_frames} frames at {masks.size[0]}x{masks.size[1]} (UNet++ L{masks.level})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m inference analyze", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
