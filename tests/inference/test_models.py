"""Model files: verification, caching, and failures that say what to do."""

import dataclasses
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest

from inference import fetch, models


@pytest.fixture
def models_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(models.MODELS_DIR_ENV, str(tmp_path / "models"))
    monkeypatch.setattr(models, "_verified", {})
    return tmp_path / "models"


@pytest.fixture(scope="module")
def real_cache():
    """The real, fetched cache (make test runs the fetch first)."""
    models.fetch_models()
    return models.models_dir()


def test_table_matches_architecture_doc():
    assert set(models.NAMES) == {
        "pose_detection.tflite", "pose_landmark_full.tflite", "selfie_segmentation.tflite",
        "graph_opt.pb", "openpose_mobilenet_thin.npz",
    }  # fmt: skip
    assert models.FILES["graph_opt.pb"].sha256.startswith("51f84ea82b3d")
    assert all(len(f.sha256) == 64 for f in models.FILES.values())


def test_missing_file_says_what_to_run(models_dir):
    with pytest.raises(models.ModelError, match="python -m inference.models fetch") as info:
        models.model_path("graph_opt.pb")
    assert models.MODELS_DIR_ENV in str(info.value) and "missing" in str(info.value)
    with pytest.raises(models.ModelError, match="unknown model file"):
        models.model_path("yolo.pt")


def test_corrupt_file_is_refused(models_dir, real_cache):
    models_dir.mkdir()
    data = bytearray((real_cache / "selfie_segmentation.tflite").read_bytes())
    data[1000] ^= 0xFF
    (models_dir / "selfie_segmentation.tflite").write_bytes(bytes(data))
    with pytest.raises(models.ModelError, match="corrupt"):
        models.model_path("selfie_segmentation.tflite")


def test_cached_files_verify_once_per_process(models_dir, real_cache, monkeypatch):
    shutil.copytree(real_cache, models_dir)
    for name in models.NAMES:
        assert models.model_path(name) == models_dir / name
    monkeypatch.setattr(models, "sha256_file", lambda path: pytest.fail("hashed twice"))
    monkeypatch.setattr(models, "_npz_digest", lambda path: pytest.fail("hashed twice"))
    assert models.model_path("graph_opt.pb") == models_dir / "graph_opt.pb"


def test_fetch_is_quick_and_offline_when_cached(models_dir, real_cache, monkeypatch):
    shutil.copytree(real_cache, models_dir)
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("pip was called"))
    started = time.perf_counter()
    paths = models.fetch_models(log=lambda msg: None)
    assert time.perf_counter() - started < 5
    assert set(paths) == set(models.NAMES)


def test_failed_pip_exits_nonzero_with_advice(models_dir, tmp_path, monkeypatch, capsys):
    # An index that cannot answer: no index, no local wheels, no config.
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PIP_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path / "empty"))
    assert models.main(["fetch", "--only", "pose_detection.tflite"]) == 1
    err = capsys.readouterr().err
    assert "pip download of the mediapipe 0.10.21 wheel failed" in err
    assert "PyPI" in err and models.MODELS_DIR_ENV in err
    assert not (models_dir / "pose_detection.tflite").exists()


def test_stalled_subprocess_is_stopped(monkeypatch):
    monkeypatch.setattr(fetch, "PIP_TIMEOUT_S", 1)
    started = time.perf_counter()
    with pytest.raises(models.ModelError, match="took more than 1 s"):
        fetch.run([sys.executable, "-c", "import time; time.sleep(30)"], "a stalled pip", cache_env=models.MODELS_DIR_ENV)
    assert time.perf_counter() - started < 10


def test_wrong_bytes_from_a_package_are_refused(models_dir, tmp_path, monkeypatch):
    archive = tmp_path / "fake.whl"
    archive.write_bytes(b"")
    fake = dataclasses.replace(
        models.SOURCES["mediapipe-wheel"],
        download=lambda scratch: archive,
        read=lambda path, member: b"not the model",
    )
    monkeypatch.setitem(models.SOURCES, "mediapipe-wheel", fake)
    with pytest.raises(models.ModelError, match="sha256"):
        models.fetch_models(["selfie_segmentation.tflite"], log=lambda msg: None)
    assert not (models_dir / "selfie_segmentation.tflite").exists()


def test_weights_digest_depends_on_content_not_order():
    a = {"x/kernel": np.arange(6, dtype=np.float32).reshape(2, 3), "y/bias": np.ones(3, np.float32)}
    b = {"y/bias": np.ones(3, np.float32), "x/kernel": np.arange(6, dtype=np.float32).reshape(2, 3)}
    assert models.weights_digest(a) == models.weights_digest(b)
    c = dict(a, **{"y/bias": np.array([1, 1, 1.0001], np.float32)})
    assert models.weights_digest(c) != models.weights_digest(a)
    d = dict(a, **{"x/kernel": a["x/kernel"].reshape(3, 2)})
    assert models.weights_digest(d) != models.weights_digest(a)


def test_path_command(models_dir, real_cache, capsys):
    shutil.copytree(real_cache, models_dir)
    assert models.main(["path", "graph_opt.pb"]) == 0
    assert capsys.readouterr().out.strip() == str(models_dir / "graph_opt.pb")


def test_conversion_without_tensorflow_says_what_to_do(models_dir, real_cache, monkeypatch):
    models_dir.mkdir()
    shutil.copy(real_cache / "graph_opt.pb", models_dir / "graph_opt.pb")
    monkeypatch.setitem(sys.modules, "tensorflow", None)  # import tensorflow → ImportError
    with pytest.raises(models.ModelError, match="needs tensorflow") as info:
        models.fetch_models(["openpose_mobilenet_thin.npz"], log=lambda msg: None)
    assert models.MODELS_DIR_ENV in str(info.value)
    assert not (models_dir / "openpose_mobilenet_thin.npz").exists()
