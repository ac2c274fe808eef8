"""Webhooks: an analysis that ends makes one signed delivery per team webhook; the worker task
retries with backoff until the receiver takes it, and gives up after the last wait; the team's
page shows the secret once and the delivery log; private addresses are refused."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from coaching.analysis.models import Analysis, Status
from coaching.analysis.runner import analysis_run
from coaching.api.models import DeliveryState, Webhook, WebhookDelivery
from coaching.api.tasks import webhook_deliver_task
from coaching.api.webhooks import (
    BACKOFF_S,
    webhook_attempt,
    webhook_create,
    webhooks_analysis_ended,
)

pytestmark = pytest.mark.django_db


class Receiver:
    """A local HTTP server answering the given codes in turn; keeps what it received."""

    def __init__(self, codes: list[int]) -> None:
        self.codes, self.received = codes, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(outer.codes.pop(0) if len(outer.codes) > 1 else outer.codes[0])
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):  # noqa: ANN001, ANN201
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True  # the receiver is on this machine
    made: list[Receiver] = []

    def make(codes: list[int]) -> Receiver:
        made.append(Receiver(codes))
        return made[-1]

    yield make
    for r in made:
        r.close()


def test_signed_delivery_retried_until_taken(client, world, receiver) -> None:
    hook_server = receiver([500, 200])
    client.force_login(world.coach)
    page = client.post(reverse("team_webhooks", args=[world.team.pk]), {"url": hook_server.url})
    webhook = Webhook.objects.get()
    assert webhook.secret in page.content.decode()  # shown once
    assert webhook.secret not in client.get(reverse("team_webhooks", args=[world.team.pk])).content.decode()
    world.analysis.status, world.analysis.error = Status.FAILED, "The video is damaged."
    world.analysis.save()
    [delivery_id] = webhooks_analysis_ended(analysis_id=world.analysis.pk)
    webhook_deliver_task.apply(args=[delivery_id])  # the worker's task, retries run in place
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.response_code) == (DeliveryState.DELIVERED, 2, 200)
    assert len(hook_server.received) == 2
    headers, body = hook_server.received[-1]
    t, v1 = (part.split("=", 1)[1] for part in headers["posecoach-signature"].split(","))
    expected = hmac.new(webhook.secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(v1, expected)
    payload = json.loads(body)
    assert payload["event"] == headers["posecoach-event"] == "analysis.failed"
    assert payload["analysis"]["id"] == world.analysis.pk and payload["analysis"]["error"] == "The video is damaged."
    log = client.get(reverse("team_webhooks", args=[world.team.pk])).content.decode()
    assert "Delivered" in log and "analysis.failed" in log


def test_gives_up_after_the_last_wait(world, receiver) -> None:
    hook_server = receiver([503])
    webhook = Webhook.objects.create(team=world.team, url=hook_server.url, secret="s" * 64)
    delivery = WebhookDelivery.objects.create(webhook=webhook, event="analysis.done", payload={"x": 1})
    waits = [webhook_attempt(delivery_id=delivery.pk) for _ in range(len(BACKOFF_S) + 1)]
    assert waits == [*BACKOFF_S, None]
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED and delivery.response_code == 503
    assert webhook_attempt(delivery_id=delivery.pk) is None and len(hook_server.received) == len(BACKOFF_S) + 1


def test_a_worker_that_ends_an_analysis_tells_the_webhooks(world) -> None:
    Webhook.objects.create(team=world.team, url="https://club.example.org/hook", secret="s" * 64)
    Webhook.objects.create(team=world.team_b, url="https://other.example.org/hook", secret="t" * 64)
    world.video.file.save("broken.mp4", ContentFile(b"\x00" * 4000))
    analysis = Analysis.objects.create(video=world.video)
    analysis_run(analysis_id=analysis.pk)  # the damaged file ends it FAILED
    analysis.refresh_from_db()
    assert analysis.status == Status.FAILED
    delivery = WebhookDelivery.objects.get()  # team A's webhook only
    assert delivery.event == "analysis.failed" and delivery.payload["analysis"]["id"] == analysis.pk
    assert delivery.webhook.team == world.team


def test_private_addresses_are_refused(world, settings) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    for url in ("http://127.0.0.1:8000/x", "http://10.0.0.5/x", "http://[::1]/x", "ftp://example.org/x"):
        with pytest.raises(ValidationError):
            webhook_create(team=world.team, url=url, created_by=world.coach)
    assert not Webhook.objects.exists()


def test_redirects_are_not_followed(world, receiver) -> None:
    hook_server = receiver([302])
    webhook = Webhook.objects.create(team=world.team, url=hook_server.url, secret="s" * 64)
    delivery = WebhookDelivery.objects.create(webhook=webhook, event="analysis.done", payload={})
    assert webhook_attempt(delivery_id=delivery.pk) == BACKOFF_S[0]
    delivery.refresh_from_db()
    assert delivery.response_code == 302 and len(hook_server.received) == 1
