"""The people of a finished analysis as tracks, and a coach's repairs of them (docs/tracking.md,
"The coach's repairs"): the track list the video page shows, the check of an edit (the same on
the web, where the coach gets its message at once, and on the worker), and the service that
queues a track-edit job (coaching.analysis.trackedit runs it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction

from coaching.analysis.models import Analysis, AthleteChoice, Status, TrackEdit, TrackEditOperation
from coaching.jobs.models import JobStatus
from coaching.jobs.runner import job_enqueue_on_commit
from coaching.storage import read_stored
from inference.posedata import PoseSequence
from inference.tracking.athlete import close_call
from inference.tracking.edit import shared_frames, track_frames
from inference.tracking.stitch import StitchConfig

# Frames two tracks may both have a skeleton in and still be joined into one person: the
# stitching's own tolerance (StitchConfig.max_conflicts: a region that slid off its person for a
# few frames while a re-detection already followed them); join_tracks keeps the first track's
# skeleton there. More than that is two people at once.
JOIN_MAX_SHARED_FRAMES = StitchConfig().max_conflicts

ACTIVE = (JobStatus.PENDING, JobStatus.RUNNING)
BUSY = "busy"  # the ValidationError code of "another change of this analysis is running"


@dataclass(frozen=True)
class TrackRow:
    """One person of the analysis: first and last time seen (seconds), frames with a skeleton,
    and the share of the video's frames that is."""

    track_id: int
    start_s: float
    end_s: float
    frames: int
    coverage: float
    athlete: bool
    spans: tuple[tuple[float, float], ...]  # (first, last) seconds of each run of frames seen

    def as_json(self) -> dict[str, object]:
        return {"id": self.track_id, "start": round(self.start_s, 3), "end": round(self.end_s, 3),
                "frames": self.frames, "coverage": round(self.coverage, 4), "athlete": self.athlete,
                "spans": [[round(a, 3), round(b, 3)] for a, b in self.spans]}


def load_poses(analysis: Analysis) -> PoseSequence:
    return read_stored(analysis.poses, PoseSequence.load)


def track_rows(poses: PoseSequence, athlete: int | None) -> list[TrackRow]:
    """Every track of ``poses``, in order of first appearance."""
    rows = []
    for track in (int(t) for t in poses.track_ids):
        frames = track_frames(poses, track)
        if not len(frames):
            continue
        runs = np.split(frames, np.flatnonzero(np.diff(frames) > 1) + 1)
        spans = tuple((float(poses.timestamps[run[0]]), float(poses.timestamps[run[-1]])) for run in runs)
        rows.append(TrackRow(track, spans[0][0], spans[-1][1], len(frames), len(frames) / max(poses.num_frames, 1),
                             track == athlete, spans))
    return sorted(rows, key=lambda row: (row.start_s, row.track_id))


def analysis_tracks(*, analysis: Analysis) -> list[TrackRow]:
    """The track list of a finished analysis (empty before it has poses). The page polls it while
    an edit runs, so the rows are cached under the poses file's name (every edit stores a new
    file); the athlete is marked from the summary as it is now."""
    if analysis.status != Status.DONE or not analysis.poses:
        return []
    athlete = analysis.summary.get("pose", {}).get("athlete_track_id")
    key = f"track-rows:{analysis.pk}:{analysis.poses.name}"
    rows: list[TrackRow] | None = cache.get(key)
    if rows is None:
        rows = track_rows(load_poses(analysis), None)
        cache.set(key, rows, timeout=3600)
    return [replace(row, athlete=row.track_id == athlete) for row in rows]


def _span(poses: PoseSequence, track: int) -> str:
    frames = track_frames(poses, track)
    if not len(frames):
        return "in no frame"
    return f"{poses.timestamps[frames[0]]:.2f}–{poses.timestamps[frames[-1]]:.2f} s"


