"""Running an analysis on a worker: the analysis's work under the job protocol of
coaching.jobs (claim, lease, heartbeat, attempts, conditional writes, sweeper).

The work runs every stage of coaching.analysis.stages with a progress reporter whose writes are
conditional on this attempt: once the analysis is cancelled or its video deleted, the next stage
or progress report raises Cancelled and the runner deletes whatever the attempt stored.
"""

from __future__ import annotations

import time
from datetime import datetime

from coaching.analysis.models import Analysis
from coaching.analysis.stages import STAGES, StageContext
from coaching.analysis.summary import analysis_summary_update
from coaching.jobs.attempt import Attempt, ProgressReporter
from coaching.jobs.runner import (
    MAX_ATTEMPTS,
    Claim,
    JobType,
    job_claim,
    job_give_up,
    job_run,
    job_sweep,
)
from inference.models import ModelError
from inference.video import VideoError

__all__ = ["ANALYSIS_JOB", "MAX_ATTEMPTS", "Claim", "analysis_claim", "analysis_run",
           "analysis_sweep", "analysis_give_up"]


def _analyse(analysis: Analysis, attempt: Attempt) -> None:
    loaded = dict(analysis.summary)
    timings: dict[str, float] = {}
    attempt.fail_fields["timings"] = timings  # a failed run still shows how far it got
    reporter = ProgressReporter(attempt)
    with StageContext.open(analysis, reporter) as ctx:
        for stage in STAGES:
            reporter.enter(stage.name, stage.start, stage.end)
            began = time.perf_counter()
            stage.run(ctx)
            timings[stage.name] = round(time.perf_counter() - began, 3)
        timings.update(ctx.timings)  # the pipeline's own stages
        reporter.enter("saving", 0.99, 0.99)
        fields = [name for name in ctx.save_outputs(analysis) if name != "summary"]
    # Only the sections this run produced: a section a coach changed meanwhile stays theirs.
    sections = {key: value for key, value in analysis.summary.items()
                if key not in loaded or loaded[key] != value}
    analysis.timings = timings

    def write_summary() -> None:
        merged = analysis_summary_update(analysis_id=analysis.pk, sections=sections,
                                         where=attempt.owns())
        analysis.summary = merged if merged is not None else analysis.summary

    attempt.finish(analysis, [*fields, "timings"], inside=write_summary)
    from coaching.progress.services import metric_rows_write_safely

    metric_rows_write_safely(analysis=analysis)  # the progress pages' rows of this video


def _tell_webhooks(analysis_id: int) -> None:
    from coaching.api.webhooks import webhooks_analysis_ended

    webhooks_analysis_ended(analysis_id=analysis_id)


ANALYSIS_JOB = JobType(
    name="analysis", model=Analysis, task="coaching.analysis.tasks.run_analysis", queue="gpu",
    work=_analyse, related=("video", "video__athlete"),
    user_errors=(VideoError, ModelError), on_end=_tell_webhooks)


def analysis_claim(*, analysis_id: int) -> tuple[Claim, int]:
    return job_claim(Analysis, job_id=analysis_id)


def analysis_run(*, analysis_id: int) -> Claim:
    return job_run(ANALYSIS_JOB, job_id=analysis_id)


def analysis_sweep(*, now: datetime | None = None) -> list[int]:
    return job_sweep(ANALYSIS_JOB, now=now)


def analysis_give_up(*, analysis_id: int, reason: str) -> None:
    job_give_up(ANALYSIS_JOB, job_id=analysis_id, reason=reason)


