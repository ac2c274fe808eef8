from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from coaching.athletes import services
from coaching.athletes.access import (
    can,
    coached_team_or_404,
    current_user,
    require,
    visible_athlete_or_404,
)
from coaching.athletes.forms import AthleteForm, AthleteLoginForm, TeamForm
from coaching.athletes.permissions import Action
from coaching.athletes.selectors import (
    ATHLETE_SORTS,
    athlete_for_user,
    athlete_list_for_team,
    team_list_for_coach,
)
from coaching.videos.selectors import video_list_visible


@login_required
def home(request: HttpRequest) -> HttpResponse:
    teams = team_list_for_coach(user=request.user)
    own = athlete_for_user(user=request.user)
    if not teams.exists() and own is not None:
        return redirect("athlete_detail", athlete_id=own.pk)
    return render(request, "athletes/home.html", {"teams": teams, "own_profile": own})


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = services.team_create(name=form.cleaned_data["name"], head_coach=current_user(request))
        messages.success(request, f"Team “{team.name}” created. Add its athletes.")
        return redirect("team_detail", team_id=team.pk)
    return render(request, "athletes/team_form.html", {"form": form})


@login_required
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    team = coached_team_or_404(request, team_id)
    search = request.GET.get("q", "").strip()
    sort = request.GET.get("sort", "name")
    athletes = athlete_list_for_team(team=team, search=search, sort=sort)
    return render(
        request,
        "athletes/team_detail.html",
        {"team": team, "athletes": athletes, "q": search, "sort": sort, "sorts": ATHLETE_SORTS,
         "can": can(request, team)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def athlete_create(request: HttpRequest, team_id: int) -> HttpResponse:
    team = coached_team_or_404(request, team_id)
    require(request, team, Action.EDIT_ATHLETE)
    form = AthleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        athlete = services.athlete_create(team=team, **form.cleaned_data)
        messages.success(request, f"{athlete.name} added. Upload a training video next.")
        return redirect("athlete_detail", athlete_id=athlete.pk)
    return render(request, "athletes/athlete_form.html", {"form": form, "team": team})


@login_required
def athlete_detail(request: HttpRequest, athlete_id: int) -> HttpResponse:
    athlete = visible_athlete_or_404(request, athlete_id)
    videos = (
        video_list_visible(user=request.user)
        .filter(athlete=athlete)
        .prefetch_related("analyses")
    )
    return render(
        request,
        "athletes/athlete_detail.html",
        {"athlete": athlete, "videos": videos, "can": can(request, athlete.team, athlete)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def athlete_edit(request: HttpRequest, athlete_id: int) -> HttpResponse:
    athlete = visible_athlete_or_404(request, athlete_id)
    require(request, athlete.team, Action.EDIT_ATHLETE)
    form = AthleteForm(request.POST or None, instance=athlete)
    if request.method == "POST" and form.is_valid():
        services.athlete_update(athlete=athlete, data=form.cleaned_data)
        messages.success(request, "Profile saved.")
        return redirect("athlete_detail", athlete_id=athlete.pk)
    return render(
        request, "athletes/athlete_form.html", {"form": form, "team": athlete.team, "athlete": athlete}
    )


@login_required
@require_http_methods(["GET", "POST"])
def athlete_delete(request: HttpRequest, athlete_id: int) -> HttpResponse:
    athlete = visible_athlete_or_404(request, athlete_id)
    require(request, athlete.team, Action.DELETE)
    if request.method == "POST":
        team_id, name = athlete.team_id, athlete.name
        services.athlete_delete(athlete=athlete)
        messages.success(request, f"{name} and their videos were deleted.")
        return redirect("team_detail", team_id=team_id)
    return render(
        request,
        "athletes/athlete_confirm_delete.html",
        {"athlete": athlete, "video_count": athlete.videos.count()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def athlete_login(request: HttpRequest, athlete_id: int) -> HttpResponse:
    athlete = visible_athlete_or_404(request, athlete_id)
    require(request, athlete.team, Action.MANAGE_MEMBERS)
    form = AthleteLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.athlete_login_create(athlete=athlete, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{athlete.name} can now sign in as “{form.cleaned_data['username']}”.")
            return redirect("athlete_detail", athlete_id=athlete.pk)
    return render(request, "athletes/athlete_login.html", {"form": form, "athlete": athlete})
