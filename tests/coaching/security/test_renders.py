"""Issue 21 item 9: the role table decides who starts renders (athletes used to start unlimited
ones), one render per kind and analysis at a time, and a finished render replaces the older
render's files."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from coaching.analysis.models import Status
from coaching.reports.models import Render, RenderKind
from coaching.reports.services import render_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch) -> list[dict]:
    from coaching.reports import tasks

    messages: list[dict] = []
    monkeypatch.setattr(tasks.run_render, "apply_async", lambda **kw: messages.append(kw))
    return messages


def test_an_athlete_cannot_start_renders(client, world, sent, django_capture_on_commit_callbacks) -> None:
    client.force_login(world.ann_user)  # ann sees her own analysis and its report
    page = client.get(reverse("analysis_report", args=[world.analysis.pk]))
    assert page.status_code == 200 and b'id="render-form"' not in page.content  # no button she cannot use
    before = Render.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            response = client.post(reverse("render_start", args=[world.analysis.pk]))
            assert response.status_code == 403 and "coaches" in response.json()["error"]
    assert Render.objects.count() == before and sent == []


def test_coaches_see_the_render_buttons(client, world) -> None:
    client.force_login(world.coach)
    page = client.get(reverse("analysis_report", args=[world.analysis.pk]))
    assert page.status_code == 200 and b'id="render-form"' in page.content


def test_one_render_per_kind_and_analysis_at_a_time(client, world, sent, django_capture_on_commit_callbacks) -> None:
    client.force_login(world.coach)
    url = reverse("render_start", args=[world.analysis.pk])
    with django_capture_on_commit_callbacks(execute=True):
        urls = {client.post(url).json()["status_url"] for _ in range(10)}
    assert len(urls) == 1 and len(sent) == 1
    active = Render.objects.filter(analysis=world.analysis, status__in=[Status.PENDING, Status.RUNNING])
    assert active.count() == 1 and active.get().kind == RenderKind.ANNOTATED


def test_a_finished_render_replaces_the_older_files(world, django_capture_on_commit_callbacks) -> None:
    old_path = Path(world.render.file.path)  # DONE, with a file
    assert old_path.exists()
    new = Render.objects.create(analysis=world.analysis, requested_by=world.coach)
    with django_capture_on_commit_callbacks(execute=True):
        render_run(render_id=new.pk)
    new.refresh_from_db()
    assert new.status == Status.DONE, new.error
    assert list(Render.objects.filter(analysis=world.analysis).values_list("pk", flat=True)) == [new.pk]
    assert Path(settings.MEDIA_ROOT, new.file.name).exists()
    assert not old_path.exists()
    other_kind = Render.objects.create(analysis=world.analysis, kind=RenderKind.PRIVACY, status=Status.DONE)
    renewed = Render.objects.create(analysis=world.analysis, requested_by=world.coach)
    with django_capture_on_commit_callbacks(execute=True):
        render_run(render_id=renewed.pk)
    assert set(Render.objects.filter(analysis=world.analysis).values_list("pk", flat=True)) == {
        renewed.pk, other_kind.pk}  # only the same kind is replaced
