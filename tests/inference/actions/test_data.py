"""The training-data cache: verified files or a message that says what to run."""

from __future__ import annotations

from pathlib import Path

import pytest

from inference.actions.data import DATA_DIR_ENV, DATA_FILES, data_dir, data_path
from inference.models import ModelError


def test_every_clip_of_the_classes_is_a_pinned_file() -> None:
    from inference.actions.mocap import CLIP_CLASSES

    assert {f"humanoid3d_{clip}.txt" for clip in CLIP_CLASSES} <= set(DATA_FILES)
    assert all(len(digest) == 64 for _, _, digest in DATA_FILES.values())


def test_missing_or_corrupt_files_say_what_to_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    assert data_dir() == tmp_path
    with pytest.raises(ModelError, match="python -m inference.actions.data fetch"):
        data_path("humanoid.urdf")
    (tmp_path / "humanoid.urdf").write_text("<robot/>")
    with pytest.raises(ModelError, match="missing or corrupt"):
        data_path("humanoid.urdf")
