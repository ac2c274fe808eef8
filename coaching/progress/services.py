"""Writes: the metric rows of a finished analysis (the latest of its video replaces the rows of
earlier runs), and the team's reference performance per action."""

from __future__ import annotations

import logging

from django.contrib.auth.models import User
from django.db import transaction

from coaching.analysis.models import Analysis, Status
from coaching.athletes.models import Team
from coaching.progress.models import MetricRow, Reference
from coaching.reports.selectors import kinematics_load
from inference.compare.metrics import analysis_metrics
from inference.compare.segments import Segment

log = logging.getLogger(__name__)


def _is_latest_done(analysis: Analysis) -> bool:
    newer = Analysis.objects.filter(video_id=analysis.video_id, status=Status.DONE,
                                    created_at__gt=analysis.created_at)
    return not newer.exists()


def metric_rows_write(*, analysis: Analysis) -> int:
    """Store the metrics of a DONE analysis; returns the number of rows. The video's earlier rows
    (a re-run's predecessors, or this run's own on a repeat) are replaced in one transaction; a
    run that finished after a newer one of the same video writes nothing. An athlete choice that
    awaits the coach's check (coaching.analysis.confirmation) writes none either, so a person who
    may be someone else makes no trend, best or dashboard value; confirming writes them."""
    from coaching.analysis.confirmation import athlete_check

    if analysis.status != Status.DONE or not _is_latest_done(analysis):
        return 0
    video = analysis.video
    values = []
    if analysis.kinematics and athlete_check(analysis) is None:
        kin = kinematics_load(analysis=analysis)
        values = analysis_metrics(kin, analysis.summary, video.movement)
    recorded = video.recorded_on or video.created_at.date()
    rows = [MetricRow(team_id=video.team_id, athlete_id=video.athlete_id, analysis=analysis,
                      recorded_on=recorded, action=m.action, metric=m.metric, value=m.value,
                      unit=m.unit, t_start=m.start, t_end=m.end) for m in values]
    with transaction.atomic():
        MetricRow.objects.filter(analysis__video_id=video.pk).delete()
        MetricRow.objects.bulk_create(rows)
    return len(rows)


def metric_rows_write_safely(*, analysis: Analysis) -> int:
    """metric_rows_write for the worker: a failure is logged and never fails the analysis."""
    try:
        return metric_rows_write(analysis=analysis)
    except Exception:  # noqa: BLE001 - the report stands without its metric rows
        log.exception("metric rows of analysis %s were not written", analysis.pk)
        return 0


def metric_rows_rewrite(*, team_id: int | None = None) -> tuple[int, int, int]:
    """:func:`metric_rows_write` for the latest finished analysis of every video (of one team when
    ``team_id`` is given), one transaction per video; returns (videos, rows, failures). For the
    rows written before a metric's definition changed (``manage.py rewrite_metrics``)."""
    done = Analysis.objects.filter(status=Status.DONE)
    if team_id is not None:
        done = done.filter(video__team_id=team_id)
    latest: dict[int, Analysis] = {}
    for analysis in done.select_related("video").order_by("video_id", "created_at"):
        latest[analysis.video_id] = analysis  # the last one created wins
    rows = failed = 0
    for analysis in latest.values():
        try:
            rows += metric_rows_write(analysis=analysis)
        except Exception:  # noqa: BLE001 - one broken analysis does not stop the others
            log.exception("metric rows of analysis %s were not rewritten", analysis.pk)
            failed += 1
    return len(latest), rows, failed


def reference_set(*, team: Team, analysis: Analysis, segment: Segment, user: User) -> Reference:
    """Make the segment the team's reference for its action (replacing the previous one)."""
    core = segment.core or (None, None)
    reference, _ = Reference.objects.update_or_create(
        team=team, action=segment.action,
        defaults={"analysis": analysis, "start": segment.start, "end": segment.end,
                  "kind": segment.kind, "label": segment.label, "core_start": core[0],
                  "core_end": core[1], "set_by": user})
    return reference


def reference_clear(*, team: Team, action: str) -> bool:
    return bool(Reference.objects.filter(team=team, action=action).delete()[0])
