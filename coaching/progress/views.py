"""Progress page, team dashboard (and its CSV), compare page, and the team's references. Thin:
scope, parse, call a selector or service, render."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coaching.analysis.confirmation import athlete_check
from coaching.analysis.selectors import analysis_list_visible
from coaching.athletes.access import (
    can,
    coached_team_or_404,
    current_user,
    require,
    visible_athlete_or_404,
)
from coaching.athletes.permissions import Action
from coaching.progress import comparisons, selectors, services
from coaching.progress.forms import ProgressFilter, ReferenceClearForm, ReferenceForm
from coaching.reports.exports import csv_safe_row
from coaching.serving import content_disposition_header
from inference.compare.metrics import METRICS, MIN_TRACKED_SHARE

# The share of a clip's (or an action's) frames the athlete must be tracked in for its metrics,
# as the pages say it.
MIN_TRACKED_PCT = round(100 * MIN_TRACKED_SHARE)


@login_required
@require_GET
def athlete_progress(request: HttpRequest, athlete_id: int) -> HttpResponse:
    athlete = visible_athlete_or_404(request, athlete_id)
    form = ProgressFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    progress = selectors.progress_get(athlete=athlete, action=filters.get("action") or "",
                                      date_from=filters.get("date_from"), date_to=filters.get("date_to"))
    return render(request, "progress/athlete_progress.html", {
        "athlete": athlete, "progress": progress, "form": form, "metrics": METRICS,
        "can": can(request, athlete.team, athlete), "min_tracked_pct": MIN_TRACKED_PCT,
        "unmeasured": 0 if progress.series else selectors.videos_unmeasured_count(athlete=athlete),
        "checks": progress.checks,
        "report_url_template": reverse("analysis_report", args=[0])})


@login_required
@require_GET
def team_dashboard(request: HttpRequest, team_id: int) -> HttpResponse:
    team = coached_team_or_404(request, team_id)
    require(request, team, Action.VIEW_TEAM)
    metrics = selectors.dashboard_metrics(request.GET.getlist("metric"))
    action = request.GET.get("action", "")[:40]
    sort = request.GET.get("sort", "name")
    rows = selectors.dashboard_get(team=team, metrics=metrics, action=action, sort=sort)
    if request.GET.get("format") == "csv":
        return _dashboard_csv(team.name, metrics, rows)
    return render(request, "progress/team_dashboard.html", {
        "team": team, "rows": rows, "metrics": metrics, "all_metrics": METRICS, "sort": sort,
        "action": action, "actions": selectors.team_actions(team=team),
        "checks": selectors.athlete_checks_for_team(team=team),
        "query": request.GET.urlencode(), "min_tracked_pct": MIN_TRACKED_PCT})


def _dashboard_csv(team_name: str, metrics: list[str], rows: list[selectors.DashboardRow]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # The team and the day it was taken, like every other download (coaching.analysis.downloads).
    name = "-".join(p for p in (slugify(team_name) or slugify(team_name, allow_unicode=True), "dashboard", timezone.localdate().isoformat()) if p)
    response["Content-Disposition"] = content_disposition_header(name + ".csv")
    writer = csv.writer(response)
    header = ["athlete"]
    for m in metrics:
        header += [f"{m} ({METRICS[m].unit})", f"{m} date", f"{m} change", f"{m} trend", f"{m} sessions"]
    writer.writerow(csv_safe_row(header))
    for row in rows:
        line: list[object] = [row.athlete.name]
        for m in metrics:
            c = row.cells.get(m)
            line += ([round(c["latest"], 3), c["date"].isoformat(),
                      "" if c["change"] is None else round(c["change"], 3), c["verdict"], c["sessions"]]
                     if c else ["", "", "", "", ""])
        writer.writerow(csv_safe_row(line))
    return response


@login_required
@require_GET
def compare(request: HttpRequest, analysis_id: int) -> HttpResponse:
    visible = analysis_list_visible(user=request.user).select_related("video__athlete")
    a = get_object_or_404(visible, pk=analysis_id)
    other = request.GET.get("with", "")
    context: dict[str, object] = {"a": a, "can": can(request, a.video.team, a.video.athlete),
                                  "reason": comparisons.comparable(a)}
    checks = [("A", athlete_check(a))]
    if other.isdigit():
        b = get_object_or_404(visible, pk=int(other))
        context["comparison"] = comparisons.comparison_get(
            a=a, b=b, seg_a=request.GET.get("a"), seg_b=request.GET.get("b"))
        checks.append(("B", athlete_check(b)))
    else:
        context["candidates"] = comparisons.compare_candidates(visible=visible, analysis=a)
    # Either side may be someone other than its athlete: said above the comparison.
    context["checks"] = [(side, check) for side, check in checks if check is not None]
    return render(request, "progress/compare.html", context)


@login_required
@require_POST
def reference_set(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = get_object_or_404(analysis_list_visible(user=request.user), pk=analysis_id)
    team = analysis.video.team
    require(request, team, Action.VIEW_TEAM)
    report = reverse("analysis_report", args=[analysis.pk])
    form = ReferenceForm(request.POST)
    segments = comparisons.segments_for(analysis)
    reason = comparisons.comparable(analysis)
    if not reason and athlete_check(analysis) is not None:
        # A reference is what every later analysis is measured against: not a person who may
        # be someone else (coaching.analysis.confirmation).
        reason = ("Check the athlete first: another person scored almost as high in this video, so it "
                  "may show someone else. Confirm or choose the athlete on the video page, then set it "
                  "as the reference.")
    if reason or not form.is_valid() or form.cleaned_data["segment"] >= len(segments):
        messages.error(request, reason or "Choose the segment to use as the reference.")
        return redirect(report)
    segment = segments[form.cleaned_data["segment"]]
    services.reference_set(team=team, analysis=analysis, segment=segment, user=current_user(request))
    messages.success(request, f"{segment.label} is now {team.name}'s reference for {segment.action}. "
                              "Later analyses of it show how they differ.")
    return redirect(report)


@login_required
@require_http_methods(["GET", "POST"])
def team_references(request: HttpRequest, team_id: int) -> HttpResponse:
    team = coached_team_or_404(request, team_id)
    require(request, team, Action.VIEW_TEAM)
    if request.method == "POST":
        form = ReferenceClearForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose a reference to remove from the list.")
        elif services.reference_clear(team=team, action=form.cleaned_data["action"]):
            messages.success(request, f"The reference for {form.cleaned_data['action']} was removed.")
        return redirect("team_references", team_id=team.pk)
    return render(request, "progress/team_references.html", {
        "team": team, "references": selectors.references_for_team(team=team)})