def person_numbers(rows: list[TrackRow], gone: Iterable[int | None] = ()) -> dict[int, int]:
    """The numbers a coach sees for the people: 1..N in the order the video page lists them
    (:func:`track_rows`: first appearance), so two people found are persons 1 and 2 whatever the
    tracker's ids (Sports2D's were 0 and 3). ``gone``: ids an edit history names that are no
    longer among them (dropped, joined away), numbered after them in id order. The page's
    skeleton tags and list read these numbers from the track state; ids in requests and payloads
    stay the tracker's own."""
    numbers = {row.track_id: i for i, row in enumerate(rows, 1)}
    for track in sorted({int(t) for t in gone if t is not None} - numbers.keys()):
        numbers[track] = len(numbers) + 1
    return numbers


def person_number(track_id: int | None, numbers: dict[int, int]) -> int | None:
    """The number of ``track_id`` in ``numbers`` (:func:`person_numbers`)."""
    return None if track_id is None else numbers.get(int(track_id))


def _first_frame(poses: PoseSequence, track: int) -> int:
    frames = track_frames(poses, track)
    return int(frames[0]) if len(frames) else poses.num_frames


def _known(poses: PoseSequence, track: int | None, numbers: dict[int, int]) -> int:
    ids = [int(t) for t in poses.track_ids]
    if track is None:
        raise ValidationError("Choose a person (a track) first.")
    if track not in ids:
        known = ", ".join(str(n) for n in sorted(numbers.values())) or "none"
        raise ValidationError(f"That person is not in this analysis (people: {known}).")
    return track


def check_edit(poses: PoseSequence, operation: str, track_id: int | None, other_track_id: int | None = None,
               at_s: float | None = None) -> tuple[int, int | None, float | None]:
    """The edit as it will be applied, or ValidationError with what is wrong in the coach's words.
    A join keeps the track seen first (the stitching's rule: an identity is named after its
    first tracklet); a split happens at the time of the frame nearest ``at_s`` (the frame the
    page shows), and the later part needs a skeleton on each side."""
    numbers = person_numbers(track_rows(poses, None))
    number = lambda t: person_number(t, numbers)  # noqa: E731
    track = _known(poses, track_id, numbers)
    if operation == TrackEditOperation.DROP:
        return track, None, None
    if operation == TrackEditOperation.JOIN:
        other = _known(poses, other_track_id, numbers)
        if other == track:
            raise ValidationError("Choose two different people to join.")
        both = shared_frames(poses, track, other)
        if len(both) > JOIN_MAX_SHARED_FRAMES:
            when = f"{poses.timestamps[both[0]]:.2f}–{poses.timestamps[both[-1]]:.2f} s"
            raise ValidationError(
                f"Person {number(track)} and person {number(other)} are both in {len(both)} frames ({when}): two people at "
                "once cannot be one person. Split the wrong part off one of them first, then join.")
        first, second = sorted((track, other), key=lambda t: (_first_frame(poses, t), t))
        return first, second, None
    if operation == TrackEditOperation.SPLIT:
        if at_s is None or not np.isfinite(at_s):
            raise ValidationError("Say when to split (seconds into the video).")
        at = float(poses.timestamps[int(np.argmin(np.abs(poses.timestamps - at_s)))]) if poses.num_frames else at_s
        frames = track_frames(poses, track)
        times = poses.timestamps[frames]
        if not (times < at).any() or not (times >= at).any():
            raise ValidationError(f"Person {number(track)} is seen {_span(poses, track)}; {at:.2f} s is not inside that. "
                                  "Play the video to a moment within it, then split.")
        return track, None, at
    raise ValidationError(f"Unknown edit {operation!r}.")


def edit_stack(analysis_id: int) -> list[TrackEdit]:
    """The edits in effect, in the order they were applied: every DONE edit, less those a DONE
    undo took back."""
    stack: list[TrackEdit] = []
    done = TrackEdit.objects.filter(analysis_id=analysis_id, status=JobStatus.DONE).order_by("finished_at", "pk")
    for edit in done:
        if edit.operation == TrackEditOperation.UNDO:
            stack = [e for e in stack if e.pk != edit.reverts_id]
        else:
            stack.append(edit)
    return stack


