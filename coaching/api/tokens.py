"""Personal API tokens: made and revoked on the account page, stored as the SHA-256 of a
random secret (the secret itself is shown once and kept nowhere)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from coaching.api.models import ApiToken

TOKEN_PREFIX = "pc_"
SECRET_BYTES = 32  # 256 bits from the OS's CSPRNG: hashing needs no salt or stretching
MAX_TOKENS_PER_USER = 20
# last_used_at is a hint for the account page, not an audit log: one write a minute at most.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token and its secret (to show once)."""
    name = name.strip()
    if not name:
        raise ValidationError("Give the token a name, such as the app or script that uses it.")
    if len(name) > 80:
        raise ValidationError("The name is longer than 80 characters.")
    if "\x00" in name:  # PostgreSQL refuses it in text
        raise ValidationError("The name contains a NUL character; type it again.")
    if api_token_list(user=user).count() >= MAX_TOKENS_PER_USER:
        raise ValidationError(f"You have {MAX_TOKENS_PER_USER} tokens; revoke one first.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken.objects.create(user=user, name=name, key_hash=token_hash(secret),
                                    prefix=secret[:10])
    return token, secret


def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Delete one of the user's tokens; False when it is not theirs (or gone already)."""
    deleted, _ = api_token_list(user=user).filter(pk=token_id).delete()
    return deleted > 0


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The live token with this secret, its last use noted; None for an unknown secret."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(secret)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
