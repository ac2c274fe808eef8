"""The pose-backend registry: one table that the pipeline, the CLIs, the forms and the settings
derive from, and a clear message for a name that is not in it."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from inference.pose.registry import BACKENDS, DEFAULT_BACKEND, backend_names, backend_spec

ROOT = Path(__file__).resolve().parents[3]


def test_every_backend_has_a_factory_a_skeleton_and_model_files() -> None:
    from inference.models import DERIVED, FILES
    from inference.skeleton import get_skeleton

    assert DEFAULT_BACKEND in BACKENDS
    for spec in BACKENDS.values():
        assert callable(importlib.import_module(spec.module).create), spec.name
        get_skeleton(spec.skeleton)  # a keypoint set of inference.skeleton
        assert spec.model_files and all(name in FILES or name in DERIVED for name in spec.model_files)


def test_an_unknown_backend_names_the_choices() -> None:
    with pytest.raises(ValueError, match="unknown pose backend 'alphapose'; choose one of blazepose, openpose"):
        backend_spec("alphapose")
    from inference.pipeline import AnalysisConfig

    with pytest.raises(ValueError, match="unknown pose backend"):
        AnalysisConfig(backend="alphapose")


def test_the_cli_and_the_forms_offer_the_registry() -> None:
    import argparse

    from inference.analyze_cmd import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    (action,) = [a for a in parser._actions if a.dest == "backend"]
    assert tuple(action.choices or ()) == backend_names()
    from coaching.videos.forms import BACKEND_CHOICES

    assert [name for name, _ in BACKEND_CHOICES] == list(backend_names())


def test_a_bad_backend_setting_stops_the_app_at_start_up() -> None:
    env = {**os.environ, "POSECOACH_POSE_BACKEND": "alphapose", "DJANGO_SETTINGS_MODULE": "coaching.settings.dev"}
    done = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode != 0
    assert "POSECOACH_POSE_BACKEND: unknown pose backend 'alphapose'; choose one of blazepose, openpose" in done.stderr
