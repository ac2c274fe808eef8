"""An athlete choice that needs the coach's check: the tracking's rule chose the athlete, and
another person scored almost as high (inference.tracking.athlete.close_call; the video page's
"Check the athlete"). Until a coach confirms the person or chooses another, the analysis may
measure someone else: the report and the compare page say so, its metrics stay out of progress,
personal bests and the team dashboard (coaching.progress.services.metric_rows_write), and the
report does not call the scaled distances the athlete's.

A coach settles it by choosing the athlete (a click: source "click") or by confirming the rule's
choice here (source "confirmed"); either way ``athlete_source`` is no longer "auto"."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from coaching.analysis.models import Analysis, Status
from coaching.analysis.summary import analysis_summary_update
from coaching.analysis.tracks import (
    ACTIVE,
    analysis_person_numbers,
    athlete_close_call,
    person_number,
)

CONFIRMED = "confirmed"  # pose.athlete_source once a coach confirmed the rule's choice


@dataclass
class AthleteCheck:
    """An analysis whose athlete awaits the coach's check: the track the rule chose and the
    runner-up that scored almost as high (tracker ids), and their numbers as the video page
    numbers the people (read on first use: it needs the analysis's poses)."""

    analysis: Analysis
    athlete_track_id: int
    rival_track_id: int

    @cached_property
    def numbers(self) -> dict[int, int]:
        return analysis_person_numbers(analysis=self.analysis)

    @property
    def athlete_number(self) -> int | None:
        return person_number(self.athlete_track_id, self.numbers)

    @property
    def rival_number(self) -> int | None:
        return person_number(self.rival_track_id, self.numbers)


def athlete_check(analysis: Analysis) -> AthleteCheck | None:
    """The pending check of a finished analysis's athlete, or None (a clear choice, a coach's
    choice or confirmation, no athlete, or not finished)."""
    if analysis.status != Status.DONE:
        return None
    pose = (analysis.summary or {}).get("pose", {})
    rival = athlete_close_call(pose)
    if rival is None:
        return None
    return AthleteCheck(analysis, int(pose["athlete_track_id"]), rival)


def athlete_checks(analyses: QuerySet[Analysis]) -> list[AthleteCheck]:
    """The pending checks among the latest finished analysis of each video of ``analyses`` (an
    earlier run's choice no longer counts), oldest recording first. Only the pose section's
    athlete and people are read to find them (a team's summaries are large); the analyses that
    need a check are then loaded in full."""
    done = analyses.filter(status=Status.DONE).order_by("video_id", "-created_at", "-pk").distinct("video_id")
    latest = Analysis.objects.filter(pk__in=done.values("pk"), summary__pose__athlete_source="auto")
    pending = [pk for pk, athlete, people in latest.values_list(
        "pk", "summary__pose__athlete_track_id", "summary__pose__people")
        if athlete_close_call({"athlete_source": "auto", "athlete_track_id": athlete, "people": people or []}) is not None]
    rows = Analysis.objects.filter(pk__in=pending).select_related("video", "video__athlete")
    rows = rows.order_by("video__recorded_on", "video__created_at", "pk")
    return [check for analysis in rows if (check := athlete_check(analysis)) is not None]


def analysis_athlete_confirm(*, analysis: Analysis, confirmed_by: User | None) -> bool:
    """The coach says the rule's choice is the athlete: the pose section records it (and who),
    and the metric rows are written now that they measure the athlete. False when there was
    nothing to confirm (already settled); ValidationError while the athlete is being changed."""
    from coaching.analysis.models import AthleteChoice
    from coaching.progress.services import metric_rows_write_safely

    with transaction.atomic():
        locked = Analysis.objects.select_for_update().get(pk=analysis.pk)
        if athlete_check(locked) is None:
            return False
        if AthleteChoice.objects.filter(analysis=locked, status__in=ACTIVE).exists():
            raise ValidationError("The athlete is being changed: wait for it to finish.")
        pose = {**locked.summary["pose"], "athlete_source": CONFIRMED,
                "athlete_confirmed_by": confirmed_by.get_username() if confirmed_by else ""}
        analysis_summary_update(analysis_id=locked.pk, sections={"pose": pose})
    analysis.refresh_from_db()
    metric_rows_write_safely(analysis=analysis)
    return True
