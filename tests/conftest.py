"""Shared fixtures: named users (a coach, another team's coach, an athlete with a login),
their objects, and real video files generated or read from ../shared/media."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import ROOT, write_clip


@pytest.fixture
def make_clip(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(10_000))

    def make(**kwargs: object) -> Path:
        return write_clip(tmp_path / f"clip{next(counter)}.mp4", **kwargs)  # type: ignore[arg-type]

    return make


class World:
    """Two teams. `coach` heads team A with athletes `ann` (who has a login, `ann_user`) and
    `al`, each with a video and an analysis; `other_coach` heads team B with athlete `bob`,
    his video and analysis. Names end in _b for team B's objects."""

    def __init__(self, clip: Path) -> None:
        from django.contrib.auth.models import User
        from django.core.files import File

        from coaching.analysis.models import Analysis, Status
        from coaching.athletes.services import athlete_create, team_create
        from coaching.videos.models import Video

        self.coach = User.objects.create_user("coach", password="pw-coach-123")
        self.other_coach = User.objects.create_user("other", password="pw-other-123")
        self.ann_user = User.objects.create_user("ann", password="pw-ann-123")
        self.team = team_create(name="Team A", head_coach=self.coach)
        self.team_b = team_create(name="Team B", head_coach=self.other_coach)
        self.ann = athlete_create(team=self.team, name="Ann", user=self.ann_user, height_cm=170)
        self.al = athlete_create(team=self.team, name="Al")
        self.bob = athlete_create(team=self.team_b, name="Bob")

        def video(athlete: object, title: str) -> tuple[Video, Analysis]:
            v = Video(team=athlete.team, athlete=athlete, title=title, original_name="c.mp4",  # type: ignore[attr-defined]
                      size_bytes=clip.stat().st_size, container="mov", codec="h264", width=96,
                      height=64, fps=24, duration_s=0.5, frame_count=12)
            with clip.open("rb") as fh:
                v.file.save("c.mp4", File(fh), save=False)
            v.save()
            a = Analysis.objects.create(video=v, status=Status.DONE, progress=100)
            with clip.open("rb") as fh:
                a.proxy.save("proxy.mp4", File(fh), save=True)
            return v, a

        self.video, self.analysis = video(self.ann, "Ann squat")
        self.video_al, self.analysis_al = video(self.al, "Al sprint")
        self.video_b, self.analysis_b = video(self.bob, "Bob jump")
        from coaching.reports.models import Render

        def render(analysis: Analysis) -> Render:
            done = Render.objects.create(analysis=analysis, status=Status.DONE, progress=100)
            with clip.open("rb") as fh:
                done.file.save("annotated.mp4", File(fh), save=True)
            return done

        self.render, self.render_b = render(self.analysis), render(self.analysis_b)


@pytest.fixture
def world(db: None, tmp_path: Path) -> World:
    return World(write_clip(tmp_path / "world.mp4"))


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("PLAYWRIGHT_BROWSERS_PATH", "0")


WORKER_LEASE_S = 5  # short, so the fault tests see a dead worker's lease run out quickly


def _test_database_url() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://... (as .ci/run does)")
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER'] or ''}{password}@{db['HOST'] or ''}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(broker: str, name: str):
    """A real `celery worker` process (queues gpu and default) on the test database."""
    import subprocess
    import sys
    import time

    from django.conf import settings

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "coaching.settings.test",
           "DATABASE_URL": _test_database_url(), "CELERY_BROKER_URL": broker,
           "ANALYSIS_LEASE_S": str(WORKER_LEASE_S)}
    log_path = Path(settings.VAR_DIR) / f"worker-{name}.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "coaching", "worker", "-Q", "gpu,default", "-c", "1",
         "--loglevel", "INFO", "-n", f"{name}-{os.getpid()}@%h", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while b" ready." not in log_path.read_bytes():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the Celery worker did not start:\n" + log_path.read_text()[-3000:])
        time.sleep(0.2)
    return proc


def stop_worker(proc) -> None:
    import signal
    import subprocess

    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup: None, django_db_blocker: object):
    """A real `celery worker` process on the test database and the configured broker.
    Needs PostgreSQL and Redis (what CI provides); skips with the reason otherwise."""
    from django.conf import settings

    _test_database_url()
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs Redis: run with CELERY_BROKER_URL=redis://... (as .ci/run does)")
    proc = start_worker(settings.CELERY_BROKER_URL, "test")
    yield proc
    stop_worker(proc)
    # The worker's pool processes may outlive its main process by a moment; the test database
    # can only be dropped once no other session is connected to it.
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture
def browser(monkeypatch):
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls of the fixtures
    # around it are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
