"""Server time of the report page for a 10-minute 60 fps analysis (36,000 frames): p50/p95/max
over repeated requests through Django (no network). Target: p95 < 300 ms.

    python bench/report.py [--minutes 10] [--requests 30]

Builds a throw-away SQLite database with a DONE analysis whose kinematics come from the
synthetic figure of bench/kinematics.py (walking then squatting, with noise and gaps).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="posecoach-report-")
    os.environ.update(POSECOACH_VAR_DIR=work, DJANGO_SETTINGS_MODULE="coaching.settings.test",
                      DATABASE_URL=f"sqlite:///{work}/db.sqlite3", ALLOWED_HOSTS="testserver")
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.test import Client
    from kinematics import synthetic_poses

    from coaching.analysis.models import Analysis, Status
    from coaching.athletes.services import athlete_create, team_create
    from coaching.videos.models import Video
    from inference.pipeline import AnalysisConfig, analyze_poses

    call_command("migrate", verbosity=0)
    from django.contrib.auth.models import User

    coach = User.objects.create_user("bench", password="bench-pass-123")
    athlete = athlete_create(team=team_create(name="Bench", head_coach=coach), name="A")
    video = Video.objects.create(team=athlete.team, athlete=athlete, title="10 min", file="x.mp4",
                                 original_name="x.mp4", size_bytes=1, container="mov", codec="h264",
                                 width=1920, height=1080, fps=60, duration_s=args.minutes * 60,
                                 frame_count=int(args.minutes * 3600), movement="squat")
    poses = synthetic_poses(args.minutes, 60.0, "blazepose33")

    out = Path(work) / "kin"
    began = time.perf_counter()
    analyze_poses(poses, AnalysisConfig(movement="squat", until="feedback"), athlete_track_id=0).write(out)
    compute_s = time.perf_counter() - began
    analysis = Analysis.objects.create(
        video=video, status=Status.DONE, progress=100,
        summary={"events": json.loads((out / "events.json").read_text()),
                 "feedback": json.loads((out / "feedback.json").read_text())})
    analysis.kinematics.save("kinematics.npz", ContentFile((out / "kinematics.npz").read_bytes()))
    client = Client()
    client.force_login(coach)
    url = f"/analyses/{analysis.pk}/report/"
    times, size = [], 0
    for _ in range(args.requests):
        began = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
        size = len(response.content)
    times.sort()
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    print(f"{int(args.minutes * 3600)} frames; kinematics + feedback written in {compute_s:.2f} s; "
          f"page {size / 1024:.0f} KB")
    print("| page | requests | p50 ms | p95 ms | max ms | target |")
    print("|---|---|---|---|---|---|")
    print(f"| report | {len(times)} | {statistics.median(times):.0f} | {p95:.0f} | {times[-1]:.0f} | "
          f"p95 < 300 ms: {'met' if p95 < 300 else 'MISSED'} |")


if __name__ == "__main__":
    main()
