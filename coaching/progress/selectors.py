"""Reads for the progress page and the team dashboard, always on rows of one athlete or one
team that the view has already scoped to the user. Like with like: a series holds one metric of
one action of videos uploaded as one movement; rows of no recognised action (unknown, idle, from
analyses written before they were left out) are not read; a dashboard cell whose metric was
measured in several actions shows no trend."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from coaching.analysis.confirmation import AthleteCheck, athlete_checks
from coaching.analysis.models import Analysis, Status
from coaching.athletes.models import Athlete, Team
from coaching.progress.comparisons import comparable, reference_deviation, segments_for
from coaching.progress.figures import (
    EDGE_SESSIONS,
    Point,
    Series,
    personal_best,
    trend_figure,
    trend_sentence,
)
from coaching.progress.models import MetricRow, Reference
from inference.compare.metrics import METRICS
from inference.compare.segments import NOT_ACTIONS, Segment

DEFAULT_DASHBOARD_METRICS = ("knee_flexion_max", "jump_height_m", "knee_rom")
MAX_SERIES = 24  # charts on one page


@dataclass
class Progress:
    athlete: Athlete
    actions: list[str]
    series: list[Series] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    bests: list[dict[str, Any]] = field(default_factory=list)
    summary: list[dict[str, Any]] = field(default_factory=list)
    # sessions left out until the coach checks their athlete (coaching.analysis.confirmation)
    checks: list[AthleteCheck] = field(default_factory=list)


def metric_rows_for_team(*, team: Team) -> QuerySet[MetricRow]:
    return MetricRow.objects.filter(team=team)


def metric_rows_for_athlete(*, athlete: Athlete, action: str = "", date_from: date | None = None,
                            date_to: date | None = None) -> QuerySet[MetricRow]:
    rows = MetricRow.objects.filter(athlete=athlete).exclude(action__in=NOT_ACTIONS)
    if action:
        rows = rows.filter(action=action)
    if date_from:
        rows = rows.filter(recorded_on__gte=date_from)
    if date_to:
        rows = rows.filter(recorded_on__lte=date_to)
    return rows


def videos_unmeasured_count(*, athlete: Athlete) -> int:
    """The athlete's videos with a finished analysis that gave no metric (the athlete tracked in
    too few frames, inference.compare.metrics.MIN_TRACKED_SHARE): the progress page says why it is
    empty rather than asking for an upload. Videos whose athlete awaits a check are listed apart."""
    measured = MetricRow.objects.filter(athlete=athlete).values("analysis__video_id")
    done = Analysis.objects.filter(video__athlete=athlete, status=Status.DONE).exclude(video_id__in=measured)
    pending = {c.analysis.video_id for c in athlete_checks(Analysis.objects.filter(video__athlete=athlete))}
    return done.exclude(video_id__in=pending).values("video_id").distinct().count()


def athlete_checks_for_athlete(*, athlete: Athlete) -> list[AthleteCheck]:
    """The athlete's videos left out of progress until a coach checks who was analysed."""
    return athlete_checks(Analysis.objects.filter(video__athlete=athlete))


def athlete_checks_for_team(*, team: Team) -> list[AthleteCheck]:
    """The team's videos left out of the dashboard until a coach checks who was analysed."""
    return athlete_checks(Analysis.objects.filter(video__team=team))


def progress_get(*, athlete: Athlete, action: str = "", date_from: date | None = None,
                 date_to: date | None = None) -> Progress:
    """The athlete's series per (action, metric), in METRICS order, with bests and sentences."""
    actions = list(MetricRow.objects.filter(athlete=athlete).exclude(action__in=NOT_ACTIONS).order_by("action")
                   .values_list("action", flat=True).distinct())
    rows = metric_rows_for_athlete(athlete=athlete, action=action, date_from=date_from, date_to=date_to)
    series: dict[tuple[str, str, str], Series] = {}
    fields = ("action", "metric", "unit", "value", "recorded_on", "analysis_id", "t_start",
              "analysis__video__title", "analysis__video__movement")
    for r in rows.order_by("recorded_on", "analysis_id").values_list(*fields):
        s = series.setdefault((r[0], r[8], r[1]), Series(r[0], r[1], r[2], movement=r[8]))
        s.points.append(Point(r[4], r[3], r[5], r[6], r[7]))
    order = {m: i for i, m in enumerate(METRICS)}
    ordered = sorted(series.values(), key=lambda s: (s.action, s.movement, order.get(s.metric, 99)))[:MAX_SERIES]
    progress = Progress(athlete=athlete, actions=actions, series=ordered,
                        checks=athlete_checks_for_athlete(athlete=athlete))
    for s in ordered:
        progress.figures[s.key] = trend_figure(s)
        best = personal_best(s)
        if best is not None:
            progress.bests.append({"series": s, "point": best})
        sentence = trend_sentence(s)
        if sentence is not None:
            progress.summary.append(sentence)
    return progress


