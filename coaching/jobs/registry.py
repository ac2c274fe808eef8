"""Every kind of background job, one line each: what the sweeper goes through."""

from __future__ import annotations

from django.utils.module_loading import import_string

from coaching.jobs.runner import JobType

JOB_TYPES = (
    "coaching.analysis.runner.ANALYSIS_JOB",
    "coaching.analysis.athlete.ATHLETE_JOB",
    "coaching.analysis.trackedit.TRACK_EDIT_JOB",
    "coaching.reports.services.RENDER_JOB",
    "coaching.learning.services.TEAM_MODEL_JOB",
    "coaching.learning.services.RELABEL_JOB",
    "coaching.learning.segmentation.SEGMENTATION_JOB",
)


def job_types() -> list[JobType]:
    return [import_string(path) for path in JOB_TYPES]
