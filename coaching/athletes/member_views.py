"""Team members: invitations, removal, team settings, and accepting an invitation."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from coaching.athletes.access import coached_team_or_404, current_user, require
from coaching.athletes.invitations import (
    invitation_accept,
    invitation_check,
    invitation_create,
    invitation_signup_accept,
    membership_remove,
    team_settings_update,
)
from coaching.athletes.models import INVITABLE_ROLES, Role, Team
from coaching.athletes.permissions import Action
from coaching.athletes.selectors import (
    athlete_of_team,
    athletes_without_login,
    invitation_by_token,
    invitation_list_open,
    membership_list,
)


class InvitationForm(forms.Form):
    role = forms.ChoiceField(choices=[(r.value, r.label) for r in INVITABLE_ROLES])
    athlete = forms.IntegerField(required=False, widget=forms.Select)

    def __init__(self, *args: object, team: Team, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = [("", "— for an assistant coach —")] + [
            (a.pk, a.name) for a in athletes_without_login(team=team)
        ]
        self.fields["athlete"].widget.choices = choices
        self.fields["athlete"].label = "Athlete profile (for an athlete)"


def _members_page(request: HttpRequest, team: Team, form: InvitationForm) -> HttpResponse:
    return render(request, "athletes/members.html", {
        "team": team,
        "form": form,
        "members": membership_list(team=team),
        "invitations": invitation_list_open(team=team),
    })


@login_required
@require_http_methods(["GET", "POST"])
def team_members(request: HttpRequest, team_id: int) -> HttpResponse:
    team = coached_team_or_404(request, team_id)
    require(request, team, Action.MANAGE_MEMBERS)
    form = InvitationForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        athlete = athlete_of_team(team=team, athlete_id=form.cleaned_data["athlete"])
        try:
            invitation = invitation_create(team=team, role=Role(form.cleaned_data["role"]),
                                           created_by=current_user(request), athlete=athlete)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            link = request.build_absolute_uri(reverse("invitation_accept", args=[invitation.token]))
            messages.success(request, f"Invitation created. Send this link: {link}")
            return redirect("team_members", team_id=team.pk)
    return _members_page(request, team, form)


@login_required
@require_POST
def membership_delete(request: HttpRequest, team_id: int, membership_id: int) -> HttpResponse:
    team = coached_team_or_404(request, team_id)
    require(request, team, Action.MANAGE_MEMBERS)
    membership = get_object_or_404(team.memberships, pk=membership_id)
    try:
        membership_remove(membership=membership)
        messages.success(request, f"{membership.user.username} no longer has access to {team.name}.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("team_members", team_id=team.pk)


@login_required
@require_POST
def team_settings(request: HttpRequest, team_id: int) -> HttpResponse:
    team = coached_team_or_404(request, team_id)
    require(request, team, Action.MANAGE_MEMBERS)
    team_settings_update(team=team, athletes_can_upload=request.POST.get("athletes_can_upload") == "on")
    messages.success(request, "Team settings saved.")
    return redirect("team_members", team_id=team.pk)


@require_http_methods(["GET", "POST"])
def invitation_open(request: HttpRequest, token: str) -> HttpResponse:
    """The link itself is the credential (a capability URL): 32 random characters, one use,
    expiring. Signed-in users accept; others create an account first."""
    invitation = invitation_by_token(token=token)
    if invitation is None:
        raise Http404("No such invitation.")
    error = None
    try:
        invitation_check(invitation=invitation)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    signup: UserCreationForm | None = (
        UserCreationForm(request.POST or None) if not request.user.is_authenticated else None
    )
    if request.method == "POST" and error is None:
        if signup is not None and not signup.is_valid():
            return render(request, "athletes/invitation.html", {"invitation": invitation, "signup": signup})
        try:
            if signup is not None:
                user, _ = invitation_signup_accept(token=token, username=signup.cleaned_data["username"],
                                                   password=signup.cleaned_data["password1"])
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                invitation_accept(token=token, user=current_user(request))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"Welcome to {invitation.team.name}.")
            return redirect("home")
    return render(request, "athletes/invitation.html",
                  {"invitation": invitation, "signup": signup, "error": error})
