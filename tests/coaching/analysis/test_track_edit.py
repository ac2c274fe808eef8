"""A coach's repairs of the tracks (issue 17 item 5): the service's checks and messages, the
permission table (coaches only, another team's analysis is a 404), bad input never a 500, the job
queued after commit, and the job on a worker's path: replay on the tracking's poses, the athlete
followed, files and summary swapped, undo."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from coaching.analysis.models import TrackEdit
from coaching.jobs.models import JobStatus
from inference.posedata import PoseSequence

pytestmark = pytest.mark.django_db

FRAMES = 20


def _person(x: float) -> np.ndarray:
    """(33, 3) a standing figure 100 px tall around x: keypoints spread from head to feet."""
    person = np.zeros((33, 3), np.float32)
    person[:, 0] = x + np.linspace(-15, 15, 33)
    person[:, 1] = np.linspace(100, 200, 33)
    person[:, 2] = 0.9
    return person


def poses() -> PoseSequence:
    """Three tracks over 20 frames at 10 fps: track 3 (frames 0-9) and track 7 (frames 10-19) are
    one person on the left, track 9 another on the right in every frame."""
    keypoints = np.full((FRAMES, 3, 33, 3), np.nan, np.float32)
    keypoints[..., 2] = 0.0
    keypoints[:10, 0] = _person(100)
    keypoints[10:, 1] = _person(110)
    keypoints[:, 2] = _person(400)
    return PoseSequence(keypoints, "blazepose33", np.arange(FRAMES) / 10.0, 10.0, (640, 480), np.array([3, 7, 9]))


@pytest.fixture
def tracked(world):  # type: ignore[no-untyped-def]
    """The World's analysis of Ann with the three tracks stored; track 3 chosen by a coach."""
    buffer = io.BytesIO()
    poses().save(buffer)
    analysis = world.analysis
    analysis.poses.save("poses.npz", ContentFile(buffer.getvalue()), save=False)
    analysis.summary = {"pose": {"athlete_track_id": 3, "athlete_source": "click", "frames": FRAMES,
                                 "frames_with_athlete": 10, "people": []}}
    analysis.save()
    return world


def _post(client, analysis, **fields):  # type: ignore[no-untyped-def]
    return client.post(reverse("analysis_track_edit", args=[analysis.pk]), {k: str(v) for k, v in fields.items()})


@pytest.mark.parametrize(("fields", "message"), [
    ({"operation": "join", "track": 3, "other": 9}, "both in 10 frames"),
    ({"operation": "join", "track": 3, "other": 3}, "two different people"),
    # people are numbered 1..N in the list's order (tracks 3, 9, 7); track 12 is nobody's
    ({"operation": "join", "track": 3, "other": 12}, "That person is not in this analysis"),
    ({"operation": "drop", "track": 12}, "That person is not in this analysis (people: 1, 2, 3)"),
    ({"operation": "split", "track": 3, "at": 1.5}, "seen 0.00–0.90 s; 1.50 s is not inside"),
    ({"operation": "split", "track": 3, "at": 0.0}, "0.00 s is not inside"),
    ({"operation": "split", "track": 3}, "when to split"),
    ({"operation": "split", "track": 3, "at": "nan"}, "The time"),
    ({"operation": "split", "track": 3, "at": "1e400"}, "The time"),
    ({"operation": "drop", "track": "x"}, "The person"),
    ({"operation": "drop"}, "Choose a person"),
    ({"operation": "explode", "track": 3}, "The edit"),
    ({"operation": "undo"}, "no edit to undo"),
])
def test_bad_edits_get_a_message_and_queue_nothing(client, tracked, fields, message) -> None:  # type: ignore[no-untyped-def]
    client.force_login(tracked.coach)
    response = _post(client, tracked.analysis, **fields)
    assert response.status_code == 400, response.content
    assert message in response.json()["error"]
    assert not TrackEdit.objects.exists()


def test_only_coaches_of_the_team_edit(client, tracked) -> None:  # type: ignore[no-untyped-def]
    analysis = tracked.analysis
    client.force_login(tracked.other_coach)  # another team: the analysis does not exist for them
    assert _post(client, analysis, operation="drop", track=9).status_code == 404
    assert client.get(reverse("analysis_tracks", args=[analysis.pk])).status_code == 404
    client.force_login(tracked.ann_user)  # the athlete sees her analysis, may not edit it
    assert _post(client, analysis, operation="drop", track=9).status_code == 403
    assert client.get(reverse("analysis_tracks", args=[analysis.pk])).status_code == 200
    assert not TrackEdit.objects.exists()


