"""Load on loopback: 50 users browsing video pages and polling progress, 5 uploads at the same
time, against gunicorn + PostgreSQL + Redis + 2 Celery workers. Prints p50/p95/max per kind of
request, the errors, and whether every upload was analysed.

    python bench/load.py [--users 50] [--uploads 5] [--seconds 60]

Needs PostgreSQL and Redis on 127.0.0.1 (as .ci/run provides) and ../shared/media.
Target: no errors, page p95 < 500 ms, every upload processed.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from upload import PORT, Session, multipart  # noqa: E402

CLIP = ROOT.parent / "shared" / "media" / "lab_walk_portrait_60fps.mp4"


def setup(env: dict[str, str]) -> tuple[int, list[int]]:
    """A fresh database with a coach, an athlete and 10 analysed videos to browse."""
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c",
                    "DROP DATABASE IF EXISTS posecoach_load WITH (FORCE)", "-c",
                    "CREATE DATABASE posecoach_load"], check=True)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    script = (
        "from django.contrib.auth.models import User\n"
        "from django.core.files import File\n"
        "from coaching.athletes.services import team_create, athlete_create\n"
        "from coaching.videos.services import video_upload\n"
        "from coaching.analysis.runner import analysis_run\n"
        "from django.core.files.uploadedfile import SimpleUploadedFile\n"
        "u = User.objects.create_user('load', password='load-pass-123')\n"
        "t = team_create(name='Load', head_coach=u); a = athlete_create(team=t, name='A')\n"
        f"data = open('{CLIP}', 'rb').read()\n"
        "ids = []\n"
        "for i in range(10):\n"
        "    v = video_upload(athlete=a, file=SimpleUploadedFile(f'c{i}.mp4', data), uploaded_by=u)\n"
        "    ids.append(v.pk)\n"
        "    analysis_run(analysis_id=v.analyses.get().pk)\n"
        "print(a.pk, *ids)\n"
    )
    result = subprocess.run([*manage, "shell", "--no-imports", "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode:
        sys.exit(result.stderr[-3000:])
    out = result.stdout.split()
    return int(out[0]), [int(x) for x in out[1:]]


def login(session: Session, after: str = "/") -> str:
    """Sign in; return the CSRF token of the page `after` (the token changes at sign-in)."""
    token_re = rb'name="csrfmiddlewaretoken" value="([^"]+)"'
    _, page = session.request("GET", "/accounts/login/")
    token = re.search(token_re, page).group(1).decode()
    session.request("POST", "/accounts/login/", f"csrfmiddlewaretoken={token}&username=load&password=load-pass-123",
                    {"Content-Type": "application/x-www-form-urlencoded"})
    _, page = session.request("GET", after)
    match = re.search(token_re, page)
    return match.group(1).decode() if match else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--uploads", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="posecoach-load-"))
    env = {**os.environ, "POSECOACH_VAR_DIR": str(work), "SECRET_KEY": uuid.uuid4().hex * 2,
           "DJANGO_SETTINGS_MODULE": "coaching.settings.production", "SECURE_COOKIES": "false",
           "SECURE_SSL_REDIRECT": "false", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/posecoach_load",
           "CELERY_BROKER_URL": "redis://127.0.0.1:6379/14", "CACHE_URL": "redis://127.0.0.1:6379/13"}
    athlete_id, video_ids = setup(env)
    procs = [subprocess.Popen([sys.executable, "-m", "gunicorn", "coaching.wsgi", "-w", "4", "--threads", "4",
                               "--bind", f"127.0.0.1:{PORT}"], cwd=ROOT, env=env, stderr=subprocess.DEVNULL)]
    for n in range(2):
        procs.append(subprocess.Popen([sys.executable, "-m", "celery", "-A", "coaching", "worker", "-Q", "gpu,default",
                                       "-c", "1", "-n", f"load{n}@%h", "--loglevel", "WARNING"],
                                      cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    timings: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + args.seconds
    try:
        time.sleep(4)
        uploaded: list[int] = []

        def browse(n: int) -> None:
            session = Session()
            login(session)
            i = n
            while time.monotonic() < stop:
                video = video_ids[i % len(video_ids)]
                for kind, path in (("video page", f"/videos/{video}/"), ("progress JSON", f"/videos/{video}/status/")):
                    began = time.perf_counter()
                    try:
                        status, _ = session.request("GET", path)
                    except OSError as exc:
                        status = f"{type(exc).__name__}"
                    with lock:
                        timings[kind].append(time.perf_counter() - began)
                        if status != 200:
                            errors.append(f"{kind} {path}: {status}")
                i += 1
                time.sleep(1.0)  # the video page polls its progress once a second

        def upload(n: int) -> None:
            session = Session()
            token = login(session, f"/athletes/{athlete_id}/upload/")
            boundary = uuid.uuid4().hex
            body, length = multipart({"csrfmiddlewaretoken": token, "title": f"load {n}"}, CLIP, boundary)
            began = time.perf_counter()
            status, data = session.request("POST", f"/athletes/{athlete_id}/upload/", body,
                                           {"Content-Type": f"multipart/form-data; boundary={boundary}",
                                            "X-CSRFToken": token}, length=length)
            with lock:
                timings["upload"].append(time.perf_counter() - began)
                if status != 201:
                    errors.append(f"upload {n}: {status} {data[:100]!r}")
                else:
                    uploaded.append(int(re.search(rb'"id": (\d+)', data).group(1)))

        threads = [threading.Thread(target=browse, args=(n,)) for n in range(args.users)]
        threads += [threading.Thread(target=upload, args=(n,)) for n in range(args.uploads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        processed_by = time.monotonic() + 300
        pending = set(uploaded)
        status_session = Session()
        login(status_session)
        while pending and time.monotonic() < processed_by:
            for video in list(pending):
                _, data = status_session.request("GET", f"/videos/{video}/status/")
                if b'"status": "done"' in data or b'"status": "failed"' in data:
                    pending.discard(video)
                    if b'"status": "failed"' in data:
                        errors.append(f"analysis of upload {video} failed")
            time.sleep(1)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait()
    print("| request | count | p50 ms | p95 ms | max ms |")
    print("|---|---|---|---|---|")
    for kind, values in timings.items():
        ms = sorted(v * 1000 for v in values)
        p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
        print(f"| {kind} | {len(ms)} | {statistics.median(ms):.0f} | {p95:.0f} | {ms[-1]:.0f} |")
    print(f"\n{args.users} browsing users, {args.uploads} uploads: {len(uploaded)} accepted, "
          f"{len(uploaded) - len(pending)} analysed, {len(errors)} errors")
    for error in errors[:20]:
        print("  ", error)


if __name__ == "__main__":
    main()
