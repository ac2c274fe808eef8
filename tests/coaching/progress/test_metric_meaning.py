"""The progress page on what a metric means: range of motion as the report defines it (the mean of
both sides' ranges, said so), and no verdict or best for trunk lean (no rule makes less lean better)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from coaching.progress.models import MetricRow
from tests.support import squat_video

pytestmark = pytest.mark.django_db


def _general(world, month: int, values: dict[str, float]):  # noqa: ANN001, ANN202
    analysis = squat_video(world.ann, recorded=date(2026, month, 1), depth=80)
    analysis.video.movement = "general"
    analysis.video.save()
    for metric, value in values.items():
        MetricRow.objects.create(team=world.team, athlete=world.ann, analysis=analysis, recorded_on=date(2026, month, 1),
                                 action="general", metric=metric, value=value, unit="deg", t_start=0.0, t_end=3.0)  # fmt: skip
    return analysis


def test_a_backward_lean_is_a_change_not_an_improvement(client, world) -> None:
    _general(world, 1, {"trunk_lean_max": 48.0, "knee_rom": 20.0})
    _general(world, 2, {"trunk_lean_max": -14.0, "knee_rom": 35.0})
    client.force_login(world.coach)
    page = client.get(reverse("athlete_progress", args=[world.ann.pk])).content.decode()
    lean = next(item for item in page.split("<li") if "Greatest forward trunk lean (general) " in item)
    assert "fell: 48° → -14°" in lean and "improved" not in lean and 'badge changed' in lean
    bests = page.split("Personal bests", 1)[1].split("</section>", 1)[0]
    assert "trunk lean" not in bests and "Knee range of motion (mean of both sides)" in bests
    assert "5th–95th percentile span of each side" in page  # what the range is, on the page
