"""One sign-in throttle for every form that authenticates (the site's login, Django's admin):
the authentication backend itself (first in AUTHENTICATION_BACKENDS), so no form can skip it.

Each attempt takes a slot *before* the password is checked (cache add + incr: atomic in Redis and
in the local-memory cache), so parallel attempts cannot all pass the check before the count
rises; a successful sign-in gives its slots back, so what is counted is failures.

Keys: per username (LOGIN_FAILURE_LIMIT, small) and per client address
(LOGIN_ADDRESS_FAILURE_LIMIT, large: a club behind one NAT shares an address). An attempt refused
on its username does not count against the address, so one person hammering one account cannot
lock out everyone behind the same address. The address comes from TRUSTED_PROXY_HEADER when the
site runs behind a proxy that sets it (see README), otherwise REMOTE_ADDR.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

THROTTLED_ATTR = "login_throttled"


def client_address(request: HttpRequest) -> str:
    """The client's address: the trusted proxy's header if configured, else the socket peer.
    For X-Forwarded-For the last entry is the one our proxy appended (earlier ones are whatever
    the client sent)."""
    header = settings.TRUSTED_PROXY_HEADER
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        last = value.split(",")[-1].strip()
        if last:
            return last
    return str(request.META.get("REMOTE_ADDR") or "?")


def _take(key: str) -> int:
    """Add one to the key's count within the window; the new count."""
    cache.add(key, 0, settings.LOGIN_FAILURE_WINDOW_S)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, settings.LOGIN_FAILURE_WINDOW_S)
        return 1


def _give_back(keys: list[str]) -> None:
    for key in keys:
        try:
            cache.decr(key)
        except ValueError:  # expired meanwhile: nothing to give back
            pass


def attempt_reserve(request: HttpRequest, username: str) -> list[str] | None:
    """Count this attempt: the keys it took, or None when the username or the address is over
    its limit."""
    user_key = f"login-attempt:user:{username.strip().lower()}"
    if _take(user_key) > settings.LOGIN_FAILURE_LIMIT:
        return None
    addr_key = f"login-attempt:addr:{client_address(request)}"
    if _take(addr_key) > settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        _give_back([user_key])  # the account was not tried
        return None
    return [user_key, addr_key]


class LoginThrottleBackend(ModelBackend):
    """Django's ModelBackend behind the throttle. A failure raises PermissionDenied, which makes
    django.contrib.auth.authenticate stop, so the plain ModelBackend listed after this one (for
    sessions that name it) never checks the same password a second time."""

    def authenticate(  # type: ignore[override]  # ModelBackend's signature, as the stubs disagree
        self, request: HttpRequest | None, username: str | None = None,
        password: str | None = None, **kwargs: Any,
    ) -> User | None:
        if request is None or username is None:
            return super().authenticate(request, username, password, **kwargs)
        keys = attempt_reserve(request, username)
        if keys is None:
            setattr(request, THROTTLED_ATTR, True)  # noqa: B010 - read by the form's message
            raise PermissionDenied("Too many failed sign-ins.")
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            raise PermissionDenied("Wrong username or password.")
        _give_back(keys)  # the password was right: this attempt was not a failure
        return user

    async def aauthenticate(  # type: ignore[override]
        self, request: HttpRequest | None, username: str | None = None,
        password: str | None = None, **kwargs: Any,
    ) -> User | None:
        # The same throttle on the async path (ModelBackend's own would skip it).
        return await sync_to_async(self.authenticate)(request, username, password, **kwargs)


def throttle_message() -> str:
    minutes = max(1, settings.LOGIN_FAILURE_WINDOW_S // 60)
    return (f"Too many failed sign-ins. Wait {minutes} minutes, or ask your coach to reset your "
            "password.")
