"""The Celery app. Workers: `celery -A coaching worker -Q gpu,default`."""

import os

from celery import Celery

from inference.quiet import quiet_cpu_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coaching.settings.dev")
# GPU workers: one process per GPU (start one worker with -c 1 per CUDA_VISIBLE_DEVICES value);
# each takes GPU memory as it needs it instead of all of it at start-up.
os.environ.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")
os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
quiet_cpu_start()  # no "failed call to cuInit" on a machine without a GPU

app = Celery("coaching")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
