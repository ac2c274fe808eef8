"""Track edits through /api/v1/ (join, split, drop, undo): the same service, checks and messages as
the video page, the same permission rules (coaches edit, the athlete sees, another team's analysis
or edit is a 404), the same throttle as every endpoint, and documented in the schema."""

from __future__ import annotations

import io
from typing import Any

import pytest
import yaml
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from coaching.analysis.models import TrackEdit
from coaching.jobs.models import JobStatus
from tests.coaching.analysis.test_track_edit import FRAMES, poses

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracked(world: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Ann's analysis with tracks 3, 7 (one person, split in two) and 9; nothing reaches a broker."""
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr("coaching.analysis.tasks.track_edit_task.apply_async", lambda **kw: sent.append(kw))
    buffer = io.BytesIO()
    poses().save(buffer)  # type: ignore[arg-type]  # a file object works too
    analysis = world.analysis
    analysis.poses.save("poses.npz", ContentFile(buffer.getvalue()), save=False)
    analysis.summary = {"pose": {"athlete_track_id": 3, "athlete_source": "click", "frames": FRAMES,
                                 "frames_with_athlete": 10, "people": []}}
    analysis.save()
    world.sent = sent
    return world


def _edits_url(analysis_id: int) -> str:
    return reverse("api_track_edit_list", args=[analysis_id])


def test_a_coach_joins_two_tracks_and_polls_the_edit(client, tracked, django_capture_on_commit_callbacks) -> None:
    client.force_login(tracked.coach)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_edits_url(tracked.analysis.pk),
                               {"operation": "join", "track_id": 7, "other_track_id": 3},
                               content_type="application/json")
    assert response.status_code == 202, response.content
    body = response.json()
    edit = TrackEdit.objects.get()
    assert (edit.operation, edit.track_id, edit.other_track_id) == ("join", 3, 7)  # first seen is kept
    assert body["id"] == edit.pk and body["status"] == "pending" and body["track_id"] == 3
    assert body["text"] == "Joined person 3 into person 1"  # ids 7 and 3: people numbered as listed (3, 9, 7)
    detail = reverse("api_track_edit_detail", args=[tracked.analysis.pk, edit.pk])
    assert response["Location"] == body["url"] == detail
    assert [call["args"] for call in tracked.sent] == [[edit.pk]]  # queued once, after commit
    assert client.get(detail).json()["status"] == "pending"
    assert [e["id"] for e in client.get(_edits_url(tracked.analysis.pk)).json()] == [edit.pk]
    state = client.get(reverse("api_analysis_tracks", args=[tracked.analysis.pk])).json()
    assert [t["id"] for t in state["tracks"]] == [3, 9, 7] and state["athlete"] == 3
    assert [t["number"] for t in state["tracks"]] == [1, 2, 3]
    assert state["running"]["id"] == edit.pk


def test_split_and_drop_and_their_refusals(client, tracked) -> None:
    client.force_login(tracked.coach)
    url = _edits_url(tracked.analysis.pk)
    refused = client.post(url, {"operation": "split", "track_id": 3, "at_s": 1.5}, content_type="application/json")
    assert refused.status_code == 400 and "not inside" in refused.json()["detail"]
    missing = client.post(url, {"operation": "drop", "track_id": 42}, content_type="application/json")
    assert missing.status_code == 400 and "not in this analysis (people: 1, 2, 3)" in missing.json()["detail"]
    for bad in ({"operation": "merge", "track_id": 3}, {"operation": "drop", "track_id": -1},
                {"operation": "split", "track_id": 3, "at_s": "NaN"}, {"operation": "drop", "track_id": "x"}):
        assert client.post(url, bad, content_type="application/json").status_code == 400, bad
    assert not TrackEdit.objects.exists()
    split = client.post(url, {"operation": "split", "track_id": 9, "at_s": 0.52}, content_type="application/json")
    assert split.status_code == 202 and split.json()["at_s"] == 0.5  # the nearest frame's time
    busy = client.post(url, {"operation": "drop", "track_id": 7}, content_type="application/json")
    assert busy.status_code == 409 and "still running" in busy.json()["detail"]


def test_undo_takes_back_the_latest_edit(client, tracked) -> None:
    client.force_login(tracked.coach)
    url = _edits_url(tracked.analysis.pk)
    nothing = client.post(url, {"operation": "undo"}, content_type="application/json")
    assert nothing.status_code == 400 and "no edit to undo" in nothing.json()["detail"]
    dropped = TrackEdit.objects.create(analysis=tracked.analysis, operation="drop", track_id=9,
                                       status=JobStatus.DONE, progress=100, finished_at=timezone.now())
    undo = client.post(url, {"operation": "undo"}, content_type="application/json")
    assert undo.status_code == 202, undo.content
    assert undo.json()["reverts"] == dropped.pk and undo.json()["text"] == "Undid: person 2 is not a person"


def test_scoping_and_roles(client, tracked) -> None:
    theirs = TrackEdit.objects.create(analysis=tracked.analysis_b, operation="drop", track_id=0)
    mine = TrackEdit.objects.create(analysis=tracked.analysis, operation="drop", track_id=9,
                                    status=JobStatus.FAILED)
    client.force_login(tracked.coach)
    assert client.get(_edits_url(tracked.analysis_b.pk)).status_code == 404
    assert client.post(_edits_url(tracked.analysis_b.pk), {"operation": "undo"},
                       content_type="application/json").status_code == 404
    assert client.get(reverse("api_analysis_tracks", args=[tracked.analysis_b.pk])).status_code == 404
    # Another team's edit under one's own analysis, and one's own edit under another analysis.
    assert client.get(reverse("api_track_edit_detail", args=[tracked.analysis.pk, theirs.pk])).status_code == 404
    assert client.get(reverse("api_track_edit_detail", args=[tracked.analysis_al.pk, mine.pk])).status_code == 404
    client.force_login(tracked.ann_user)  # the athlete sees her own analysis's people, edits nothing
    assert client.get(reverse("api_track_edit_detail", args=[tracked.analysis.pk, mine.pk])).status_code == 200
    refused = client.post(_edits_url(tracked.analysis.pk), {"operation": "drop", "track_id": 9},
                          content_type="application/json")
    assert refused.status_code == 403
    assert TrackEdit.objects.count() == 2


def test_throttled_like_every_endpoint(client, tracked, settings) -> None:
    settings.API_THROTTLE_RATE = "2/min"
    cache.clear()
    client.force_login(tracked.coach)
    codes = [client.get(_edits_url(tracked.analysis.pk)).status_code for _ in range(3)]
    cache.clear()
    assert codes == [200, 200, 429]


def test_documented_in_the_schema(client) -> None:
    schema = yaml.safe_load(client.get(reverse("api_schema")).content)
    edits = schema["paths"]["/api/v1/analyses/{analysis_id}/track-edits/"]
    assert {"get", "post"} <= set(edits)
    assert "202" in edits["post"]["responses"] and "409" in edits["post"]["responses"]
    create = edits["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    operation = schema["components"]["schemas"][create]["properties"]["operation"]
    enum = schema["components"]["schemas"][operation["$ref"].rsplit("/", 1)[1]]["enum"]
    assert set(enum) == {"join", "split", "drop", "undo"}
    assert "/api/v1/analyses/{analysis_id}/track-edits/{track_edit_id}/" in schema["paths"]
    assert "/api/v1/analyses/{analysis_id}/tracks/" in schema["paths"]
