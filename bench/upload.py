"""Upload a large generated video (≥ 1 GB) to a running gunicorn server and print the server's
peak RSS growth and the throughput. Target: RSS growth < 100 MB.

    python bench/upload.py [--size-gb 1.0]

Starts its own server (gunicorn, production settings, SQLite and media in a temporary folder)
and signs in as a bench coach; the upload goes through the same view as the browser's.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765


def make_video(path: Path, size_bytes: int) -> None:
    """Motion-JPEG noise at the highest quality: ~1 MB a 1080p frame, quick to encode."""
    rng = np.random.default_rng(0)
    tiles = [rng.integers(0, 256, (1080, 1920, 3), np.uint8) for _ in range(8)]
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mjpeg", rate=Fraction(30))
        stream.width, stream.height, stream.pix_fmt = 1920, 1080, "yuvj420p"
        stream.codec_context.options = {"q:v": "1"}
        stream.codec_context.qmin = stream.codec_context.qmax = 1
        i = 0
        while not path.exists() or path.stat().st_size < size_bytes:
            frame = av.VideoFrame.from_ndarray(tiles[i % len(tiles)], format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
            i += 1
        for packet in stream.encode(None):
            out.mux(packet)


def tree_rss_kb(pid: int) -> int:
    total = 0
    pids = [pid] + [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except FileNotFoundError:
            continue
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return total


class Session:
    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body=None, headers=None, length=None):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=3600)
        headers = dict(headers or {})
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if length is not None:
            headers["Content-Length"] = str(length)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return response.status, data


def multipart(fields: dict[str, str], file_path: Path, boundary: str):
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    head += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
             f'filename="{file_path.name}"\r\nContent-Type: video/x-matroska\r\n\r\n').encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + file_path.stat().st_size + len(tail)

    def body():
        yield head
        with file_path.open("rb") as fh:
            while chunk := fh.read(1024 * 1024):
                yield chunk
        yield tail

    return body(), length


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-gb", type=float, default=1.0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="posecoach-bench-"))
    env = {**os.environ, "POSECOACH_VAR_DIR": str(work), "SECRET_KEY": "bench-" + uuid.uuid4().hex,
           "DJANGO_SETTINGS_MODULE": "coaching.settings.production", "SECURE_COOKIES": "false",
           "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}", "CELERY_BROKER_URL": "memory://",
           "UPLOAD_MAX_BYTES": str(int((args.size_gb + 1) * 1024**3)), "UPLOAD_MAX_DURATION_S": "36000"}
    video = work / "big.mkv"
    began = time.perf_counter()
    make_video(video, int(args.size_gb * 1024**3))
    print(f"generated {video.stat().st_size / 1024**2:.0f} MB in {time.perf_counter() - began:.0f} s", file=sys.stderr)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    setup = ("from django.contrib.auth.models import User;"
             "from coaching.athletes.services import team_create, athlete_create;"
             "u=User.objects.create_user('bench', password='bench-pass-123');"
             "t=team_create(name='Bench', head_coach=u); print(athlete_create(team=t, name='A').pk)")
    athlete_id = subprocess.run([*manage, "shell", "--no-imports", "-c", setup], cwd=ROOT, env=env, check=True,
                                capture_output=True, text=True).stdout.strip().splitlines()[-1]
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "coaching.wsgi", "-w", "1",
                               "--bind", f"127.0.0.1:{PORT}", "--timeout", "3600"],
                              cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    try:
        session = Session()
        for _ in range(100):
            try:
                status, page = session.request("GET", "/accounts/login/")
                break
            except OSError:
                time.sleep(0.2)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        form = f"csrfmiddlewaretoken={token}&username=bench&password=bench-pass-123"
        session.request("POST", "/accounts/login/", form,
                        {"Content-Type": "application/x-www-form-urlencoded"})
        _, page = session.request("GET", f"/athletes/{athlete_id}/upload/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        time.sleep(1)
        baseline = tree_rss_kb(server.pid)
        peak = [baseline]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], tree_rss_kb(server.pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        boundary = uuid.uuid4().hex
        body, length = multipart({"csrfmiddlewaretoken": token, "title": "bench"}, video, boundary)
        began = time.perf_counter()
        status, data = session.request(
            "POST", f"/athletes/{athlete_id}/upload/", body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}", "X-CSRFToken": token},
            length=length)
        elapsed = time.perf_counter() - began
        done.set()
        sampler.join()
    finally:
        server.terminate()
        server.wait()
    size_mb = video.stat().st_size / 1024**2
    print(f"server answered {status}: {data[:200].decode(errors='replace')}", file=sys.stderr)
    print("| file | size MB | seconds | MB/s | server RSS before MB | peak MB | growth MB | target |")
    print("|---|---|---|---|---|---|---|---|")
    growth = (peak[0] - baseline) / 1024
    print(f"| {video.name} (MJPEG 1080p) | {size_mb:.0f} | {elapsed:.1f} | {size_mb / elapsed:.0f} | "
          f"{baseline / 1024:.0f} | {peak[0] / 1024:.0f} | {growth:.1f} | < 100 MB: "
          f"{'met' if growth < 100 else 'MISSED'} |")
    subprocess.run(["rm", "-rf", str(work)])
    if status != 201:
        sys.exit(f"upload was not accepted (HTTP {status})")


if __name__ == "__main__":
    main()
