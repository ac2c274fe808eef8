"""Sign-in with a limit on failed attempts per username and per address."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def _keys(request: HttpRequest, username: str) -> list[str]:
    address = request.META.get("REMOTE_ADDR", "?")
    return [f"login-fail:user:{username.lower()}", f"login-fail:addr:{address}"]


class RateLimitedAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        keys = _keys(self.request, username) if self.request else []
        limit = settings.LOGIN_FAILURE_LIMIT
        if any((cache.get(key) or 0) >= limit for key in keys):
            minutes = settings.LOGIN_FAILURE_WINDOW_S // 60
            raise ValidationError(
                f"Too many failed sign-ins. Wait {minutes} minutes, or ask your coach to reset "
                "your password.",
                code="rate_limited",
            )
        try:
            return super().clean()
        except ValidationError:
            for key in keys:
                cache.add(key, 0, settings.LOGIN_FAILURE_WINDOW_S)
                cache.incr(key)
            raise


class RateLimitedLoginView(LoginView):
    authentication_form = RateLimitedAuthenticationForm
