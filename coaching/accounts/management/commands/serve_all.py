"""Run the web server and a Celery worker together (the embedded mode of `make run`).
Ctrl-C stops both; if either dies, the other is stopped too."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Start the Django server and a Celery worker (queues gpu and default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--concurrency", type=int, default=1)

    def handle(self, *args: Any, addr: str, concurrency: int, **options: Any) -> None:
        if settings.CELERY_BROKER_URL.startswith("filesystem"):
            for key in ("data_folder_in", "control_folder"):
                os.makedirs(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key]), exist_ok=True)
        python = sys.executable
        commands = {
            "web": [python, "manage.py", "runserver", addr, "--noreload"],
            "worker": [python, "-m", "celery", "-A", "coaching", "worker", "-Q", "gpu,default",
                       "-c", str(concurrency), "--loglevel", "INFO", "-n", "embedded@%h", "--beat"],
        }
        procs = {name: subprocess.Popen(cmd, start_new_session=True) for name, cmd in commands.items()}
        self.stdout.write(self.style.SUCCESS(f"PoseCoach is running at http://{addr}/ (Ctrl-C stops it)"))
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(p.poll() is None for p in procs.values()):
                time.sleep(0.3)
        finally:
            for proc in procs.values():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)  # warm shutdown: the worker finishes its task
            deadline = time.monotonic() + 30
            for proc in procs.values():
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    proc.kill()
            dead = [n for n, p in procs.items() if p.returncode not in (0, -signal.SIGTERM)]
            if dead and not stopping:
                self.stderr.write(f"Stopped because {', '.join(dead)} exited; see the log above.")
