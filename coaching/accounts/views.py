"""Sign-in forms: the counting itself is coaching.accounts.throttle (an authentication backend,
so every form that authenticates is throttled); these forms only say so in words."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError

from coaching.accounts.throttle import THROTTLED_ATTR, throttle_message


class ThrottleMessageMixin(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, THROTTLED_ATTR, False):
                raise ValidationError(throttle_message(), code="rate_limited") from None
            raise


class RateLimitedAuthenticationForm(ThrottleMessageMixin, AuthenticationForm):
    pass


class RateLimitedAdminAuthenticationForm(ThrottleMessageMixin, AdminAuthenticationForm):
    pass


class RateLimitedLoginView(LoginView):
    authentication_form = RateLimitedAuthenticationForm
