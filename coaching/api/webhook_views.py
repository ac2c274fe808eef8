"""The team's webhooks page (head coaches, like the other team settings): add a URL (its signing
secret shown once), delete one, and the log of the latest deliveries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from coaching.api.webhooks import (
    EVENTS,
    delivery_list,
    webhook_create,
    webhook_delete,
    webhook_list,
)
from coaching.athletes.access import coached_team_or_404, current_user, require
from coaching.athletes.permissions import Action


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def team_webhooks(request: HttpRequest, team_id: int) -> HttpResponse:
    team = coached_team_or_404(request, team_id)
    require(request, team, Action.MANAGE_MEMBERS)
    context: dict[str, object] = {"team": team, "events": list(EVENTS.values())}
    if request.method == "POST":
        if "delete" in request.POST:
            try:
                webhook_id = int(request.POST["delete"])
            except ValueError:
                webhook_id = 0
            if webhook_delete(team=team, webhook_id=webhook_id):
                messages.success(request, "The webhook was deleted.")
            return redirect("team_webhooks", team_id=team.pk)
        try:
            context["new_webhook"] = webhook_create(team=team, url=request.POST.get("url", ""),
                                                    created_by=current_user(request))
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
    context["webhooks"] = webhook_list(team=team)
    context["deliveries"] = delivery_list(team=team)
    return render(request, "athletes/team_webhooks.html", context)
