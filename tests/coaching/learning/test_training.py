"""A team teaches a move end to end on real clips: poses from the real pipeline, coaches' labelled
ranges, the training service (as the gpu-queue worker runs it), the stored version, the decision,
the moves page's confusion matrix, and re-labelling an analysis with the new model."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from coaching.analysis.models import Status
from coaching.learning import services
from coaching.learning.models import ActionLabel, TeamActionModel
from tests.support import shared_clip

pytestmark = pytest.mark.django_db


def _analysed(world, analysis, clip_name: str) -> None:
    """Give a World analysis the real poses of a shared clip (BlazePose, tracked)."""
    from inference.pipeline import AnalysisConfig, analyze

    result = analyze(shared_clip(clip_name), AnalysisConfig(max_side=640, until="athlete"))
    buffer = io.BytesIO()
    result.poses.save(buffer)
    analysis.poses.save("poses.npz", ContentFile(buffer.getvalue()), save=False)
    analysis.summary = {"pose": {"athlete_track_id": result.athlete_track_id}}
    analysis.save()
    video = analysis.video
    video.duration_s = float(result.poses.timestamps[-1])
    video.save()


def test_a_coach_teaches_a_new_move(client, world) -> None:
    _analysed(world, world.analysis, "lab_walk_portrait_60fps.mp4")
    _analysed(world, world.analysis_al, "indoor_two_people_1080p.mp4")
    client.force_login(world.coach)
    for analysis, label, ranges in ((world.analysis, "walk", [(0.0, 0.8), (0.8, 1.6)]),
                                    (world.analysis_al, "grab", [(0.0, 1.2), (1.2, 2.5)])):
        for start, end in ranges:
            response = client.post(reverse("label_create", args=[analysis.pk]),
                                   {"label": label, "start": start, "end": end})
            assert response.status_code == 302
    assert ActionLabel.objects.count() == 4
    client.post(reverse("team_moves_train", args=[world.team.pk]))
    row = TeamActionModel.objects.get()
    services.team_model_train_run(model_id=row.pk)  # what the gpu-queue task does
    row.refresh_from_db()
    assert row.status == Status.DONE, row.error
    assert "grab" in row.classes and "walk" in row.classes
    confusion = row.metrics["confusion"]
    assert len(confusion) == len(row.classes) and all(len(r) == len(row.classes) for r in confusion)
    assert sum(map(sum, confusion)) > 0 and 0.0 <= row.metrics["accuracy"] <= 1.0
    assert row.file.name.endswith(".zip") and "base model" in row.decision
    # The base model cannot know "grab": the team model must beat it on these ranges.
    assert row.active, row.decision
    page = client.get(reverse("team_moves", args=[world.team.pk])).content.decode()
    assert "v1 <strong>active</strong>" in page and 'id="confusion-figure"' in page

    assert services.analysis_relabel(analysis_id=world.analysis_al.pk)
    world.analysis_al.refresh_from_db()
    actions = world.analysis_al.summary["actions"]
    assert actions["model"]["team_version"] == 1 and "grab" in actions["classes"]
    assert actions["segments"], actions
