"""Metric rows (written once per analysis by the worker, replaced on re-run), the progress page
and its trends, the team dashboard and its CSV, references and their deviation on the report —
all scoped to the user's team."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from coaching.analysis.models import Analysis, Status
from coaching.progress.models import MetricRow, Reference
from coaching.progress.selectors import dashboard_get, progress_get
from coaching.progress.services import metric_rows_write
from inference.kinematics.events import detect_events
from tests.support import give_kinematics, squat_kinematics, squat_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world):
    """Ann squats deeper each month (70°, 80°, 95°); Bob (team B) once."""
    analyses = [squat_video(world.ann, recorded=date(2026, m, 1), depth=d)
                for m, d in ((1, 70), (2, 80), (3, 95))]
    for a in analyses:
        metric_rows_write(analysis=a)
    bob = squat_video(world.bob, recorded=date(2026, 2, 1), depth=100)
    metric_rows_write(analysis=bob)
    return analyses, bob


def test_metric_rows_hold_the_squat_depth(history) -> None:
    analyses, _ = history
    depth = MetricRow.objects.get(analysis=analyses[2], metric="knee_flexion_max")
    assert depth.action == "squat" and depth.unit == "deg" and depth.recorded_on == date(2026, 3, 1)
    assert depth.value == pytest.approx(100, abs=4)  # 95° swing + 5° standing flexion
    assert depth.t_end > depth.t_start
    reps = MetricRow.objects.get(analysis=analyses[2], metric="rep_count")
    assert reps.value == 2
    metrics = set(MetricRow.objects.filter(analysis=analyses[2]).values_list("metric", flat=True))
    assert {"knee_rom", "hip_rom", "trunk_lean_max", "rep_duration_s"} <= metrics


def test_rows_are_written_once_and_replaced_on_rerun(history) -> None:
    analyses, _ = history
    first = analyses[0]
    count = MetricRow.objects.filter(analysis=first).count()
    assert count > 0
    assert metric_rows_write(analysis=first) == count
    assert MetricRow.objects.filter(analysis=first).count() == count  # not doubled
    rerun = Analysis.objects.create(video=first.video, status=Status.DONE, progress=100)
    give_kinematics(rerun, squat_kinematics(depth=70))
    metric_rows_write(analysis=rerun)
    assert not MetricRow.objects.filter(analysis=first).exists()
    assert MetricRow.objects.filter(analysis__video=first.video).count() == count
    # The older run finishing late does not overwrite the newer one's rows.
    assert metric_rows_write(analysis=first) == 0
    assert MetricRow.objects.filter(analysis=rerun).count() == count


def test_the_worker_writes_the_rows_when_an_analysis_finishes(world, make_clip, monkeypatch) -> None:
    """analysis_run's end: one set of rows for the finished run, replaced by a re-run's."""
    from coaching.analysis import runner
    from coaching.analysis.stages import Stage

    kin = squat_kinematics(depth=80)

    def kinematics_stage(ctx) -> None:
        path = ctx.workdir / "kinematics.npz"
        kin.save(path)
        ctx.outputs["kinematics"] = path
        ctx.summary["events"] = detect_events(kin, "squat").to_dict()

    monkeypatch.setattr(runner, "STAGES", [Stage("kinematics", 0.0, 1.0, kinematics_stage)])
    world.video.movement = "squat"
    world.video.save()
    world.video.file.save("real.mp4", ContentFile(make_clip(frames=12).read_bytes()), save=True)
    runs = []
    for _ in range(2):
        analysis = Analysis.objects.create(video=world.video)
        runner.analysis_run(analysis_id=analysis.pk)
        runs.append(analysis)
        rows = MetricRow.objects.filter(analysis__video=world.video)
        assert rows.count() == rows.filter(analysis=analysis).count() > 0
        assert rows.filter(metric="knee_flexion_max").count() == 1
    assert not MetricRow.objects.filter(analysis=runs[0]).exists()


def test_progress_trend_bests_and_summary(history) -> None:
    analyses, _ = history
    from coaching.athletes.models import Athlete

    progress = progress_get(athlete=Athlete.objects.get(name="Ann"))
    depth = next(s for s in progress.series if s.metric == "knee_flexion_max")
    assert [p.recorded_on.month for p in depth.points] == [1, 2, 3]
    sentence = next(s for s in progress.summary if s["label"].startswith("Squat depth"))
    assert sentence["verdict"] == "improved" and sentence["change"] == pytest.approx(25, abs=5)
    assert "improved" in sentence["text"] and "3 sessions" in sentence["text"]
    best = next(b for b in progress.bests if b["series"].metric == "knee_flexion_max")
    assert best["point"].analysis_id == analyses[2].pk
    fig = progress.figures[depth.key]
    assert fig["data"][0]["customdata"][2][0] == analyses[2].pk
    narrowed = progress_get(athlete=Athlete.objects.get(name="Ann"), date_from=date(2026, 2, 1))
    assert len(next(s for s in narrowed.series if s.metric == "knee_flexion_max").points) == 2


def test_progress_page_is_scoped(client, world, history) -> None:
    url = reverse("athlete_progress", args=[world.ann.pk])
    client.force_login(world.coach)
    page = client.get(url).content.decode()
    assert "Squat depth" in page and "improved" in page and 'id="progress-figures"' in page
    client.force_login(world.other_coach)
    assert client.get(url).status_code == 404
    client.force_login(world.ann_user)
    assert client.get(url).status_code == 200
    assert client.get(reverse("athlete_progress", args=[world.al.pk])).status_code == 404
    empty = client.get(url + "?date_from=2030-01-01").content.decode()
    assert "No measurements in this period" in empty


def test_dashboard_queries_only_the_team(client, world, history) -> None:
    rows = dashboard_get(team=world.team, metrics=["knee_flexion_max"], sort="-knee_flexion_max")
    assert [r.athlete.name for r in rows] == ["Ann", "Al"]  # Al has no value: last
    assert rows[0].cells["knee_flexion_max"]["verdict"] == "improved"
    assert all(r.athlete.team_id == world.team.pk for r in rows)
    client.force_login(world.coach)
    url = reverse("team_dashboard", args=[world.team.pk])
    page = client.get(url, {"metric": ["knee_flexion_max", "rep_count"]}).content.decode()
    assert "Ann" in page and "Bob" not in page
    response = client.get(url, {"metric": "knee_flexion_max", "format": "csv"})
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0][:2] == ["athlete", "knee_flexion_max (deg)"]
    assert [r[0] for r in table[1:]] == ["Al", "Ann"] and table[1][1] == ""
    assert float(table[2][1]) == pytest.approx(100, abs=4) and table[2][4] == "improved"
    client.force_login(world.other_coach)
    assert client.get(url).status_code == 404
    client.force_login(world.ann_user)
    assert client.get(url).status_code == 404


def test_reference_is_set_and_later_analyses_show_their_deviation(client, world, history) -> None:
    analyses, _ = history
    best = analyses[2]
    client.force_login(world.coach)
    report = client.get(reverse("analysis_report", args=[best.pk])).content.decode()
    assert "Set as the team&#x27;s reference" in report or "Set as the team's reference" in report
    segments = [s for s in __import__("coaching.progress.comparisons", fromlist=["x"]).segments_for(best)]
    rep = next(i for i, s in enumerate(segments) if s.kind == "rep")
    client.post(reverse("reference_set", args=[best.pk]), {"segment": rep})
    reference = Reference.objects.get(team=world.team, action="squat")
    assert reference.analysis == best and reference.kind == "rep"
    shallow = client.get(reverse("analysis_report", args=[analyses[0].pk])).content.decode()
    assert "Against the team" in shallow and "less flexed" in shallow
    assert "knee" in shallow and "at the bottom" in shallow
    client.force_login(world.ann_user)
    assert client.post(reverse("reference_set", args=[analyses[1].pk]), {"segment": rep}).status_code == 403
    client.force_login(world.coach)
    client.post(reverse("team_references", args=[world.team.pk]), {"action": "squat"})
    assert not Reference.objects.exists()


def test_dashboard_trend_from_the_edges_equals_the_full_series(world) -> None:
    """The dashboard fetches only the first and last sessions per athlete and metric (window
    functions); its latest value and trend match the progress page's over every session."""
    depths = (70, 90, 72, 88, 75, 95, 80, 99)
    for month, depth in enumerate(depths, start=1):
        metric_rows_write(analysis=squat_video(world.al, recorded=date(2025, month, 2), depth=depth))
    cell = dashboard_get(team=world.team, metrics=["knee_flexion_max"])[0].cells["knee_flexion_max"]
    full = next(s for s in progress_get(athlete=world.al).summary if s["label"].startswith("Squat depth"))
    assert cell["sessions"] == full["sessions"] == len(depths)
    assert cell["change"] == pytest.approx(full["change"]) and cell["verdict"] == full["verdict"]
    assert cell["latest"] == pytest.approx(MetricRow.objects.get(
        analysis__video__recorded_on=date(2025, 8, 2), metric="knee_flexion_max").value)


