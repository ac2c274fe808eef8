"""Teaching moves: labels on a report's ranges, training requests (each move in enough ranges and
videos), a version made active only by a coach's confirmation, the report's moves band and the
moves page (coaching/learning)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from coaching.analysis.models import Status
from coaching.learning import services
from coaching.learning.models import ActionLabel, TeamActionModel
from coaching.reports.figures import silhouette_figure

pytestmark = pytest.mark.django_db

# A finding as the engine stores it (Finding.as_dict), with a severity of the engine's vocabulary.
FINDING = {"rule": "squat.knee_valgus", "severity": "major", "value": 0.5, "threshold": 0.8, "unit": "ratio",
           "fault": "below", "time_ranges": [[0.1, 0.3]], "message": "Knees cave in",
           "suggestion": "Push the knees out.", "source": "Noyes et al. (2005)"}
ACTIONS = {"model": {"name": "stgcn", "version": "base-1"}, "classes": ["walk", "run", "jump"],
           "feedback": {"squat": {"spans": [[0.0, 0.3]], "findings": [FINDING], "passed": []}},
           "segments": [{"label": "walk", "start": 0.0, "end": 0.3, "confidence": 0.91, "reps": 0},
                        {"label": "unknown", "start": 0.3, "end": 0.5, "confidence": 0.2, "reps": 0}]}


def _poses(analysis) -> None:
    from tests.support import store_small_poses

    store_small_poses(analysis)


def test_coach_labels_a_range(client, world) -> None:
    _poses(world.analysis)
    client.force_login(world.coach)
    url = reverse("label_create", args=[world.analysis.pk])
    response = client.post(url, {"label": " Tuck  Jump ", "start": "0.0", "end": "0.9"})
    assert response.status_code == 302 and response["Location"].endswith("#moves")
    label = ActionLabel.objects.get()
    assert (label.label, label.start, label.end, label.created_by) == ("tuck_jump", 0.0, 0.5, world.coach)  # end clipped to the video


@pytest.mark.parametrize("data", [
    {"label": "kick", "start": "0.1", "end": "0.2"},      # shorter than 0.5 s
    {"label": "kick", "start": "0.4", "end": "0.1"},      # end before start
    {"label": "kick", "start": "", "end": "0.5"},         # no start
    {"label": "<script>", "start": "0", "end": "0.5"},    # not a move's name
    {"label": "", "start": "0", "end": "0.5"},
])
def test_bad_labels_are_refused_with_a_message(client, world, data) -> None:
    _poses(world.analysis)
    client.force_login(world.coach)
    response = client.post(reverse("label_create", args=[world.analysis.pk]), data, follow=True)
    assert response.status_code == 200
    assert not ActionLabel.objects.exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_running_analysis_cannot_be_labelled(world) -> None:
    world.analysis.status, world.analysis.progress = Status.RUNNING, 50
    world.analysis.save()
    with pytest.raises(services.ValidationError):
        services.action_label_create(analysis=world.analysis, label="walk", start=0, end=1,
                                     created_by=world.coach)


def test_training_needs_labels_and_one_run_at_a_time(client, world, django_capture_on_commit_callbacks) -> None:
    client.force_login(world.coach)
    url = reverse("team_moves_train", args=[world.team.pk])
    response = client.post(url, follow=True)
    assert "Label the moves" in response.content.decode()
    assert not TeamActionModel.objects.exists()
    for start in (0.0, 0.1, 0.2, 0.3):  # four ranges, but all in one video
        ActionLabel.objects.create(analysis=world.analysis, label="walk", start=start, end=start + 0.4)
    page = client.post(url, follow=True).content.decode()
    assert "“walk” has 4 labelled ranges in 1 video; label at least 4 ranges in at least 2 different videos" in page
    assert not TeamActionModel.objects.exists()
    ActionLabel.objects.create(analysis=world.analysis_al, label="walk", start=0.0, end=0.5)
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(url)
    row = TeamActionModel.objects.get()
    assert (row.version, row.status, row.active) == (1, Status.PENDING, False)
    assert len(callbacks) == 1  # queued on the gpu queue once committed
    response = client.post(url, follow=True)
    assert "already training" in response.content.decode()
    assert TeamActionModel.objects.count() == 1


@dataclass
class _Result:
    """What _decide reads of a TeamTrainingResult."""

    accuracy: float
    base_accuracy: float | None = 0.98
    base_accuracy_before: float | None = 0.99
    previous_accuracy: float | None = 0.5
    classes: list[str] = field(default_factory=lambda: ["walk", "tuck_jump"])

    @property
    def base_loss(self) -> float | None:
        if self.base_accuracy is None or self.base_accuracy_before is None:
            return None
        return self.base_accuracy_before - self.base_accuracy

    @property
    def keeps_base_classes(self) -> bool:
        return self.base_loss is not None and self.base_loss <= 0.02


@pytest.mark.parametrize(("result", "may"), [(_Result(0.9), True), (_Result(0.95, base_accuracy=0.9), False),
                                             (_Result(0.9, base_accuracy=None), False)])
def test_a_version_never_becomes_active_by_itself(world, result, may) -> None:
    old = TeamActionModel.objects.create(team=world.team, version=1, status=Status.DONE, active=True)
    new = TeamActionModel.objects.create(team=world.team, version=2, status=Status.RUNNING)
    new.metrics = {"keeps_base_classes": result.keeps_base_classes}
    services._decide(new, result, old)
    new.refresh_from_db()
    old.refresh_from_db()
    assert (new.active, old.active) == (False, True) and new.status == Status.DONE
    assert "v1" in new.decision and ("A coach may make it active" in new.decision) == may


def test_a_coach_confirms_a_version_after_seeing_its_numbers(client, world) -> None:
    from django.core.files.base import ContentFile

    old = TeamActionModel.objects.create(team=world.team, version=1, status=Status.DONE, active=True)
    new = TeamActionModel.objects.create(team=world.team, version=2, status=Status.DONE, classes=["walk", "kick"],
                                         metrics={"accuracy": 0.75, "confusion": [[3, 1], [1, 3]],
                                                  "base_accuracy": 0.985, "base_accuracy_before": 0.99,
                                                  "keeps_base_classes": True})  # fmt: skip
    new.file.save("v2.zip", ContentFile(b"zip"), save=True)
    client.force_login(world.coach)
    page = client.get(reverse("team_moves", args=[world.team.pk])).content.decode()
    assert 'id="activate-form"' in page and "0.985" in page and 'id="confusion-figure"' in page
    url = reverse("team_moves_activate", args=[world.team.pk, 2])
    page = client.post(url, follow=True).content.decode()  # the box not ticked
    assert "Tick the box" in page
    new.refresh_from_db()
    assert not new.active
    client.force_login(world.ann_user)  # an athlete cannot
    assert client.post(url, {"seen": "yes"}).status_code in (403, 404)
    client.force_login(world.coach)
    client.post(url, {"seen": "yes"})
    new.refresh_from_db()
    old.refresh_from_db()
    assert new.active and not old.active and new.confirmed_by == world.coach and new.confirmed_at
    # a version that loses the base classes cannot be confirmed
    lossy = TeamActionModel.objects.create(team=world.team, version=3, status=Status.DONE,
                                           metrics={"keeps_base_classes": False})
    lossy.file.save("v3.zip", ContentFile(b"zip"), save=True)
    page = client.post(reverse("team_moves_activate", args=[world.team.pk, 3]), {"seen": "yes"}, follow=True)
    assert "loses too much of the base classes" in page.content.decode()
    lossy.refresh_from_db()
    assert not lossy.active and TeamActionModel.objects.get(active=True) == new
    client.force_login(world.other_coach)
    assert client.post(url, {"seen": "yes"}).status_code == 404


def test_report_shows_the_moves_band_and_teach_form(client, world) -> None:
    world.analysis.summary = {**world.analysis.summary, "actions": ACTIONS}
    world.analysis.save()
    ActionLabel.objects.create(analysis=world.analysis, label="tuck_jump", start=0, end=0.5)
    client.force_login(world.coach)
    page = client.get(reverse("analysis_report", args=[world.analysis.pk])).content.decode()
    assert 'class="seek move" data-t="0.0"' in page and "walk 0.0–0.3 s" in page
    assert "Labelled by the base model" in page and 'id="label-form"' in page
    assert '<option value="tuck_jump">' in page and '<option value="run">' in page
    assert "Re-label" not in page  # labelled by the model in use
    assert "Technique in the squat segments" in page and "Knees cave in" in page
    assert '<li class="finding major"><strong>Knees cave in</strong> <span class="severity">Major</span>' in page
    TeamActionModel.objects.create(team=world.team, version=1, status=Status.DONE, active=True)
    assert "Re-label with v1" in client.get(reverse("analysis_report", args=[world.analysis.pk])).content.decode()
    client.force_login(world.ann_user)  # athletes see their moves, they do not teach
    page = client.get(reverse("analysis_report", args=[world.analysis.pk])).content.decode()
    assert 'class="seek move"' in page and 'id="label-form"' not in page


def test_moves_page_shows_versions_and_confusion_matrix(client, world) -> None:
    TeamActionModel.objects.create(
        team=world.team, version=1, status=Status.DONE, active=True, classes=["walk", "kick"],
        metrics={"accuracy": 0.75, "confusion": [[3, 1], [1, 3]]}, decision="Cross-validated 75 %")
    client.force_login(world.coach)
    response = client.get(reverse("team_moves", args=[world.team.pk]))
    page = response.content.decode()
    assert "v1 <strong>active</strong>" in page and 'id="confusion-figure"' in page
    figure = response.context["figure"]
    assert figure["data"][0]["z"] == [[0.75, 0.25], [0.25, 0.75]]
    assert figure["data"][0]["x"] == ["walk", "kick"]
    assert "No labelled ranges yet" in page


def test_status_polling(client, world) -> None:
    row = TeamActionModel.objects.create(team=world.team, version=3, status=Status.RUNNING, progress=40,
                                         message="epoch 4/10")
    client.force_login(world.coach)
    data = client.get(reverse("action_model_status", args=[row.pk])).json()
    assert data == {"status": "running", "progress": 40, "message": "epoch 4/10", "error": "", "version": 3}


def test_privacy_render_needs_masks(client, world) -> None:
    client.force_login(world.coach)
    response = client.post(reverse("render_start", args=[world.analysis.pk]), {"kind": "privacy"})
    assert response.status_code == 400 and "no person masks" in response.json()["error"]
    response = client.post(reverse("render_start", args=[world.analysis.pk]), {"kind": "other"})
    assert response.status_code == 400


def test_silhouette_figure() -> None:
    figure = silhouette_figure({"t": [0.0, 0.1], "area": [0.1, None], "width": [0.2, 0.25]})
    assert figure is not None
    assert [trace["name"] for trace in figure["data"]] == ["area", "width"]
    assert figure["data"][1]["yaxis"] == "y2"
    # Round ticks of its own on the right axis, not Plotly's default "sync" to the left grid.
    assert figure["layout"]["yaxis2"]["tickmode"] == "auto"
    assert silhouette_figure({}) is None


def test_confusion_figure_leaves_out_classes_nobody_labelled() -> None:
    from coaching.learning.figures import confusion_figure

    figure = confusion_figure(["idle", "walk", "lunge"], [[0, 0, 0], [0, 0, 1], [0, 1, 3]], "v1")
    assert figure["data"][0]["x"] == ["walk", "lunge"] and figure["data"][0]["z"] == [[0.0, 1.0], [0.25, 0.75]]
