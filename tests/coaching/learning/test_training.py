"""A team teaches a move end to end on real clips: poses from the real pipeline, coaches' labelled
ranges, the training service (as the gpu-queue worker runs it), the stored version and its numbers,
the coach's confirmation on the moves page, and re-labelling an analysis with the new model."""

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
    """The lab side step, filmed twice (two videos), two ranges labelled in each: trained by the
    worker's service, cross-validated by video, checked on the base classes, never active until a
    coach confirms it on the moves page; then an analysis is labelled again with it."""
    _analysed(world, world.analysis, "lab_walk_portrait_60fps.mp4")
    _analysed(world, world.analysis_al, "lab_two_people_portrait_60fps.mp4")
    client.force_login(world.coach)
    url = reverse("team_moves_train", args=[world.team.pk])
    for i, analysis in enumerate((world.analysis, world.analysis_al)):
        for start, end in ((0.0, 0.8), (0.8, 1.6)):
            response = client.post(reverse("label_create", args=[analysis.pk]),
                                   {"label": "side step", "start": start, "end": end})
            assert response.status_code == 302
        if i == 0:  # one video is not enough to test on a video the model did not learn from
            assert "in at least 2 different videos" in client.post(url, follow=True).content.decode()
            assert not TeamActionModel.objects.exists()
    assert ActionLabel.objects.count() == 4
    client.post(url)
    row = TeamActionModel.objects.get()
    services.team_model_train_run(model_id=row.pk)  # what the gpu-queue task does
    row.refresh_from_db()
    assert row.status == Status.DONE, row.error
    assert row.classes[-1] == "side_step"
    confusion = row.metrics["confusion"]
    assert len(confusion) == len(row.classes) and all(len(r) == len(row.classes) for r in confusion)
    assert row.metrics["folds"][0]["how"] == {"side_step": "by video (2 videos)"}
    assert row.metrics["keeps_base_classes"] and row.metrics["base_accuracy_before"] >= 0.95
    assert row.file.name.endswith(".zip") and "base model" in row.decision
    assert not row.active and "A coach may make it active" in row.decision
    page = client.get(reverse("team_moves", args=[world.team.pk])).content.decode()
    assert 'id="activate-form"' in page and 'id="confusion-figure"' in page
    client.post(reverse("team_moves_activate", args=[world.team.pk, row.version]), {"seen": "yes"})
    row.refresh_from_db()
    assert row.active and row.confirmed_by == world.coach
    page = client.get(reverse("team_moves", args=[world.team.pk])).content.decode()
    assert "v1 <strong>active</strong>" in page

    assert services.analysis_relabel(analysis_id=world.analysis_al.pk)
    world.analysis_al.refresh_from_db()
    actions = world.analysis_al.summary["actions"]
    assert actions["model"]["team_version"] == 1 and "side_step" in actions["classes"]
    assert actions["segments"], actions
