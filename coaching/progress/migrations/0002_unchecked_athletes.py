"""Metric rows of analyses whose athlete awaits the coach's check (coaching.analysis.confirmation)
leave progress: written before that rule, they could show a bystander's numbers as the athlete's
trend (lab_two_people: a false decline, review of 30 Nov 2026). Confirming the athlete, or
choosing one, writes them again."""

from __future__ import annotations

from django.db import migrations


def drop_unchecked_rows(apps, schema_editor) -> None:  # noqa: ANN001 - migration signature
    from inference.tracking.athlete import close_call

    Analysis = apps.get_model("analysis", "Analysis")
    MetricRow = apps.get_model("progress", "MetricRow")
    measured = MetricRow.objects.values("analysis_id")
    unchecked = []
    for pk, pose in Analysis.objects.filter(pk__in=measured).values_list("pk", "summary__pose"):
        pose = pose or {}
        if pose.get("athlete_source") != "auto":
            continue
        scores = {int(p["track_id"]): float(p["athlete_score"]) for p in pose.get("people", [])
                  if "track_id" in p and "athlete_score" in p}  # fmt: skip
        if close_call(scores, pose.get("athlete_track_id")) is not None:
            unchecked.append(pk)
    MetricRow.objects.filter(analysis_id__in=unchecked).delete()


class Migration(migrations.Migration):
    dependencies = [("progress", "0001_initial"), ("analysis", "0007_track_edit")]
    operations = [migrations.RunPython(drop_unchecked_rows, migrations.RunPython.noop)]
