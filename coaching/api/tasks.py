"""Celery tasks of the API app: thin, they take an id and call a service."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from coaching.api.webhooks import BACKOFF_S, webhook_attempt


@shared_task(bind=True, name="webhooks.deliver", ignore_result=True, max_retries=len(BACKOFF_S))
def webhook_deliver_task(self: Any, delivery_id: int) -> None:
    wait = webhook_attempt(delivery_id=delivery_id)
    if wait is not None:
        raise self.retry(countdown=wait)
