"""docker/compose.yaml is checked by parsing (no Docker engine runs here)."""

from __future__ import annotations

import yaml

from tests.support import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
APP = ("web", "worker-gpu", "worker-default", "beat")


def test_services_present() -> None:
    assert set(SERVICES) >= {"postgres", "redis", *APP}


def test_every_service_has_a_healthcheck() -> None:
    for name, service in SERVICES.items():
        assert "healthcheck" in service, name


def test_app_services_share_database_broker_and_media() -> None:
    for name in APP:
        env = SERVICES[name]["environment"]
        assert env["DATABASE_URL"].endswith("@postgres:5432/posecoach"), name
        assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0", name
        assert env["DJANGO_SETTINGS_MODULE"] == "coaching.settings.production"
        assert "SECRET_KEY" in env
        assert "media:/data" in SERVICES[name]["volumes"], name
        assert SERVICES[name]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_workers_listen_on_their_queues() -> None:
    gpu = SERVICES["worker-gpu"]
    assert gpu["command"][gpu["command"].index("-Q") + 1] == "gpu"
    assert gpu["deploy"]["resources"]["reservations"]["devices"][0]["capabilities"] == ["gpu"]
    assert "tensorflow[and-cuda]" in (ROOT / "docker" / "Dockerfile.gpu").read_text()
    default = SERVICES["worker-default"]["command"]
    assert default[default.index("-Q") + 1] == "default"
    assert "gunicorn" in " ".join(SERVICES["web"]["command"])


def test_dockerfiles_copy_what_exists() -> None:
    for dockerfile in ("Dockerfile", "Dockerfile.gpu"):
        for line in (ROOT / "docker" / dockerfile).read_text().splitlines():
            if line.startswith("COPY "):
                for source in line.split()[1:-1]:
                    assert (ROOT / source).exists(), (dockerfile, source)


def test_production_settings_refuse_to_start_without_secret_key() -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "coaching.settings.production"
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
