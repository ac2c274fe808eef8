"""``python -m inference segment CLIP --out DIR [--render]``: person masks of one video (UNet++).

Uses DIR/poses.npz and DIR/result.json from an earlier ``analyze`` of the same clip when they
are there (their athlete), else runs the pose stage first and writes them. Writes DIR/masks.npz
(:class:`inference.segmentation.masks.MaskSequence`), DIR/cutout.json (the athlete's outlines for
a canvas overlay) and DIR/silhouette.csv (area and width per frame); with --render also
DIR/privacy.mp4 (everything but the athlete blurred) and DIR/preview_*.png (original | privacy |
cut-out) to look at.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("clip", type=Path, help="video file")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--render", action="store_true", help="also write privacy.mp4 and previews")
    parser.add_argument("--level", type=int, choices=(1, 2, 3, 4), help="UNet++ pruning level (default 2)")
    parser.add_argument("--weights", type=Path, help="weights .npz (default: the committed ones)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def _poses(args: argparse.Namespace) -> tuple[object, int | None]:
    """(PoseSequence, athlete index) from DIR, or from a fresh pose stage written to DIR."""
    from inference.pipeline import AnalysisConfig, AnalysisResult, analyze

    if (args.out / "poses.npz").exists() and (args.out / "result.json").exists():
        # the athlete is the run's own choice (result.json's athlete section; a top-level
        # "athlete_track_id" was read before and is not there, so the athlete was lost and the
        # privacy video blurred everyone)
        done = AnalysisResult.read(args.out)
        return done.poses, done.athlete_index
    result = analyze(args.clip, AnalysisConfig(until="athlete"))
    result.write(args.out)
    return result.poses, result.athlete_index


def write_segmentation(masks: object, out: Path) -> None:
    """DIR/masks.npz, DIR/cutout.json, DIR/silhouette.csv of a MaskSequence (the pipeline's masks
    section writes them)."""
    from inference.pipeline.sections import MasksSection

    MasksSection(masks).write(out)


def run(args: argparse.Namespace) -> int:
    from inference.models import ModelError
    from inference.segmentation.model import default_model, load_model
    from inference.segmentation.privacy import render_privacy, write_previews
    from inference.segmentation.stage import segment_video
    from inference.video import VideoError

    def progress(fraction: float) -> None:
        if not args.quiet:
            print(f"\rsegment {fraction:4.0%}", end="" if fraction < 1 else "\n", file=sys.stderr)

    args.out.mkdir(parents=True, exist_ok=True)
    try:
        poses, athlete = _poses(args)
        model = load_model(args.weights) if args.weights else default_model()
        masks = segment_video(args.clip, poses, athlete, level=args.level, progress=progress,  # type: ignore[arg-type]
                              model=model)
    except (VideoError, ModelError, ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    write_segmentation(masks, args.out)
    line = f"{args.clip.name}: {masks.num_frames} masks at {masks.size[0]}x{masks.size[1]}, level L{masks.level}"
    if args.render:
        done = render_privacy(args.clip, masks, args.out / "privacy.mp4")
        previews = write_previews(args.clip, masks, args.out)
        line += f"; privacy.mp4 {done['size'][0]}x{done['size'][1]}, {len(previews)} previews"
    print(f"{line} → {args.out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m inference segment", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
