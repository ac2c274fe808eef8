"""Why the scoreboard's clips say ``unknown``: :mod:`inference.actions.diagnose` on the athlete of
each clip cached by ``bench/realworld.py --reuse DIR``.

    python bench/actions_diagnose.py DIR [--only STEM ...]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.realworld_adapter import ClipOutputs  # noqa: E402
from inference.actions import diagnose  # noqa: E402
from inference.actions.model import load_action_model  # noqa: E402
from inference.posedata import PoseSequence  # noqa: E402

TRUTH_DIR = Path(__file__).resolve().parent / "truth"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cache", type=Path, help="the --reuse folder of bench/realworld.py")
    parser.add_argument("--only", nargs="*", help="clip stems")
    args = parser.parse_args(argv)
    model = load_action_model()
    for path in sorted(args.cache.glob("*__general.json")):
        stem = path.name.split("__")[0]
        if args.only and stem not in args.only:
            continue
        out = ClipOutputs.load(path.with_suffix(""))
        print(f"\n## {stem} (athlete slot {out.athlete_index})\n")
        if out.athlete_index is None:
            print("no athlete")
            continue
        poses = PoseSequence(out.keypoints, out.skeleton, out.timestamps, 30.0, (0, 0), out.track_ids)
        diagnose.print_windows(diagnose.windows_of(poses, out.athlete_index, model))
        truth_path = TRUTH_DIR / f"{stem}.json"
        truth = json.loads(truth_path.read_text()) if truth_path.is_file() else {}
        diagnose.print_segments(poses, out.athlete_index, truth, model)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
