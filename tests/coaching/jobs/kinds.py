"""One job row of each kind, for the protocol tests (the World's objects as their subjects)."""

from __future__ import annotations

from typing import Any

from coaching.jobs.models import Job
from coaching.jobs.runner import JobType

KINDS = ("analysis", "render", "training", "segmentation retraining", "re-labelling", "athlete choice",
         "track edit")


def kind_named(name: str) -> JobType:
    from coaching.jobs.registry import job_types

    return next(kind for kind in job_types() if kind.name == name)


def make_job(name: str, world: Any, **fields: Any) -> Job:
    from coaching.analysis.models import Analysis, AthleteChoice, TrackEdit
    from coaching.learning.models import ActionRelabel, SegmentationWeights, TeamActionModel
    from coaching.reports.models import Render

    if name == "analysis":
        return Analysis.objects.create(video=world.video, **fields)
    if name == "render":
        return Render.objects.create(analysis=world.analysis, requested_by=world.coach, **fields)
    if name == "training":
        version = TeamActionModel.objects.filter(team=world.team).count() + 1
        return TeamActionModel.objects.create(team=world.team, version=version, **fields)
    if name == "segmentation retraining":
        return SegmentationWeights.objects.create(**fields)
    if name == "athlete choice":
        return AthleteChoice.objects.create(analysis=world.analysis, track_id=0, **fields)
    if name == "track edit":
        return TrackEdit.objects.create(analysis=world.analysis, operation="drop", track_id=0, **fields)
    return ActionRelabel.objects.create(analysis=world.analysis, **fields)