def test_trend_axis_is_in_days_and_a_fortnight_wide_for_few_sessions() -> None:
    from datetime import date

    from coaching.progress.figures import Point, Series, trend_figure

    one = Series("squat", "squat_depth", "deg", [Point(date(2026, 11, 27), 95.0, 1, 0.0)])
    axis = trend_figure(one)["layout"]["xaxis"]
    assert axis["tickformat"] == "%-d %b %Y" and axis["range"] == ["2026-11-20", "2026-12-04"]
    many = Series("squat", "squat_depth", "deg", [Point(date(2026, 9, 1), 90.0, 1, 0.0),
                                                  Point(date(2026, 11, 27), 95.0, 2, 0.0)])
    assert "range" not in trend_figure(many)["layout"]["xaxis"]


def test_rewrite_metrics_writes_old_rows_with_todays_definitions(world) -> None:  # noqa: ANN001
    # A row written under an old definition (cadence over every step: 36 steps/min for three steps
    # 0.5 s apart and one 4 s later) is rewritten from the stored analysis: the report's 120.
    from io import StringIO

    from django.core.management import call_command

    from inference.kinematics.events import Event
    from tests.support import squat_video

    analysis = squat_video(world.ann, recorded=date(2026, 3, 2), depth=90)
    steps = [Event("step", end - 0.3, end, side).as_dict()
             for end, side in ((0.5, "right"), (1.0, "left"), (1.5, "right"), (3.9, "left"))]
    analysis.summary = {**analysis.summary, "events": {"events": steps}}
    analysis.save()
    MetricRow.objects.create(team=world.ann.team, athlete=world.ann, analysis=analysis, recorded_on=date(2026, 3, 2),
                             action="squat", metric="cadence_spm", value=36.0, unit="steps/min", t_start=0.5, t_end=3.9)
    out = StringIO()
    call_command("rewrite_metrics", "--team", str(world.ann.team_id), stdout=out)
    videos = Analysis.objects.filter(status=Status.DONE, video__team=world.ann.team).values("video").distinct().count()
    assert out.getvalue().startswith(f"{videos} video(s): ") and "failed" not in out.getvalue()
    cadence = MetricRow.objects.get(analysis=analysis, metric="cadence_spm")
    assert cadence.value == pytest.approx(120.0) and (cadence.t_start, cadence.t_end) == (0.5, 1.5)
    assert MetricRow.objects.filter(analysis=analysis, metric="knee_rom").exists()  # the rest as a run writes them
