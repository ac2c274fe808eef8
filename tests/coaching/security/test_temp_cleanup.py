"""Issue 21 item 8: what killed workers and interrupted uploads leave in FILE_UPLOAD_TEMP_DIR
(analysis-* work folders, tmp*.upload.* files) is found by media_audit and removed by the
hourly beat task once older than any job may run; what a live job still writes stays."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from coaching.accounts.tasks import temp_cleanup_task
from tests.support import ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_temp_dir(settings, tmp_path) -> None:
    """A temp folder of this test's own: other tests expect the shared one to be empty."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads-tmp")
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir()

# What a worker and an upload do (stages.py's work folder; Django's upload temp file), then
# the process is killed before either cleans up.
LEAVE_BEHIND = """
import os, sys, tempfile, time, django
django.setup()
from django.core.files.uploadedfile import TemporaryUploadedFile
work = tempfile.mkdtemp(prefix="analysis-", dir=os.environ["TMPDIR_APP"])
open(os.path.join(work, "poses.npz"), "wb").write(b"x" * 1000)
upload = TemporaryUploadedFile("clip.mp4", "video/mp4", 0, None)
upload.write(b"y" * 5000); upload.flush()
print("ready", flush=True)
time.sleep(60)
"""


def _age(path: Path, hours: float) -> None:
    old = time.time() - hours * 3600
    for root, dirs, files in os.walk(path) if path.is_dir() else [(str(path.parent), [], [path.name])]:
        for name in dirs + files:
            os.utime(os.path.join(root, name), (old, old))
    os.utime(path, (old, old))


def _killed_worker_leftovers() -> list[Path]:
    tmp = Path(settings.FILE_UPLOAD_TEMP_DIR)
    before = set(tmp.iterdir())
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "coaching.settings.test", "TMPDIR_APP": str(tmp),
           "FILE_UPLOAD_TEMP_DIR": str(tmp)}
    proc = subprocess.Popen([sys.executable, "-c", LEAVE_BEHIND], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    left = sorted(set(tmp.iterdir()) - before)
    assert {p.name.split("-")[0] if p.is_dir() else ".upload." in p.name for p in left} == {"analysis", True}
    return left


def test_leftovers_of_killed_processes_are_audited_then_removed(settings) -> None:
    left = _killed_worker_leftovers()
    fresh_upload = Path(settings.FILE_UPLOAD_TEMP_DIR) / "tmpfresh.upload.mp4"
    fresh_upload.write_bytes(b"still arriving")
    running = Path(settings.FILE_UPLOAD_TEMP_DIR) / "analysis-running"
    (running / "sub").mkdir(parents=True)
    (running / "sub" / "frames.npy").write_bytes(b"z")
    _age(running, 48)
    os.utime(running / "sub" / "frames.npy")  # a live job just wrote inside its old folder
    assert temp_cleanup_task.apply().get() == 0  # nothing is old yet
    for path in left:
        _age(path, settings.TEMP_MAX_AGE_S / 3600 + 1)
    out = StringIO()
    call_command("media_audit", stdout=out)
    report = out.getvalue()
    assert all(f"stale temporary: {p}" in report for p in left), report
    assert "2 stale temporary entries found" in report and "running" not in report
    assert temp_cleanup_task.apply().get() == 2
    assert not any(p.exists() for p in left)
    assert fresh_upload.exists() and (running / "sub" / "frames.npy").exists()


def test_beat_runs_the_cleanup_hourly() -> None:
    from coaching.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["temp-cleanup"]
    assert entry["task"] in app.tasks and entry["schedule"] <= 3600
    assert settings.TEMP_MAX_AGE_S > settings.CELERY_TASK_TIME_LIMIT
