"""Progress and comparison benchmarks: server time of the athlete progress page (and the team
dashboard) with 10,000 analyses of 200 athletes in PostgreSQL, and DTW of two 10-s 60-fps
segments. Prints p50/p95/max. Targets: progress page p95 < 300 ms; DTW < 50 ms.

    python bench/compare.py [--analyses 10000] [--athletes 200] [--requests 100] [--keep]

Needs PostgreSQL on 127.0.0.1 (trust auth, as .ci/run provides). Creates and drops its own
database, posecoach_bench_compare. Metric rows are those of real synthetic squats
(inference.compare.metrics on compute_kinematics of the stick figure), varied per session.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB = "posecoach_bench_compare"


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql], check=True)


def squat(depth: float, seconds: float, fps: float, power: float = 1.0):  # type: ignore[no-untyped-def]
    import numpy as np

    from inference.kinematics.core import compute_kinematics
    from inference.kinematics.synthetic import on_ground, sequence, side_view_body25

    t = np.arange(int(seconds * fps)) / fps
    phase = (t / seconds) ** power * seconds
    knee = depth / 2 * (1 - np.cos(2 * np.pi * phase / 2.0)) + 5
    kp = on_ground(side_view_body25(len(t), knee=(knee, knee), hip=(knee * 0.8, knee * 0.8),
                                    ankle=(knee * 0.3, knee * 0.3), trunk_lean=knee * 0.2))
    kp[..., :2] += np.random.default_rng(int(depth)).normal(0, 2.0, kp[..., :2].shape)
    return compute_kinematics(sequence(kp, t), 0)


def metric_templates() -> list[list[object]]:
    """Metric sets of real (synthetic) squats at a few depths."""
    from inference.compare.metrics import analysis_metrics
    from inference.kinematics.events import detect_events

    out = []
    for depth in (70, 85, 100):
        kin = squat(depth, 6.0, 30.0)
        summary = {"events": detect_events(kin, "squat").to_dict()}
        out.append(analysis_metrics(kin, summary, "squat"))
    return out


def populate(n_analyses: int, n_athletes: int) -> tuple[object, list[int]]:
    from django.contrib.auth.models import User

    from coaching.analysis.models import Analysis, Status
    from coaching.athletes.models import Athlete
    from coaching.athletes.services import team_create
    from coaching.progress.models import MetricRow
    from coaching.videos.models import Video

    coach = User.objects.create_user("bench", password="bench-pass-123")
    team = team_create(name="Bench", head_coach=coach)
    athletes = Athlete.objects.bulk_create(Athlete(team=team, name=f"Athlete {i:03d}") for i in range(n_athletes))
    rng = random.Random(0)
    start = date(2024, 1, 1)
    videos = Video.objects.bulk_create(
        (Video(team=team, athlete=athletes[i % n_athletes], title=f"session {i}", file=f"v{i}.mp4",
               original_name="v.mp4", size_bytes=1, container="mov", codec="h264", width=1920,
               height=1080, fps=60, duration_s=6, frame_count=360, movement="squat",
               recorded_on=start + timedelta(days=rng.randrange(730))) for i in range(n_analyses)),
        batch_size=2000)
    analyses = Analysis.objects.bulk_create(
        (Analysis(video=v, status=Status.DONE, progress=100, kinematics=f"k{v.pk}.npz") for v in videos),
        batch_size=2000)
    templates = metric_templates()
    rows = []
    for analysis, video in zip(analyses, videos, strict=True):
        for m in templates[rng.randrange(len(templates))]:
            rows.append(MetricRow(team=team, athlete_id=video.athlete_id, analysis=analysis,
                                  recorded_on=video.recorded_on, action=m.action, metric=m.metric,
                                  value=m.value * rng.uniform(0.9, 1.1), unit=m.unit, t_start=m.start,
                                  t_end=m.end))
    MetricRow.objects.bulk_create(rows, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return coach, [a.pk for a in athletes]


def timed(client: object, urls: list[str]) -> list[float]:
    times = []
    for url in urls:
        began = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def dtw_times(runs: int) -> tuple[list[float], list[float], int]:
    from inference.compare.align import align, compare, cut
    from inference.compare.segments import Segment

    a, b = squat(95, 10.0, 60.0), squat(80, 10.0, 60.0, power=1.3)
    seg = Segment("whole", "squat", "whole", 0.0, 10.0)
    ca, cb = cut(a, seg), cut(b, seg)
    dtw_ms, full_ms = [], []
    for _ in range(runs):
        began = time.perf_counter()
        align(ca, cb)
        dtw_ms.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        compare(a, seg, b, seg)
        full_ms.append((time.perf_counter() - began) * 1000)
    return dtw_ms, full_ms, len(ca.times)


def row(name: str, ms: list[float], target: str) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"| {name} | {len(ms)} | {statistics.median(ms):.1f} | {p95:.1f} | {ms[-1]:.1f} | {target} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--analyses", type=int, default=10_000)
    parser.add_argument("--athletes", type=int, default=200)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="posecoach-compare-")
    os.environ.update(POSECOACH_VAR_DIR=work, DJANGO_SETTINGS_MODULE="coaching.settings.test",
                      DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB}", ALLOWED_HOSTS="testserver")
    psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    psql(f"CREATE DATABASE {DB}")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        call_command("migrate", verbosity=0)
        began = time.perf_counter()
        coach, athlete_ids = populate(args.analyses, args.athletes)
        from coaching.progress.models import MetricRow

        print(f"populated {args.analyses} analyses, {MetricRow.objects.count()} metric rows, "
              f"{args.athletes} athletes in {time.perf_counter() - began:.0f} s")
        client = Client()
        client.force_login(coach)
        rng = random.Random(1)
        progress = [f"/athletes/{rng.choice(athlete_ids)}/progress/" for _ in range(args.requests)]
        team_id = coach.memberships.get().team_id  # type: ignore[attr-defined]
        dashboard = [f"/teams/{team_id}/dashboard/"] * max(10, args.requests // 5)
        timed(client, progress[:3])  # warm up: templates, connections
        progress_ms, dashboard_ms = timed(client, progress), timed(client, dashboard)
        dtw_ms, full_ms, frames = dtw_times(50)
        print()
        print("| measure | n | p50 ms | p95 ms | max ms | target |")
        print("| --- | --- | --- | --- | --- | --- |")
        print(row(f"progress page, {args.analyses} analyses / {args.athletes} athletes (PostgreSQL)",
                  progress_ms, "p95 < 300 ms"))
        print(row(f"team dashboard, {args.athletes} athletes x 3 metrics", dashboard_ms, "—"))
        print(row(f"DTW, two 10-s 60-fps segments ({frames} x {frames} frames, 7 angles, 25 % window)",
                  dtw_ms, "< 50 ms"))
        print(row("whole comparison (DTW + phases + differences + skeletons)", full_ms, "—"))
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


if __name__ == "__main__":
    main()