def _busy_message(analysis: Analysis) -> str | None:
    if analysis.track_edits.filter(status__in=ACTIVE).exists():  # type: ignore[attr-defined]
        return "An edit of the people is still running: wait for it to finish, then edit again."
    if AthleteChoice.objects.filter(analysis=analysis, status__in=ACTIVE).exists():
        return "The athlete is being changed: wait for it to finish, then edit the people."
    return None


def track_edit_request(*, analysis: Analysis, operation: str, track_id: int | None = None,
                       other_track_id: int | None = None, at_s: float | None = None,
                       requested_by: User | None = None) -> TrackEdit:
    """Check the coach's edit against the analysis's tracks now and queue a track-edit job after
    commit (a down broker leaves it to the sweeper). One edit at a time per analysis (the row lock
    orders two coaches' clicks). ValidationError with a message when it cannot be done."""
    from coaching.analysis.trackedit import TRACK_EDIT_JOB

    with transaction.atomic():
        analysis = Analysis.objects.select_for_update().get(pk=analysis.pk)
        if analysis.status != Status.DONE or not analysis.poses:
            raise ValidationError("The people can be edited once the analysis has finished.")
        busy = _busy_message(analysis)
        if busy:
            raise ValidationError(busy, code=BUSY)
        fields: dict[str, object] = {"operation": operation}
        if operation == TrackEditOperation.UNDO:
            stack = edit_stack(analysis.pk)
            if not stack:
                raise ValidationError("There is no edit to undo: the people are as the analysis found them.")
            fields["reverts"] = stack[-1]
        else:
            track, other, at = check_edit(load_poses(analysis), operation, track_id, other_track_id, at_s)
            fields.update(track_id=track, other_track_id=other, at_s=at)
        edit = TrackEdit.objects.create(analysis=analysis, requested_by=requested_by, **fields)
        job_enqueue_on_commit(TRACK_EDIT_JOB, job_id=edit.pk)
    return edit


def edit_description(edit: TrackEdit, numbers: dict[int, int]) -> str:
    """What the edit does, in the coach's words (the history list), people numbered as the page
    numbers them now (``numbers``: :func:`analysis_person_numbers`)."""
    number = lambda t: person_number(t, numbers)  # noqa: E731
    if edit.operation == TrackEditOperation.JOIN:
        return f"Joined person {number(edit.other_track_id)} into person {number(edit.track_id)}"
    if edit.operation == TrackEditOperation.SPLIT:
        later = (f" (the later part is person {number(edit.result_track_id)})"
                 if edit.result_track_id is not None else "")
        return f"Split person {number(edit.track_id)} at {edit.at_s:.2f} s{later}"
    if edit.operation == TrackEditOperation.DROP:
        return f"Person {number(edit.track_id)} is not a person"
    reverted = edit.reverts
    return f"Undid: {edit_description(reverted, numbers).lower()}" if reverted is not None else "Undid an edit"


def analysis_person_numbers(*, analysis: Analysis, rows: list[TrackRow] | None = None) -> dict[int, int]:
    """:func:`person_numbers` of the analysis's people as the page lists them now, and of every
    person its edits name."""
    named = TrackEdit.objects.filter(analysis=analysis).values_list("track_id", "other_track_id", "result_track_id")
    rows = analysis_tracks(analysis=analysis) if rows is None else rows
    return person_numbers(rows, (t for ids in named for t in ids))


