"""Celery tasks of the learning app: thin, they take an id and call a service."""

from __future__ import annotations

from celery import shared_task

from coaching.learning import services


@shared_task(name="learning.train_team_model", acks_late=True, reject_on_worker_lost=True,
             ignore_result=True)
def train_team_model_task(model_id: int) -> None:
    services.team_model_train_run(model_id=model_id)


@shared_task(name="learning.relabel", acks_late=True, ignore_result=True)
def relabel_analysis_task(analysis_id: int) -> None:
    services.analysis_relabel(analysis_id=analysis_id)


@shared_task(name="learning.retrain_segmentation", acks_late=True, reject_on_worker_lost=True,
             ignore_result=True)
def retrain_segmentation_task(weights_id: int) -> None:
    from coaching.learning.segmentation import segmentation_retrain_run

    segmentation_retrain_run(weights_id=weights_id)
