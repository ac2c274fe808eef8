"""Celery tasks of the learning app: thin, they take an id and call a service."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from coaching.jobs.runner import job_run
from coaching.jobs.tasks import follow_up
from coaching.learning import services

JOB_TASK = {"bind": True, "acks_late": True, "reject_on_worker_lost": True, "ignore_result": True,
            "max_retries": None}


@shared_task(name="learning.train_team_model", **JOB_TASK)
def train_team_model_task(self: Any, model_id: int) -> None:
    follow_up(self, services.TEAM_MODEL_JOB, model_id,
              services.team_model_train_run(model_id=model_id))


@shared_task(name="learning.relabel_job", **JOB_TASK)  # its id is a relabel job's now
def relabel_analysis_task(self: Any, relabel_id: int) -> None:
    follow_up(self, services.RELABEL_JOB, relabel_id, job_run(services.RELABEL_JOB, job_id=relabel_id))


@shared_task(name="learning.retrain_segmentation", **JOB_TASK)
def retrain_segmentation_task(self: Any, weights_id: int) -> None:
    from coaching.learning.segmentation import SEGMENTATION_JOB, segmentation_retrain_run

    follow_up(self, SEGMENTATION_JOB, weights_id, segmentation_retrain_run(weights_id=weights_id))