def test_a_join_is_queued_after_commit_and_one_edit_runs_at_a_time(
        client, tracked, monkeypatch, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from coaching.analysis import tasks

    sent: list[dict[str, object]] = []
    monkeypatch.setattr(tasks.track_edit_task, "apply_async", lambda **kw: sent.append(kw))
    client.force_login(tracked.coach)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _post(client, tracked.analysis, operation="join", track=7, other=3)
    assert response.status_code == 202 and sent == []
    edit = TrackEdit.objects.get()
    # the track seen first keeps its id, whichever was ticked first
    assert (edit.operation, edit.track_id, edit.other_track_id, edit.status) == ("join", 3, 7, JobStatus.PENDING)
    callbacks[0]()
    assert sent == [{"args": [edit.pk], "queue": "gpu"}]
    busy = _post(client, tracked.analysis, operation="drop", track=9)
    assert busy.status_code == 409 and "still running" in busy.json()["error"]
    state = client.get(reverse("analysis_tracks", args=[tracked.analysis.pk])).json()
    # people numbered 1..N as the list shows them (tracks 3, 9, 7), whatever the tracker's ids
    assert state["running"]["id"] == edit.pk and state["running"]["text"] == "Joined person 3 into person 1"
    assert [(t["id"], t["start"], t["end"], t["frames"], t["number"]) for t in state["tracks"]] == [
        (3, 0.0, 0.9, 10, 1), (9, 0.0, 1.9, 20, 2), (7, 1.0, 1.9, 10, 3)]
    assert state["numbers"] == {"3": 1, "9": 2, "7": 3}


def _run(edit_id: int) -> TrackEdit:
    from coaching.analysis.trackedit import TRACK_EDIT_JOB
    from coaching.jobs.runner import job_run

    job_run(TRACK_EDIT_JOB, job_id=edit_id)
    edit = TrackEdit.objects.get(pk=edit_id)
    assert edit.status == JobStatus.DONE, edit.error
    return edit


def _stored(analysis) -> PoseSequence:  # type: ignore[no-untyped-def]
    analysis.refresh_from_db()
    return PoseSequence.load(analysis.poses.path)


def test_the_job_joins_splits_drops_and_undoes(tracked) -> None:  # type: ignore[no-untyped-def]
    from coaching.analysis.tracks import track_edit_request

    analysis, coach = tracked.analysis, tracked.coach
    original = Path(analysis.poses.path).read_bytes()
    join = _run(track_edit_request(analysis=analysis, operation="join", track_id=3, other_track_id=7,
                                   requested_by=coach).pk)
    joined = _stored(analysis)
    assert list(joined.track_ids) == [3, 9]
    assert np.isfinite(joined.keypoints[:, 0, :, 0]).all()  # person 3 now in all 20 frames
    assert Path(analysis.poses_tracked.path).read_bytes() == original  # kept for undo
    assert analysis.summary["pose"]["frames_with_athlete"] == FRAMES
    assert [p["track_id"] for p in analysis.summary["pose"]["people"]] == [3, 9]
    assert json.loads(Path(analysis.overlay.path).read_text())["tracks"] == [3, 9]
    assert (join.athlete_before, join.athlete_after) == (3, 3)

    split = _run(track_edit_request(analysis=analysis, operation="split", track_id=3, at_s=1.23,
                                    requested_by=coach).pk)
    assert (split.at_s, split.result_track_id) == (1.2, 10)  # at the nearest frame; one above the largest id
    parts = _stored(analysis)
    assert list(parts.track_ids) == [3, 9, 10]
    assert analysis.summary["pose"]["athlete_track_id"] == 3  # the coach's athlete still exists
    assert analysis.summary["pose"]["frames_with_athlete"] == 12

    dropped = _run(track_edit_request(analysis=analysis, operation="drop", track_id=3, requested_by=coach).pk)
    assert list(_stored(analysis).track_ids) == [9, 10]
    # the coach's athlete is gone: the tracking's rule chooses among the people left
    assert dropped.athlete_after in (9, 10) and analysis.summary["pose"]["athlete_source"] == "auto"
    assert analysis.summary["athlete"]["track_id"] == dropped.athlete_after

    undo = _run(track_edit_request(analysis=analysis, operation="undo", requested_by=coach).pk)
    assert undo.reverts_id == dropped.pk
    assert list(_stored(analysis).track_ids) == [3, 9, 10]
    for _ in range(2):  # then the split, then the join: back to what the tracking found
        _run(track_edit_request(analysis=analysis, operation="undo", requested_by=coach).pk)
    back = _stored(analysis)
    np.testing.assert_array_equal(back.keypoints, poses().keypoints)
    assert list(back.track_ids) == [3, 7, 9]
    from coaching.analysis.tracks import analysis_track_state

    state = analysis_track_state(analysis=analysis)
    assert not state["can_undo"] and len(state["edits"]) == 6
    assert sum(e["undone"] for e in state["edits"]) == 3  # the join, the split and the drop


def test_the_track_state_names_a_close_call_only_for_the_rule_s_choice(tracked) -> None:  # type: ignore[no-untyped-def]
    from coaching.analysis.tracks import athlete_close_call

    people = [{"track_id": 3, "athlete_score": 32.1}, {"track_id": 7, "athlete_score": 32.0},
              {"track_id": 9, "athlete_score": 3.0}]  # fmt: skip
    pose = {"athlete_track_id": 3, "athlete_source": "auto", "people": people}
    assert athlete_close_call(pose) == 7
    assert athlete_close_call({**pose, "athlete_source": "click"}) is None  # the coach chose
    assert athlete_close_call({**pose, "people": people[:1] + people[2:]}) is None  # a clear choice
    assert athlete_close_call({"athlete_track_id": None, "athlete_source": "auto", "people": []}) is None
