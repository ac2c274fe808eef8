"""Training data for the action models, fetched from PyPI packages with pip and verified by sha256.

Nothing here runs in an analysis: only training and the tests that train need these files.

- pybullet 3.2.7 (wheel, never installed): ``pybullet_data/data/motions/humanoid3d_*.txt``, the
  DeepMimic motion-capture clips (Peng et al., 2018, "DeepMimic", ACM TOG 37(4)), and
  ``pybullet_data/humanoid/humanoid.urdf``, the humanoid they drive.
- pose-classification-kit 1.1.5 (wheel, MIT, never installed; its dependencies are not wanted):
  ``pose_classification_kit/datasets/BodyPose_Dataset.csv``, 10,681 OpenPose BODY_25 rows in 20
  static postures.

Cache folder: ``$POSECOACH_DATA_DIR``, default ``~/.cache/posecoach/data``. The pip calls reuse
:mod:`inference.fetch` (timeouts, messages that say what to do).

Usage::

    python -m inference.actions.data fetch
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from inference.fetch import (
    cache_dir,
    fetch_main,
    pip_command,
    read_zip,
    run,
    sha256_file,
    single_file,
    write_atomic,
)
from inference.models import ModelError

DATA_DIR_ENV = "POSECOACH_DATA_DIR"

_MOTIONS = "pybullet_data/data/motions/"
# name in the cache → (package, path inside the wheel, sha256)
DATA_FILES: dict[str, tuple[str, str, str]] = {
    "humanoid.urdf": ("pybullet", "pybullet_data/humanoid/humanoid.urdf",
                      "4a449f923dcbd242c1c6a3ad15e62047c6cb2fc1d275bf31a339bf60d27a6894"),
    "BodyPose_Dataset.csv": ("pose-classification-kit", "pose_classification_kit/datasets/BodyPose_Dataset.csv",
                             "ac27942633caa9a3e7ed54fa827f022c8013a71b6cf3454a6d32b3e3e6151772"),
    **{f"humanoid3d_{clip}.txt": ("pybullet", f"{_MOTIONS}humanoid3d_{clip}.txt", digest) for clip, digest in (
        ("backflip", "ffc5e117f69364e239eeedc86d6a30ab854500a375a1c137a405f1b7652905e6"),
        ("cartwheel", "17453459a40ec4ea08346072748ae3c7c384b49e619753e9779637fa8a9f7c49"),
        ("crawl", "104a3b675131a43e7a214e24c0ed631c6a0d814b85c8b66b71ce63b23a5731ae"),
        ("dance_a", "15ef3731f594edc9ed078170f1075815cc164acaca9e35a46db12a31ac64b717"),
        ("dance_b", "b5a9d7a3f2304f6242776d7ff6d19d1f6bcb98d78d68622761c3843b614a92b5"),
        ("getup_facedown", "1bd1a96e9175f65eb66e10f225473b4467bd70c68e283f4006b2ab090e337c0b"),
        ("getup_faceup", "5936c32d51dad9b0cd5e61df681079d160436cdce845c312f200d7a347c4040d"),
        ("jump", "a433557e94b193d8a95530572a0e32f387eb6d9996987b4216efb65444c3c641"),
        ("kick", "177cfb399466309ba7f4a8a987c3b6f6edde1cbe8b2d476e53dc6061ec5d4bac"),
        ("punch", "1ab4b654cecdb4ff3b2a4bf4086e50397bef28435bb59ab3aedd6a6bdc926fde"),
        ("roll", "50d75c2243b2859f8dcae4ad8fa14b59054dd9ee529b4fb52ec14470cd982c55"),
        ("run", "2cbe488023b243e5769299158ce7c78875ec4b701a2ffe6c0beeaf83d16ca87b"),
        ("spin", "9614f10b92e7a8b123990ad5bcfafc65aa4d8fa8ac7f10ade3c3591122d34425"),
        ("spinkick", "60ec9c200d96e0cd71693061f24db0bd8da9eb295daf487f6f60f8dfb324075a"),
        ("walk", "32d082c3599bc40aac50b1afa196ff1e2cf3842bb40f0541ab088845f6328a41"),
    )},
}  # fmt: skip

_PACKAGES: dict[str, list[str]] = {
    # pybullet ships only platform wheels; any one carries the same pybullet_data files.
    "pybullet": ["--only-binary=:all:", "--python-version", "3.11", "--platform",
                 "manylinux_2_17_x86_64", "pybullet==3.2.7"],
    "pose-classification-kit": ["--only-binary=:all:", "pose-classification-kit==1.1.5"],
}  # fmt: skip


def data_dir() -> Path:
    """The cache folder: $POSECOACH_DATA_DIR or ~/.cache/posecoach/data."""
    return cache_dir(DATA_DIR_ENV, "data")


def _valid(name: str, path: Path) -> bool:
    return path.is_file() and sha256_file(path) == DATA_FILES[name][2]


def _fetch_package(package: str, names: list[str], folder: Path, log: Callable[[str], None]) -> None:
    scratch = Path(tempfile.mkdtemp(prefix=f"posecoach-{package}-"))
    try:
        log(f"downloading the {package} wheel with pip (not installing it) …")
        run(pip_command(sys.executable, "download", "--no-deps", "-d", str(scratch), *_PACKAGES[package]),
            f"pip download of {package}", cache_env=DATA_DIR_ENV)
        wheel = single_file(scratch, "*.whl")
        for name in names:
            data = read_zip(wheel, DATA_FILES[name][1])
            got = hashlib.sha256(data).hexdigest()
            if got != DATA_FILES[name][2]:
                raise ModelError(f"{name} from {wheel.name} has sha256 {got}, expected {DATA_FILES[name][2]}")
            write_atomic(folder / name, data)
        log(f"{package}: {len(names)} file(s) ok (sha256 verified)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def fetch_data(log: Callable[[str], None] | None = None) -> Path:
    """Make sure every training file is in the cache, verified; returns the folder. Quick when cached.

    Raises :class:`inference.models.ModelError` (what failed, what to do) when pip cannot get them.
    """
    log = log or (lambda msg: print(msg, file=sys.stderr))
    folder = data_dir()
    missing = [n for n in DATA_FILES if not _valid(n, folder / n)]
    for package in _PACKAGES:
        names = [n for n in missing if DATA_FILES[n][0] == package]
        if names:
            _fetch_package(package, names, folder, log)
    return folder


def data_path(name: str) -> Path:
    """A verified cached training file, or ModelError saying to run the fetch."""
    path = data_dir() / name
    if not _valid(name, path):
        raise ModelError(f"training file {path} is missing or corrupt: run "
                         f"`python -m inference.actions.data fetch` (needs pip access to PyPI)")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    return fetch_main(argv, "inference.actions.data", fetch_data, "training data in", (ModelError,))


if __name__ == "__main__":
    raise SystemExit(main())