@dataclass
class DashboardRow:
    athlete: Athlete
    # metric → {"latest", "date", "change", "verdict", "sessions", "action", "mixed"}; "mixed": the
    # other actions (or movements) the metric was measured in, when no action is chosen: no trend
    # across them.
    cells: dict[str, dict[str, Any]]


def _edge_rows(rows: QuerySet[MetricRow]) -> QuerySet[MetricRow]:
    """Only the first and last EDGE_SESSIONS rows of each (athlete, metric, action, movement), with
    how many there are: what the latest value and the trend need, whatever the team's history
    (window functions, so the database does the cutting)."""
    group = [F("athlete_id"), F("metric"), F("action"), F("analysis__video__movement")]
    return rows.annotate(
        first_n=Window(RowNumber(), partition_by=group, order_by=[F("recorded_on").asc(), F("analysis_id").asc()]),
        sessions=Window(Count("id"), partition_by=group),
    ).filter(Q(first_n__lte=EDGE_SESSIONS) | Q(first_n__gt=F("sessions") - EDGE_SESSIONS))


def dashboard_get(*, team: Team, metrics: list[str], action: str = "", sort: str = "name"
                  ) -> list[DashboardRow]:
    """Each athlete of the team with the latest value and trend of each metric. sort: "name" or
    "<metric>" / "-<metric>" (by latest value; athletes without one last)."""
    rows = MetricRow.objects.filter(team=team, metric__in=metrics).exclude(action__in=NOT_ACTIONS)
    if action:
        rows = rows.filter(action=action)
    per: dict[tuple[int, str], dict[tuple[str, str], Series]] = {}
    counts: dict[tuple[int, str, str, str], int] = {}
    fields = ("athlete_id", "metric", "action", "analysis__video__movement", "unit", "value", "recorded_on",
              "analysis_id", "t_start", "sessions")
    for athlete_id, metric, act, movement, unit, value, day, analysis_id, t, sessions in _edge_rows(
            rows).order_by("recorded_on", "analysis_id").values_list(*fields):
        s = per.setdefault((athlete_id, metric), {}).setdefault((act, movement), Series(act, metric, unit, movement=movement))
        s.points.append(Point(day, value, analysis_id, t))
        counts[(athlete_id, metric, act, movement)] = sessions
    out = []
    for athlete in team.athletes.order_by("name", "pk"):
        cells = {}
        for metric in metrics:
            groups = per.get((athlete.pk, metric))
            if not groups:
                continue
            found = max(groups.values(), key=lambda g: (g.points[-1].recorded_on, g.points[-1].analysis_id))
            last = found.points[-1]
            total = counts[(athlete.pk, metric, found.action, found.movement)]
            mixed = sorted(g.title for g in groups.values() if g is not found)
            trend = None if mixed else trend_sentence(found, total)
            cells[metric] = {"latest": last.value, "unit": found.unit, "date": last.recorded_on,
                             "analysis_id": last.analysis_id, "t": last.t_start, "action": found.title,
                             "sessions": total, "change": trend["change"] if trend else None,
                             "verdict": trend["verdict"] if trend else "", "mixed": mixed}
        out.append(DashboardRow(athlete=athlete, cells=cells))
    return _sorted(out, sort, metrics)


def _sorted(rows: list[DashboardRow], sort: str, metrics: list[str]) -> list[DashboardRow]:
    key = sort.lstrip("-")
    if key not in metrics:
        return sorted(rows, key=lambda r: r.athlete.name.lower(), reverse=sort == "-name")
    have = [r for r in rows if key in r.cells]
    have.sort(key=lambda r: r.cells[key]["latest"], reverse=sort.startswith("-"))
    return have + [r for r in rows if key not in r.cells]


def dashboard_metrics(requested: list[str]) -> list[str]:
    chosen = [m for m in requested if m in METRICS]
    return chosen or list(DEFAULT_DASHBOARD_METRICS)


def team_actions(*, team: Team) -> list[str]:
    # order_by() on the column itself: the model's default ordering would defeat DISTINCT
    return list(MetricRow.objects.filter(team=team).exclude(action__in=NOT_ACTIONS).order_by("action")
                .values_list("action", flat=True).distinct())


def references_for_team(*, team: Team) -> QuerySet[Reference]:
    return Reference.objects.filter(team=team).select_related("analysis__video__athlete", "set_by")


@dataclass(frozen=True)
class ReportProgress:
    """The report page's compare block: why this analysis cannot be compared (or ""), its segments
    a coach can make the team's reference, and the deviation from the current reference."""

    reason: str
    segments: list[tuple[int, Segment]] = field(default_factory=list)
    deviation: dict[str, Any] | None = None


def report_progress_get(*, analysis: Analysis) -> ReportProgress:
    """Reads the reference and runs the (cached) DTW here, so the template tag only lays it out."""
    reason = comparable(analysis)
    if reason:
        return ReportProgress(reason)
    return ReportProgress("", list(enumerate(segments_for(analysis))), reference_deviation(analysis=analysis))
