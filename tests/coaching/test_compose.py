"""docker/compose.yaml is checked by parsing (no Docker engine runs here)."""

from __future__ import annotations

import yaml

from tests.support import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
APP = ("web", "worker-gpu", "worker-default", "beat")


def test_services_present() -> None:
    assert set(SERVICES) >= {"postgres", "redis", "seaweedfs", *APP}


def test_every_service_has_a_healthcheck() -> None:
    for name, service in SERVICES.items():
        assert "healthcheck" in service, name


def test_app_services_share_database_broker_and_s3_storage_but_no_volume() -> None:
    storage = SERVICES["seaweedfs"]
    host = storage["networks"]["default"]["aliases"][0]  # the S3 endpoint's name, inside and out
    for name in APP:
        env = SERVICES[name]["environment"]
        assert env["DATABASE_URL"].endswith("@postgres:5432/posecoach"), name
        assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0", name
        assert env["DJANGO_SETTINGS_MODULE"] == "coaching.settings.production"
        assert "SECRET_KEY" in env
        assert env["POSECOACH_STORAGE"] == "s3" and env["AWS_S3_ENDPOINT_URL"] == f"http://{host}:8333", name
        assert env["AWS_SECRET_ACCESS_KEY"] == storage["environment"]["AWS_SECRET_ACCESS_KEY"]
        assert not [v for v in SERVICES[name].get("volumes", []) if not v.startswith("static:")], name
        assert SERVICES[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert storage["ports"] == ["8333:8333"]  # browsers fetch the signed URLs there
    assert "docker/seaweedfs-requirements.txt" in (ROOT / "docker" / "Dockerfile.seaweedfs").read_text()
    assert "--require-hashes" in (ROOT / "docker" / "Dockerfile.seaweedfs").read_text()


def test_workers_listen_on_their_queues() -> None:
    gpu = SERVICES["worker-gpu"]
    assert gpu["command"][gpu["command"].index("-Q") + 1] == "gpu"
    assert gpu["deploy"]["resources"]["reservations"]["devices"][0]["capabilities"] == ["gpu"]
    assert "tensorflow[and-cuda]" in (ROOT / "docker" / "Dockerfile.gpu").read_text()
    default = SERVICES["worker-default"]["command"]
    assert default[default.index("-Q") + 1] == "default"
    assert "gunicorn" in " ".join(SERVICES["web"]["command"])


def test_dockerfiles_copy_what_exists() -> None:
    for dockerfile in ("Dockerfile", "Dockerfile.gpu", "Dockerfile.seaweedfs"):
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


def test_a_gpu_host_gets_what_the_main_gpu_worker_gets_over_the_network() -> None:
    extra = yaml.safe_load((ROOT / "docker" / "compose.gpu-host.yaml").read_text())["services"]
    main = SERVICES["worker-gpu"]["environment"]
    for name, service in extra.items():
        env = service["environment"]
        needed = {key for key in main if key.startswith(("AWS_", "DATABASE_", "CELERY_", "POSECOACH_"))}
        assert needed <= set(env) and "SECRET_KEY" in env, (name, needed - set(env))
        assert env["POSECOACH_STORAGE"] == "s3" and "volumes" not in service, name
        assert service["command"][service["command"].index("-Q") + 1] == "gpu"
        assert service["command"][service["command"].index("-c") + 1] == "1"  # one process per GPU