def track_edit_payload(edit: TrackEdit, *, in_effect: set[int], numbers: dict[int, int]) -> dict[str, object]:
    """One edit as the page's history and the API show it (``in_effect``: the ids of
    edit_stack, to say whether an undo took it back; ``numbers``: the people's numbers)."""
    return {
        "id": edit.pk, "operation": edit.operation, "text": edit_description(edit, numbers), "status": edit.status,
        "status_label": edit.get_status_display(), "progress": edit.progress, "stage": edit.stage,
        "error": edit.error, "by": edit.requested_by.get_username() if edit.requested_by else "",
        "at": edit.created_at.isoformat(),
        "finished_at": edit.finished_at.isoformat() if edit.finished_at else None,
        "undone": (edit.operation != TrackEditOperation.UNDO and edit.status == JobStatus.DONE
                   and edit.pk not in in_effect),
        "track_id": edit.track_id, "other_track_id": edit.other_track_id, "at_s": edit.at_s,
        "reverts": edit.reverts_id, "result_track_id": edit.result_track_id,
        "athlete_before": edit.athlete_before, "athlete_after": edit.athlete_after,
    }


def analysis_track_edits(*, analysis: Analysis, limit: int | None = 20,
                         numbers: dict[int, int] | None = None) -> list[dict[str, object]]:
    """The analysis's edit history, newest first, as the page shows it (all of it: no limit)."""
    in_effect = {e.pk for e in edit_stack(analysis.pk)}
    numbers = analysis_person_numbers(analysis=analysis) if numbers is None else numbers
    rows = analysis.track_edits.select_related("requested_by", "reverts")  # type: ignore[attr-defined]
    return [track_edit_payload(e, in_effect=in_effect, numbers=numbers) for e in (rows if limit is None else rows[:limit])]


def track_edit_get(*, analysis: Analysis, edit_id: int) -> dict[str, object] | None:
    """One edit of the analysis, as analysis_track_edits shows it; None when the analysis has no
    such edit (another analysis's edit included)."""
    edit = analysis.track_edits.select_related("requested_by", "reverts").filter(  # type: ignore[attr-defined]
        pk=edit_id).first()
    if edit is None:
        return None
    return track_edit_payload(edit, in_effect={e.pk for e in edit_stack(analysis.pk)},
                              numbers=analysis_person_numbers(analysis=analysis))


def athlete_close_call(pose: dict[str, Any]) -> int | None:
    """The person whom the athlete rule nearly chose instead (inference.tracking.athlete.close_call),
    or None: also when a coach chose the athlete (nothing left to check) or no athlete was found."""
    if pose.get("athlete_source") != "auto":
        return None
    scores = {int(p["track_id"]): float(p["athlete_score"]) for p in pose.get("people", [])
              if "track_id" in p and "athlete_score" in p}  # fmt: skip
    return close_call(scores, pose.get("athlete_track_id"))


def analysis_track_state(*, analysis: Analysis) -> dict[str, object]:
    """What the video page's track list shows and polls: the tracks, the athlete and how much of
    the video they are in, the edit history, and whether an edit is running."""
    pose = analysis.summary.get("pose", {})
    tracks = analysis_tracks(analysis=analysis)
    numbers = analysis_person_numbers(analysis=analysis, rows=tracks)
    edits = analysis_track_edits(analysis=analysis, numbers=numbers)
    stack = edit_stack(analysis.pk)
    return {
        "analysis": analysis.pk, "status": analysis.status,
        "tracks": [{**row.as_json(), "number": numbers[row.track_id]} for row in tracks],
        "numbers": {str(track): number for track, number in numbers.items()},
        "athlete": pose.get("athlete_track_id"), "athlete_source": pose.get("athlete_source"),
        "close_call": athlete_close_call(pose),
        "frames": pose.get("frames"), "frames_with_athlete": pose.get("frames_with_athlete"),
        "edits": edits,
        "running": next((e for e in edits if e["status"] in ACTIVE), None),
        "can_undo": bool(stack), "undo_text": f"Undo: {edit_description(stack[-1], numbers).lower()}" if stack else "",
        "athlete_changing": AthleteChoice.objects.filter(analysis=analysis, status__in=ACTIVE).exists(),
        "duration": float(analysis.video.duration_s or 0.0),
    }
