"""Track edits on real frames (issue 17 item 5): basketball_pan_240p.mp4's tracked people, edited
through the service and the job a worker runs; who is who comes from bench/truth (the player in
white is the athlete and in view all through; the player in blue shares the court with her until
5.27 s)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from django.core.exceptions import ValidationError

from coaching.analysis.models import TrackEdit
from coaching.jobs.models import JobStatus
from inference.posedata import PoseSequence
from tests.support import tracked_analysis
from tests.truth import load_truth

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
CLIP = "basketball_pan_240p.mp4"
SPLIT_AT = 5.0  # white is in view from 0 to 9.38 s (bench/truth), so both parts are hers


@pytest.fixture(scope="module")
def truth():  # type: ignore[no-untyped-def]
    from bench.scoring.truth import parse_truth

    return parse_truth(load_truth(CLIP))


def owner(poses: PoseSequence, track: int, truth) -> str | None:  # type: ignore[no-untyped-def]
    """The true person the track's skeletons match in most of their frames (bench.scoring)."""
    from bench.scoring.people import match_person, skeleton_box

    slot = int(np.flatnonzero(poses.track_ids == track)[0])
    counts: Counter[str | None] = Counter()
    for f in np.flatnonzero(np.isfinite(poses.keypoints[:, slot, :, 0]).any(1)):
        counts[match_person(skeleton_box(poses.keypoints[f, slot]), truth.boxes_at(float(poses.timestamps[f]))[0])] += 1
    return counts.most_common(1)[0][0]


def _owned(poses: PoseSequence, person: str, truth) -> list[int]:  # type: ignore[no-untyped-def]
    return [int(t) for t in poses.track_ids if owner(poses, int(t), truth) == person]


def _edit(analysis, **fields) -> TrackEdit:  # type: ignore[no-untyped-def]
    from coaching.analysis.trackedit import TRACK_EDIT_JOB
    from coaching.analysis.tracks import track_edit_request
    from coaching.jobs.runner import job_run

    edit = track_edit_request(analysis=analysis, **fields)
    job_run(TRACK_EDIT_JOB, job_id=edit.pk)
    edit.refresh_from_db()
    assert edit.status == JobStatus.DONE, edit.error
    analysis.refresh_from_db()
    return edit


def _poses(analysis) -> PoseSequence:  # type: ignore[no-untyped-def]
    return PoseSequence.load(analysis.poses.path)


def test_split_join_and_drop_on_the_basketball_clip(world, truth) -> None:  # type: ignore[no-untyped-def]
    from inference.kinematics.core import Kinematics

    analysis = tracked_analysis(world.video_al, CLIP)
    before = _poses(analysis)
    track = analysis.summary["pose"]["athlete_track_id"]
    assert owner(before, track, truth) == truth.athlete == "white", "the athlete is not bench/truth's"
    blue = _owned(before, "blue", truth)
    assert blue, "the tracking did not find the other player"
    slot = list(before.track_ids).index(track)
    seen = np.isfinite(before.keypoints[:, slot, :, 0]).any(1)
    assert seen[before.timestamps < SPLIT_AT].any() and seen[before.timestamps >= SPLIT_AT].any()

    # Two people at once cannot be one: white and blue are both on court until 5.27 s.
    with pytest.raises(ValidationError, match="both in"):
        from coaching.analysis.tracks import track_edit_request

        track_edit_request(analysis=analysis, operation="join", track_id=track, other_track_id=blue[0])
    assert not TrackEdit.objects.exists()

    split = _edit(analysis, operation="split", track_id=track, at_s=SPLIT_AT, requested_by=world.coach)
    parts = _poses(analysis)
    later = split.result_track_id
    assert later is not None and owner(parts, track, truth) == "white" and owner(parts, later, truth) == "white"
    first = list(parts.track_ids).index(track)
    assert not np.isfinite(parts.keypoints[parts.timestamps >= split.at_s, first, :, 0]).any()
    # The athlete stays with the part that keeps the id, and is measured there only.
    assert analysis.summary["pose"]["athlete_track_id"] == analysis.summary["athlete"]["track_id"] == track
    present = np.isfinite(parts.keypoints[:, first, :, 0]).any(1)
    assert analysis.summary["pose"]["frames_with_athlete"] == int(present.sum()) < int(seen.sum())
    kin = Kinematics.load(analysis.kinematics.path)
    assert np.isnan(kin.angles[kin.timestamps >= split.at_s]).all(), "angles where the athlete has no skeleton"
    assert np.isfinite(kin.angles[kin.timestamps < split.at_s]).any()
    # The report greys out the rest of the clip (item 6) and draws nothing there.
    from coaching.reports.selectors import report_get

    figures = report_get(analysis=analysis).figures
    assert any(a <= split.at_s and b >= float(parts.timestamps[-1]) for a, b in figures["untracked"])
    knee = figures["angles"]["knee"]["data"][0]
    assert all(y is None for x, y in zip(knee["x"], knee["y"], strict=True) if x >= split.at_s)

    _edit(analysis, operation="join", track_id=track, other_track_id=later, requested_by=world.coach)
    joined = _poses(analysis)
    np.testing.assert_array_equal(joined.keypoints, before.keypoints)
    np.testing.assert_array_equal(joined.track_ids, before.track_ids)

    drop = _edit(analysis, operation="drop", track_id=blue[0], requested_by=world.coach)
    assert blue[0] not in _poses(analysis).track_ids
    assert blue[0] not in json.loads(Path(analysis.overlay.path).read_text())["tracks"]
    assert blue[0] not in [p["track_id"] for p in analysis.summary["pose"]["people"]]
    assert drop.athlete_after == analysis.summary["pose"]["athlete_track_id"]
    assert owner(_poses(analysis), drop.athlete_after, truth) == "white"
