"""Exports are built by a service (coaching.reports.exports) from the stored results; the view
only names the file and turns "not available" into a 404 with the reason."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from django.core.files import File
from django.urls import reverse
from django.utils import timezone

from coaching.analysis.models import Analysis, Status
from coaching.reports.exports import ExportUnavailable, analysis_export_build
from inference.kinematics import compute_kinematics
from inference.kinematics.synthetic import sequence, side_view_body25

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(world, tmp_path: Path) -> Analysis:
    """The world's DONE analysis with real poses and kinematics files (a side-view figure, 1 s)."""
    t = np.arange(60) / 60.0
    knee = 40 + 30 * np.sin(2 * np.pi * t)
    poses = sequence(side_view_body25(t.size, knee=(knee, knee)), t)
    poses.save(tmp_path / "poses.npz")
    compute_kinematics(poses, 0).save(tmp_path / "kinematics.npz")
    analysis = world.analysis
    for field, name in ((analysis.poses, "poses.npz"), (analysis.kinematics, "kinematics.npz")):
        with (tmp_path / name).open("rb") as fh:
            field.save(name, File(fh), save=False)
    analysis.save()
    return analysis


@pytest.mark.parametrize(("fmt", "name", "marker"), [
    ("trc", "markers.trc", "PathFileType"), ("mot", "angles.mot", "endheader"), ("openpose", "openpose-json.zip", None)])
def test_each_export_is_built_from_the_stored_results(stored, fmt: str, name: str, marker: str | None) -> None:
    exported = analysis_export_build(analysis=stored, fmt=fmt)
    # named after the athlete (Ann), the video ("Ann squat") and its day (coaching.analysis.downloads)
    assert exported.filename == f"ann-squat-{timezone.localdate(stored.video.created_at).isoformat()}-{name}"
    if marker is None:
        assert len(zipfile.ZipFile(io.BytesIO(exported.body)).namelist()) == 60  # type: ignore[arg-type]
    else:
        assert marker in exported.body


def test_unavailable_exports_say_why(stored) -> None:
    with pytest.raises(ExportUnavailable, match="No such export"):
        analysis_export_build(analysis=stored, fmt="exe")
    stored.poses = None
    stored.save()
    with pytest.raises(ExportUnavailable, match="no poses"):
        analysis_export_build(analysis=stored, fmt="openpose")
    stored.status = Status.RUNNING
    with pytest.raises(ExportUnavailable, match="No such export"):
        analysis_export_build(analysis=stored, fmt="trc")


def test_the_view_serves_the_service_file_and_404s_with_the_reason(client, world, stored) -> None:
    client.force_login(world.coach)
    response = client.get(reverse("analysis_export", args=[stored.pk, "mot"]))
    assert response.status_code == 200
    day = timezone.localdate(stored.video.created_at).isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="ann-squat-{day}-angles.mot"'
    assert client.get(reverse("analysis_export", args=[stored.pk, "exe"])).status_code == 404
    client.force_login(world.other_coach)  # another team's analysis is not there
    assert client.get(reverse("analysis_export", args=[stored.pk, "mot"])).status_code == 404
