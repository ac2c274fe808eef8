"""The account page for personal API tokens: make one (its secret shown once, on this response
only, never stored or put in a message), see name, start and last use, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from coaching.api.tokens import api_token_create, api_token_list, api_token_revoke
from coaching.athletes.access import current_user


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    context: dict[str, object] = {}
    if request.method == "POST":
        if "revoke" in request.POST:
            try:
                token_id = int(request.POST["revoke"])
            except ValueError:
                token_id = 0
            if api_token_revoke(user=user, token_id=token_id):
                messages.success(request, "The token was revoked; requests with it now get 401.")
            else:
                messages.info(request, "That token was already revoked.")
            return redirect("api_tokens")
        try:
            token, secret = api_token_create(user=user, name=request.POST.get("name", ""))
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
        else:
            context["new_token"], context["secret"] = token, secret
    context["tokens"] = api_token_list(user=user)
    return render(request, "registration/api_tokens.html", context)
