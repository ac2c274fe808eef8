"""Analyses per minute of a batch of uploads with one gpu worker host, then with two, on the cluster
harness (tests/distributed/cluster.py: hosts that share nothing but the network, storage on
SeaweedFS S3, broker on Redis, PostgreSQL from DATABASE_URL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/posecoach python bench/cluster.py [--uploads 6]

Each batch is uploaded at once through nginx; the clock runs from the first upload to the last
analysis done. Worker processes are warmed first (one analysis each), so the numbers are the
steady state, not model loading. Prints a table; `make cluster` runs it after the cluster tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.distributed.cluster import Cluster, Coach, missing, short_clip  # noqa: E402


def batch(cluster: Cluster, coach: Coach, clip: Path, count: int) -> tuple[float, list[tuple[str, float]]]:
    """Upload ``count`` clips at once, wait for every analysis; (seconds, [(host, worker s)])."""
    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=min(count, 4)) as pool:
        videos = list(pool.map(lambda _: coach.upload(clip), range(count)))
    for video in videos:
        status = coach.wait(video, timeout=900)
        if status["status"] != "done":
            raise SystemExit(f"analysis of video {video} ended {status['status']}: {status['error']}\n"
                             f"{cluster.tails()}")
    seconds = time.monotonic() - began
    rows = cluster.sql("SELECT a.worker_host, (a.timings->>'total')::float FROM analysis_analysis a "
                       "WHERE a.video_id = ANY(%s)", videos)
    return seconds, [(str(host), float(total or 0)) for host, total in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=6, help="analyses per batch")
    parser.add_argument("--frames", type=int, default=48, help="frames of the sample clip per upload")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    reason = missing(database_url)
    if reason:
        raise SystemExit(f"cannot start the cluster: {reason}")
    base = Path(tempfile.mkdtemp(prefix="posecoach-cluster-bench-"))
    base.chmod(0o755)  # nginx's workers (nobody) read the web host's static files
    results = []
    try:
        clip = short_clip(ROOT / "samples" / "indoor_two_people_1080p.mp4", base / "clip.mp4", frames=args.frames)
        with Cluster(base / "cluster", database_url) as cluster:
            print(f"isolation: {cluster.isolation_note}", flush=True)
            coach = cluster.coach()
            batch(cluster, coach, clip, 1)  # warm the first gpu host
            results.append((1, *batch(cluster, coach, clip, args.uploads)))
            cluster.add_worker("worker-gpu-2", "gpu")
            batch(cluster, coach, clip, 2)  # one each (prefetch 1, one process per host): both warm
            results.append((2, *batch(cluster, coach, clip, args.uploads)))
            offences = cluster.isolation_offences()
    finally:
        shutil.rmtree(base, ignore_errors=True)
    load = os.getloadavg()[0]
    print(f"\n{args.uploads} uploads of {args.frames} frames (640x360) per batch; {os.cpu_count()} CPU cores; "
          f"load average {load:.1f} at the end")
    print("| gpu worker hosts | seconds | analyses/min | mean worker s per analysis | analyses per host |")
    print("|---|---|---|---|---|")
    for hosts, seconds, runs in results:
        per_host: dict[str, int] = {}
        for host, _ in runs:
            per_host[host] = per_host.get(host, 0) + 1
        mean = statistics.mean(total for _, total in runs)
        spread = ", ".join(f"{host} {n}" for host, n in sorted(per_host.items()))
        print(f"| {hosts} | {seconds:.1f} | {60 * len(runs) / seconds:.2f} | {mean:.1f} | {spread} |")
    print(f"\nisolation offences: {offences or 'none'}")


if __name__ == "__main__":
    main()
