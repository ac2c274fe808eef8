"""Issue 21 item 7: crafted JSON on every JSON endpoint is a clean 400 with a message: NaN,
"nan", Infinity and 1e400, 2,000 levels of nesting, oversized bodies; athlete clicks with
non-finite coordinates change nothing. A hypothesis fuzz test over all of them: never a 500,
and every reply is strict JSON."""

from __future__ import annotations

import json
import math

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coaching.requestdata import MAX_JSON_BYTES
from coaching.reviews.models import Annotation, Comment
from tests.support import store_small_poses

pytestmark = pytest.mark.django_db

ANGLE = {"points": [[10, 50], [40, 20], [80, 50]]}
JSON_ENDPOINTS = ("annotation_create", "annotation_update", "annotation_delete",
                  "comment_create", "comment_delete")


def _strict(text: str) -> object:
    def refuse(name: str) -> None:
        raise AssertionError(f"the reply contains {name}: not JSON")

    return json.loads(text, parse_constant=refuse)


def _raw(client, name: str, video, body: bytes | str):
    return client.post(reverse(name, args=[video.pk]), body, content_type="application/json")


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", '"nan"', '"inf"', "1e400"])
def test_non_finite_times_are_400_with_a_message(client, world, value: str) -> None:
    client.force_login(world.coach)
    body = f'{{"kind": "angle", "t_start": {value}, "t_end": 0.4, "geometry": {json.dumps(ANGLE)}}}'
    response = _raw(client, "annotation_create", world.video, body)
    assert response.status_code == 400
    assert "finite" in _strict(response.content.decode())["error"]  # type: ignore[index]
    comment = _raw(client, "comment_create", world.video, f'{{"body": "x", "t_start": {value}}}')
    assert comment.status_code == 400 and "finite" in comment.json()["error"]
    assert not Annotation.objects.exists() and not Comment.objects.exists()


def test_deep_nesting_and_huge_bodies_are_400(client, world) -> None:
    client.force_login(world.coach)
    deep = '{"kind": "angle", "geometry": ' + "[" * 2000 + "]" * 2000 + "}"
    response = _raw(client, "annotation_create", world.video, deep)
    assert response.status_code == 400 and "nests deeper" in response.json()["error"]
    huge = json.dumps({"body": "x" * (MAX_JSON_BYTES + 10)})
    response = _raw(client, "comment_create", world.video, huge)
    assert response.status_code == 400 and "larger than" in response.json()["error"]
    response = _raw(client, "comment_delete", world.video, '{"id": 99999999999999999999999}')
    assert response.status_code == 400


@pytest.mark.parametrize("bad", ["nan", "NaN", "inf", "-inf", "1e400", "", "x"])
def test_athlete_click_with_non_finite_coordinates_changes_nothing(client, world, monkeypatch, bad) -> None:
    from coaching.analysis.models import AthleteChoice

    store_small_poses(world.analysis)
    client.force_login(world.coach)
    url = reverse("analysis_athlete", args=[world.analysis.pk])
    for field in ("x", "y", "t"):
        data = {"x": "50", "y": "50", "t": "0.05", field: bad}
        response = client.post(url, data)
        assert response.status_code == 400 and "finite" in response.json()["error"]
    assert not AthleteChoice.objects.exists()  # no job queued


# --- fuzz ------------------------------------------------------------------------------------

KEYS = ["kind", "t_start", "t_end", "geometry", "text", "colour", "calibration", "body", "id",
        "annotation_id", "points", "method", "reference_m", "reference_px"]
scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats(allow_nan=True, allow_infinity=True)
           | st.sampled_from(["nan", "inf", "angle", "line", "text", "#ff3b30", "reference", ""])
           | st.text(max_size=20))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5)
                      | st.dictionaries(st.sampled_from(KEYS), inner, max_size=5), max_leaves=25)
bodies = (st.dictionaries(st.sampled_from(KEYS), values, max_size=8).map(json.dumps)
          | values.map(json.dumps) | st.binary(max_size=64).map(lambda b: b.decode("latin-1")))


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=st.sampled_from(JSON_ENDPOINTS), body=bodies)
def test_fuzz_json_endpoints_never_500(client, world, name: str, body: str) -> None:
    client.force_login(world.coach)
    response = _raw(client, name, world.video, body)
    assert response.status_code in (200, 201, 400, 403, 404), (response.status_code, body)
    if response["Content-Type"].startswith("application/json"):
        _strict(response.content.decode())


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(x=st.text(max_size=12) | st.floats().map(repr), y=st.floats().map(repr),
       t=st.sampled_from(["0", "nan", "1e400", "-0.0", "9" * 400]))
def test_fuzz_athlete_click_never_500(client, world, monkeypatch, x: str, y: str, t: str) -> None:
    client.force_login(world.coach)  # a click that lands on someone queues a job after commit: never here
    response = client.post(reverse("analysis_athlete", args=[world.analysis.pk]), {"x": x, "y": y, "t": t})
    assert response.status_code in (200, 400), (response.status_code, x, y, t)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(start=st.text(max_size=8) | st.sampled_from(["nan", "inf", "1e400", "-1", "0.1"]),
       end=st.sampled_from(["nan", "-inf", "1e400", "0.4", ""]))
def test_fuzz_move_labels_never_500(client, world, start: str, end: str) -> None:
    client.force_login(world.coach)
    response = client.post(reverse("label_create", args=[world.analysis.pk]),
                           {"label": "walk", "start": start, "end": end})
    assert response.status_code == 302, (start, end)
    from coaching.learning.models import ActionLabel

    assert all(map(math.isfinite, ActionLabel.objects.values_list("start", flat=True)))
