"""Webhooks: a team's own system is told when an analysis ends (``analysis.done``,
``analysis.failed`` or ``analysis.cancelled``), whoever ended it (its worker, the sweeper, a
cancel), by a signed JSON POST, sent by a worker with retries and backoff.

Signature (like Stripe's): header ``PoseCoach-Signature: t=<unix seconds>,v1=<hex>`` where
hex = HMAC-SHA256(secret, "<t>.<raw body>"); a receiver recomputes it and refuses old ``t``."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import urllib.error
import urllib.request
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from coaching.analysis.models import Analysis, Status
from coaching.api.models import DeliveryState, Webhook, WebhookDelivery
from coaching.athletes.models import Team

EVENTS = {Status.DONE: "analysis.done", Status.FAILED: "analysis.failed",
          Status.CANCELLED: "analysis.cancelled"}
MAX_WEBHOOKS_PER_TEAM = 5
TIMEOUT_S = 10  # a receiver should answer at once and work later
# Tries after the first, and the wait before each: 30 s, 2 min, 8 min, 32 min, ~2 h.
BACKOFF_S = (30, 120, 480, 1920, 7680)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def _public_host(url: str) -> None:
    """Refuse URLs that reach this site's own network (loopback, private, link-local) unless
    WEBHOOK_ALLOW_PRIVATE_HOSTS: a webhook must not be a way to probe the servers inside."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("Give a full http:// or https:// URL.")
    if settings.WEBHOOK_ALLOW_PRIVATE_HOSTS:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise ValidationError(f"{parts.hostname} cannot be found.") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise ValidationError(f"{parts.hostname} is a private address; give a public one.")


def webhook_list(*, team: Team) -> QuerySet[Webhook]:
    return team.webhooks.all()


def delivery_list(*, team: Team, limit: int = 50) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(webhook__team=team).select_related("webhook")[:limit]


def webhook_create(*, team: Team, url: str, created_by: User) -> Webhook:
    url = url.strip()
    _public_host(url)
    if webhook_list(team=team).count() >= MAX_WEBHOOKS_PER_TEAM:
        raise ValidationError(f"A team has at most {MAX_WEBHOOKS_PER_TEAM} webhooks; delete one first.")
    return Webhook.objects.create(team=team, url=url, secret=secrets.token_hex(32), created_by=created_by)


def webhook_delete(*, team: Team, webhook_id: int) -> bool:
    deleted, _ = webhook_list(team=team).filter(pk=webhook_id).delete()
    return deleted > 0


def _payload(analysis: Analysis, event: str) -> dict[str, Any]:
    video = analysis.video
    return {"event": event, "sent_at": timezone.now(), "team": video.team_id,
            "analysis": {"id": analysis.pk, "status": analysis.status, "error": analysis.error,
                         "finished_at": analysis.finished_at,
                         "url": reverse("api_analysis_detail", args=[analysis.pk])},
            "video": {"id": video.pk, "title": video.title, "athlete": video.athlete_id}}


def webhooks_analysis_ended(*, analysis_id: int) -> list[int]:
    """One delivery per webhook of the analysis' team, sent after commit; the delivery ids."""
    analysis = Analysis.objects.select_related("video").filter(pk=analysis_id).first()
    if analysis is None or analysis.status not in EVENTS:
        return []
    event = EVENTS[Status(analysis.status)]
    payload = json.loads(json.dumps(_payload(analysis, event), cls=DjangoJSONEncoder))
    ids = [WebhookDelivery.objects.create(webhook=hook, event=event, payload=payload).pk
           for hook in Webhook.objects.filter(team_id=analysis.video.team_id)]
    for delivery_id in ids:
        transaction.on_commit(partial(_enqueue, delivery_id))
    return ids


def _enqueue(delivery_id: int) -> None:
    from coaching.api.tasks import webhook_deliver_task

    try:
        webhook_deliver_task.apply_async(args=[delivery_id], queue="default")
    except OSError:  # broker down: the delivery stays pending in the log
        WebhookDelivery.objects.filter(pk=delivery_id).update(error="The broker was unreachable.")


def webhook_attempt(*, delivery_id: int) -> int | None:
    """Send the delivery once. None when it is settled (delivered, given up, or gone); else the
    seconds to wait before the next try."""
    delivery = WebhookDelivery.objects.select_related("webhook").filter(
        pk=delivery_id, state=DeliveryState.PENDING).first()
    if delivery is None:
        return None
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    code, error = _post(delivery.webhook, delivery.pk, delivery.event, body)
    delivery.attempts += 1
    delivery.response_code, delivery.error, delivery.last_try_at = code, error[:300], timezone.now()
    wait = None
    if code is not None and 200 <= code < 300:
        delivery.state = DeliveryState.DELIVERED
    elif delivery.attempts > len(BACKOFF_S):
        delivery.state = DeliveryState.FAILED
    else:
        wait = BACKOFF_S[delivery.attempts - 1]
    delivery.save(update_fields=["attempts", "response_code", "error", "last_try_at", "state"])
    return wait


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead past the address check: a 3xx is an answer like any other."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _post(webhook: Webhook, delivery_id: int, event: str, body: bytes) -> tuple[int | None, str]:
    try:
        _public_host(webhook.url)  # again: the name may point elsewhere now
    except ValidationError as exc:
        return None, " ".join(exc.messages)
    request = urllib.request.Request(webhook.url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "PoseCoach-Webhooks/1",
        "PoseCoach-Event": event, "PoseCoach-Delivery": str(delivery_id),
        "PoseCoach-Signature": sign(webhook.secret, int(time.time()), body)})
    try:
        with _OPENER.open(request, timeout=TIMEOUT_S) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"The receiver answered {exc.code}."
    except (urllib.error.URLError, OSError) as exc:
        return None, f"Could not reach it: {getattr(exc, 'reason', exc)}"
