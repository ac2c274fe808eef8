"""On a real clip analysed by the worker: metric rows are written when the run finishes, one set,
replaced by a re-run's; the two runs of the same video compare as identical."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coaching.analysis.runner import analysis_run
from coaching.analysis.services import analysis_rerun
from coaching.progress.comparisons import comparison_get
from coaching.progress.models import MetricRow
from inference.compare.metrics import METRICS
from tests.support import upload_and_analyse

pytestmark = pytest.mark.django_db


def test_real_walk_rows_rerun_and_self_comparison(client, world, django_capture_on_commit_callbacks) -> None:
    client.force_login(world.coach)
    # The clip is a step out to the side and back, not a walk (bench/truth): the rows are about
    # storage and re-runs here, whatever the moves are called.
    first = upload_and_analyse(client, world.al, "lab_walk_portrait_60fps.mp4", "general")
    rows = {r.metric: r for r in MetricRow.objects.filter(analysis=first)}
    assert rows and set(rows) <= set(METRICS)
    assert all(r.athlete_id == world.al.pk for r in rows.values())
    # He faces the camera: knee flexion (a side-view angle) is not measured. His trunk leans far
    # over while his right leg swings out and back (frames 0, 30, 45, 60 looked at), so both thighs'
    # angles to the trunk line, read in any view, change by tens of degrees.
    assert "knee_rom" not in rows and 15 < rows["hip_elevation_rom"].value < 90
    second = analysis_rerun(video=first.video)
    analysis_run(analysis_id=second.pk)
    assert not MetricRow.objects.filter(analysis=first).exists()
    assert MetricRow.objects.filter(analysis=second).count() == len(rows)
    second.refresh_from_db()
    same = comparison_get(a=first, b=second, seg_a=None, seg_b=None)
    assert not same.reason and same.data["named"] == []
    assert same.data["mean_cost_deg"] < 1.0
    page = client.get(reverse("analysis_compare", args=[first.pk]), {"with": second.pk})
    assert page.status_code == 200 and b"No joint differs by 5" in page.content
