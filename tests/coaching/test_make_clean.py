"""`make clean` removes every virtual environment the Makefile creates (the app's .venv and the
speed anchor's .venv-anchor of `make bench-anchor`), read from the Makefile itself."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess

import pytest

from tests.support import ROOT


def test_make_clean_removes_every_venv_the_makefile_makes() -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    venvs = dict(re.findall(r"^(\w*VENV) := (\S+)$", (ROOT / "Makefile").read_text(), re.MULTILINE))
    assert venvs == {"VENV": ".venv", "ANCHOR_VENV": ".venv-anchor"}
    dry = subprocess.run(["make", "-n", "clean"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    removed = {arg for line in dry.splitlines() if line.startswith("rm ") for arg in shlex.split(line)[2:]}
    assert set(venvs.values()) | {"var"} <= removed, removed
