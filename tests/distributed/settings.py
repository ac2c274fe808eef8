"""Settings of the cluster's hosts: production's, with the sweeper running every
JOBS_SWEEP_INTERVAL_S seconds (production sweeps every minute) so that a dead host's job is taken
over within seconds of its lease running out."""

from coaching.env import env_int
from coaching.settings.production import *  # noqa: F403
from coaching.settings.production import CELERY_BEAT_SCHEDULE

CELERY_BEAT_SCHEDULE = {**CELERY_BEAT_SCHEDULE, "jobs-sweep": {
    **CELERY_BEAT_SCHEDULE["jobs-sweep"], "schedule": float(env_int("JOBS_SWEEP_INTERVAL_S", 60))}}
