"""The compare page: a chooser, then two performances aligned, differences named; another team's
analysis on either side is a 404; the page says what to do when nothing can be compared."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from coaching.progress.comparisons import comparison_get, segments_for
from tests.support import squat_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(world):
    deep = squat_video(world.ann, recorded=date(2026, 1, 5), depth=100, title="deep")
    shallow = squat_video(world.ann, recorded=date(2026, 3, 5), depth=75, title="shallow", power=1.4)
    return deep, shallow


def test_chooser_offers_the_athletes_other_dates(client, world, pair) -> None:
    deep, shallow = pair
    client.force_login(world.coach)
    page = client.get(reverse("analysis_compare", args=[deep.pk])).content.decode()
    assert f'value="{shallow.pk}"' in page and "other dates" in page
    lonely = client.get(reverse("analysis_compare", args=[world.analysis_al.pk])).content.decode()
    assert "no joint angles" in lonely


def test_aligned_comparison_names_the_differences(client, world, pair) -> None:
    deep, shallow = pair
    client.force_login(world.coach)
    url = reverse("analysis_compare", args=[deep.pk])
    page = client.get(url, {"with": shallow.pk}).content.decode()
    assert 'id="compare-data"' in page and 'id="video-a"' in page and 'id="video-b"' in page
    assert "less flexed at the bottom" in page
    comparison = comparison_get(a=deep, b=shallow)
    assert segments_for(deep)[comparison.index_a].kind == "rep"
    assert comparison.data["time_map"]["ta"][0] >= segments_for(deep)[comparison.index_a].start - 1e-6
    whole = len(segments_for(deep)) - 1
    assert client.get(url, {"with": shallow.pk, "a": whole, "b": "nonsense"}).status_code == 200


def test_other_teams_analysis_is_a_404_on_either_side(client, world, pair) -> None:
    deep, _ = pair
    client.force_login(world.coach)
    url = reverse("analysis_compare", args=[deep.pk])
    assert client.get(url, {"with": world.analysis_b.pk}).status_code == 404
    client.force_login(world.other_coach)
    assert client.get(url).status_code == 404
    client.force_login(world.ann_user)  # her own two dates: yes; Al's video: no
    assert client.get(url, {"with": pair[1].pk}).status_code == 200
    assert client.get(url, {"with": world.analysis_al.pk}).status_code == 404
