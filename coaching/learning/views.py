"""Teaching the team's moves: labels on a report's time ranges, the training page, a coach's
confirmation that makes a version active, re-labelling."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from coaching.analysis.selectors import analysis_list_visible
from coaching.athletes.access import can, coached_team_or_404, current_user, require
from coaching.athletes.permissions import Action
from coaching.learning import services
from coaching.learning.figures import confusion_figure
from coaching.learning.selectors import (
    action_label_counts,
    action_label_list_visible,
    action_labels_of_team,
    team_action_model_list_for_coach,
    team_action_models,
)
from coaching.requestdata import finite_number
from inference.actions.team import MAX_BASE_LOSS, MIN_RANGES_PER_CLASS, MIN_VIDEOS_PER_CLASS


def _report(analysis_id: int) -> HttpResponse:
    return redirect(reverse("analysis_report", args=[analysis_id]) + "#moves")


@login_required
@require_POST
def label_create(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = get_object_or_404(analysis_list_visible(user=request.user), pk=analysis_id)
    require(request, analysis.video.team, Action.TEACH)
    try:
        label = services.action_label_create(
            analysis=analysis, label=request.POST.get("label", ""),
            start=finite_number(request.POST.get("start", ""), "start"),
            end=finite_number(request.POST.get("end", ""), "end"),
            created_by=current_user(request))
        messages.success(request, f"Labelled {label.start:.2f}–{label.end:.2f} s as “{label.label}”.")
    except ValueError:
        messages.error(request, "Set the range's start and end (in seconds) first.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _report(analysis.pk)


@login_required
@require_POST
def label_delete(request: HttpRequest, label_id: int) -> HttpResponse:
    label = get_object_or_404(action_label_list_visible(user=request.user), pk=label_id)
    require(request, label.analysis.video.team, Action.TEACH)
    services.action_label_delete(label=label)
    messages.success(request, f"Label “{label.label}” removed.")
    return _report(label.analysis_id)


@login_required
@require_POST
def analysis_relabel(request: HttpRequest, analysis_id: int) -> HttpResponse:
    analysis = get_object_or_404(analysis_list_visible(user=request.user), pk=analysis_id)
    require(request, analysis.video.team, Action.TEACH)
    services.analysis_relabel_enqueue(analysis=analysis)
    messages.success(request, "Re-labelling with the team's active model; reload in a moment.")
    return _report(analysis.pk)


@login_required
@require_GET
def team_moves(request: HttpRequest, team_id: int) -> HttpResponse:
    team = coached_team_or_404(request, team_id)
    versions = list(team_action_models(team=team))
    shown = next((v for v in versions if v.status == "done"), None)
    counts = action_label_counts(team=team)
    figure = (confusion_figure(shown.classes, shown.metrics["confusion"],
                               f"v{shown.version}: cross-validated confusion matrix")
              if shown and shown.metrics.get("confusion") else None)
    training = next((v for v in versions if v.status in ("pending", "running")), None)
    return render(request, "learning/team_moves.html", {
        "team": team, "versions": versions, "shown": shown, "figure": figure, "counts": counts,
        "min_ranges": MIN_RANGES_PER_CLASS, "min_videos": MIN_VIDEOS_PER_CLASS, "max_base_loss": MAX_BASE_LOSS,
        "labels": action_labels_of_team(team=team).order_by("-created_at")[:50],
        "training": training, "can": can(request, team),
    })


@login_required
@require_POST
def team_moves_train(request: HttpRequest, team_id: int) -> HttpResponse:
    team = coached_team_or_404(request, team_id)
    require(request, team, Action.TEACH)
    try:
        row = services.team_model_train_start(team=team, requested_by=current_user(request))
        messages.success(request, f"Training version {row.version}; this page shows its progress.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("team_moves", team_id=team.pk)


@login_required
@require_POST
def team_moves_activate(request: HttpRequest, team_id: int, version: int) -> HttpResponse:
    team = coached_team_or_404(request, team_id)
    require(request, team, Action.TEACH)
    row = get_object_or_404(team_action_models(team=team), version=version)
    try:
        services.team_model_activate(row=row, confirmed_by=current_user(request),
                                     seen=request.POST.get("seen") == "yes")
        messages.success(request, f"Version {row.version} is now the team's model. Re-label a video "
                                  "from its report to see its moves with it.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("team_moves", team_id=team.pk)


@login_required
@require_GET
def action_model_status(request: HttpRequest, action_model_id: int) -> JsonResponse:
    row = get_object_or_404(team_action_model_list_for_coach(user=request.user), pk=action_model_id)
    return JsonResponse({"status": row.status, "progress": row.progress, "message": row.message,
                         "error": row.error, "version": row.version})
