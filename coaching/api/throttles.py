"""Request limits for the API: per token (a script with its own token cannot use up another
token's allowance, nor the browser session's), per user for the session, per address for
requests without credentials. Rates come from the settings each time, so they can change."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from coaching.accounts.throttle import client_address
from coaching.api.models import ApiToken


class CredentialRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self) -> str:
        return str(settings.API_THROTTLE_RATE)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonymousRateThrottle(SimpleRateThrottle):
    scope = "api-anon"

    def get_rate(self) -> str:
        return str(settings.API_ANON_THROTTLE_RATE)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_address(request._request)}
